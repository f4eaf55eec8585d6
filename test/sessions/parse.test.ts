import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PankoError } from "../../src/errors.ts";
import { detectSource, parseSession, sourceOfRecord } from "../../src/sessions/parse.ts";

const fixtures = join(import.meta.dir, "../fixtures/codex");
const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), "parse-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const lines = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

const claudeUser = {
  parentUuid: null,
  isSidechain: false,
  type: "user",
  message: { role: "user", content: "hello claude" },
  uuid: "11111111-1111-4111-8111-111111111111",
  timestamp: "2025-01-01T00:00:00.000Z",
  sessionId: "s-claude",
  cwd: "/w",
};

async function rejection(p: Promise<unknown>): Promise<PankoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PankoError);
    return e as PankoError;
  }
  throw new Error("expected a rejection");
}

describe("detectSource", () => {
  test("codex rollouts, enveloped and legacy", async () => {
    expect(await detectSource(join(fixtures, "full.jsonl"))).toBe("codex");
    expect(await detectSource(join(fixtures, "legacy.jsonl"))).toBe("codex");
  });

  test("claude sessions, from user lines or leading bookkeeping records", async () => {
    expect(await detectSource(file("c1.jsonl", lines(claudeUser)))).toBe("claude");
    expect(await detectSource(file("c2.jsonl", lines({ type: "summary", summary: "S", leafUuid: "x" }, claudeUser)))).toBe("claude");
    expect(await detectSource(file("c3.jsonl", lines({ type: "file-history-snapshot", messageId: "m", snapshot: {} })))).toBe("claude");
  });

  test("skips blank and malformed leading lines", async () => {
    const path = file("c4.jsonl", "\n{oops\n\n" + lines({ timestamp: "t", type: "event_msg", payload: { type: "user_message", message: "x" } }));
    expect(await detectSource(path)).toBe("codex");
  });

  test("a huge first line is judged by its beginning", async () => {
    const big = JSON.stringify({ ...claudeUser, message: { role: "user", content: [{ type: "image", source: { data: "A".repeat(3 * 1024 * 1024) } }] } });
    expect(await detectSource(file("big.jsonl", big + "\n"))).toBe("claude");
  });

  test("neither", async () => {
    expect(await detectSource(file("empty.jsonl", ""))).toBeNull();
    expect(await detectSource(file("blank.jsonl", "\n\n  \n"))).toBeNull();
    expect(await detectSource(file("text.txt", "hello\nworld\n"))).toBeNull();
    expect(await detectSource(file("other.json", lines({ foo: 1 }, { bar: [2] })))).toBeNull();
    expect(await detectSource(file("pretty.json", JSON.stringify({ type: "user" }, null, 2)))).toBeNull();
    expect(await detectSource(file("array.jsonl", "[1,2]\n"))).toBeNull();
    expect(await detectSource(file("binary.bin", new Uint8Array([0, 1, 2, 255, 10, 0])))).toBeNull();
    expect(await detectSource(dir)).toBeNull();
    expect(await detectSource(join(dir, "missing.jsonl"))).toBeNull();
  });

  test("sourceOfRecord", () => {
    expect(sourceOfRecord({ type: "turn_context", payload: {} })).toBe("codex");
    expect(sourceOfRecord({ type: "compacted", payload: { message: "" } })).toBe("codex");
    expect(sourceOfRecord({ type: "some-new-claude-type", uuid: "u" })).toBe("claude");
    expect(sourceOfRecord({ type: "event_msg" })).toBeNull(); // no payload
    expect(sourceOfRecord({ hello: "world" })).toBeNull();
  });
});

describe("parseSession", () => {
  test("dispatches a Codex rollout", async () => {
    const s = await parseSession(join(fixtures, "full.jsonl"));
    expect(s.source).toBe("codex");
    expect(s.id).toBe("0199a000-1111-7222-8333-944445555666");
  });

  test("dispatches a Claude session", async () => {
    const s = await parseSession(file("claude.jsonl", lines(claudeUser)));
    expect(s.source).toBe("claude");
  });

  test("missing file", async () => {
    const path = join(dir, "nope.jsonl");
    const e = await rejection(parseSession(path));
    expect(e.code).toBe("not-found");
    expect(e.message).toBe(`no such file: ${path}`);
  });

  test("not a session", async () => {
    const cases = [
      file("e.jsonl", ""),
      file("t.txt", "just text\n"),
      file("o.json", lines({ foo: 1 })),
      file("p.json", JSON.stringify({ type: "user", message: {} }, null, 2)),
      dir,
    ];
    mkdirSync(join(dir, "sub.jsonl"));
    cases.push(join(dir, "sub.jsonl"));
    for (const path of cases) {
      const e = await rejection(parseSession(path));
      expect(e.code).toBe("not-a-session");
      expect(e.message).toBe(`not a Claude Code or Codex session: ${path}`);
    }
  });
});
