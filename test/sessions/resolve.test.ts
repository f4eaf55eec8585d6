import { describe, expect, test } from "bun:test";
import { utimesSync } from "node:fs";
import { join, relative } from "node:path";
import { PankoError } from "../../src/errors.ts";
import { resolveSessionRef } from "../../src/sessions/resolve.ts";
import { claudeSession, codexSession, tempDir, writeJsonl } from "./helpers.ts";

const home = tempDir("resolve");
const env = { HOME: home, CODEX_HOME: join(home, ".codex"), XDG_CACHE_HOME: join(home, "cache") };
const proj = join(home, ".claude", "projects", "-w-p");
const noTimes = (recs: unknown[]) => recs.map((r: any) => ({ ...r, timestamp: undefined }));
const A = writeJsonl(join(proj, "abc12345-0000-4000-8000-000000000001.jsonl"), noTimes(claudeSession("first one")));
const B = writeJsonl(join(proj, "abc99999-0000-4000-8000-000000000002.jsonl"), noTimes(claudeSession("second one")));
const C = writeJsonl(join(home, ".codex", "sessions", "2025", "rollout-2025-x-def00000-0000-4000-8000-000000000003.jsonl"), noTimes(codexSession("def00000-0000-4000-8000-000000000003", "codex one")));
for (const [p, s] of [[A, 1_000_000], [B, 2_000_000], [C, 3_000_000]] as const) utimesSync(p, s, s);
// No timestamps in these fixtures: their order comes from the file mtimes (C newest).

function thrown(f: () => unknown): PankoError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PankoError);
    return e as PankoError;
  }
  throw new Error("expected a PankoError");
}

describe("resolveSessionRef", () => {
  test("absolute, relative and ~ paths", () => {
    expect(resolveSessionRef(A, { env }).summary.title).toBe("first one");
    expect(resolveSessionRef(relative(home, B), { env, cwd: home }).path).toBe(B);
    expect(resolveSessionRef("~/" + relative(home, C), { env }).summary.source).toBe("codex");
  });

  test("a path outside the known roots is summarized directly", () => {
    const outside = writeJsonl(join(tempDir("elsewhere"), "copy.jsonl"), claudeSession("outside session"));
    const r = resolveSessionRef(outside, { env });
    expect(r.path).toBe(outside);
    expect(r.summary).toMatchObject({ id: "copy", source: "claude", title: "outside session" });
    const notSession = writeJsonl(join(tempDir("elsewhere2"), "x.jsonl"), ["hello"]);
    expect(thrown(() => resolveSessionRef(notSession, { env })).code).toBe("not-a-session");
  });

  test("full id, unique prefix (case-insensitive)", () => {
    expect(resolveSessionRef("abc12345-0000-4000-8000-000000000001", { env }).path).toBe(A);
    expect(resolveSessionRef("abc9", { env }).path).toBe(B);
    expect(resolveSessionRef("DEF0", { env }).path).toBe(C);
  });

  test("an ambiguous prefix lists the candidates", () => {
    const e = thrown(() => resolveSessionRef("abc", { env }));
    expect(e.code).toBe("ambiguous");
    expect(e.details.join("\n")).toContain("abc12345-0000-4000-8000-000000000001  claude  /work/proj  first one");
    expect(e.details.join("\n")).toContain("abc99999");
  });

  test("latest is the newest session", () => {
    const r = resolveSessionRef("latest", { env });
    expect(r.path).toBe(C);
  });

  test("unknown refs are not found, with a hint", () => {
    const e = thrown(() => resolveSessionRef("zzz", { env }));
    expect(e.code).toBe("not-found");
    expect(e.message).toBe('no session matches "zzz"');
    expect(e.details.join(" ")).toContain("panko list");
    expect(thrown(() => resolveSessionRef("latest", { env: { ...env, HOME: join(home, "none"), CODEX_HOME: join(home, "none") } })).code).toBe("not-found");
  });
});

describe("resolveSessionPath", () => {
  test("an existing file is taken as it is, without reading it", async () => {
    const { resolveSessionPath } = await import("../../src/sessions/resolve.ts");
    const { mkdtempSync, writeFileSync, realpathSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "rp-"));
    const file = join(dir, "anything.jsonl");
    writeFileSync(file, "not even json\n");
    expect(resolveSessionPath(file)).toBe(realpathSync(file));
    expect(resolveSessionPath("anything.jsonl", { cwd: dir })).toBe(realpathSync(file));
  });

  test("ids and unknown refs still go through the index", async () => {
    const { resolveSessionPath } = await import("../../src/sessions/resolve.ts");
    expect(() => resolveSessionPath("no-such-session-id", { files: [] })).toThrow(/no session matches/);
  });
});
