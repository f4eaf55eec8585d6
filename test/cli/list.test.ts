/** `panko list` rows: an id prefix that is unique (so usable as SESSION), rows that fit 80 columns. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { resolveSessionRef, uniqueIdPrefixes } from "../../src/sessions/resolve.ts";
import type { SessionSummary } from "../../src/sessions/model.ts";
import { claudeSession, writeLines } from "../helpers/session-tree.ts";

const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "list-"));
const env = { HOME: join(root, "home"), XDG_CACHE_HOME: join(root, "cache"), XDG_CONFIG_HOME: join(root, "config"), NO_COLOR: "1" };
const projects = join(env.HOME, ".claude/projects");
const at = (d: number) => `2026-02-0${d}T10:00:00Z`;
// Two ids that share their first 10 characters, one whose file name is not its session id.
writeLines(join(projects, "-a/abcdef0123-0000-4000-8000-000000000001.jsonl"), claudeSession({ id: "abcdef0123-0000-4000-8000-000000000001", cwd: "/home/someone/projects/a/very/long/path/to/the/project/alpha", prompt: "一个很长的中文标题，用来检查宽字符是否会让行超出八十列的终端宽度 🎉🎉🎉", at: at(1) }));
writeLines(join(projects, "-a/abcdef0123-1111-4000-8000-000000000002.jsonl"), claudeSession({ id: "abcdef0123-1111-4000-8000-000000000002", cwd: "/b", prompt: "A rather long English title that goes on and on well past the width of a terminal", at: at(2) }));
writeLines(join(projects, "-c/copy-of-my-session.jsonl"), claudeSession({ id: "99998888-0000-4000-8000-000000000003", cwd: "/c", prompt: "renamed", at: at(3) }));

async function run(argv: string[], columns = 80) {
  const m = memoryIo({ env });
  m.io.columns = columns;
  const code = await runCli(argv, m.io);
  return { code, out: m.stdout(), err: m.stderr() };
}

describe("panko list", () => {
  test("rows fit an 80-column terminal, wide characters included", async () => {
    const r = await run(["list"]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split("\n");
    expect(lines.length).toBe(4);
    for (const line of lines) expect({ line, width: Bun.stringWidth(line) <= 80 }).toEqual({ line, width: true });
  });

  test("the id shown is the shortest unique prefix, and resolves to its session", async () => {
    const r = await run(["list"]);
    const ids = r.out.trimEnd().split("\n").slice(1).map((l) => l.split(" ")[0]);
    expect(ids.sort()).toEqual(["abcdef0123-0", "abcdef0123-1", "copy-of-"]);
    for (const id of ids) expect(resolveSessionRef(id, { env }).summary.id.startsWith(id)).toBe(true);
  });

  test("a session id found inside a file resolves though the file name differs", () => {
    expect(resolveSessionRef("99998888-0000-4000-8000-000000000003", { env }).path).toEndWith("copy-of-my-session.jsonl");
    expect(resolveSessionRef("99998888", { env }).path).toEndWith("copy-of-my-session.jsonl");
  });

  test("uniqueIdPrefixes: at least 8 characters, longer only where needed, whole id when ids repeat", () => {
    const s = (id: string, sessionId?: string) => ({ id, ...(sessionId ? { sessionId } : {}) }) as SessionSummary;
    const a = s("aaaaaaaa1"), b = s("aaaaaaaa2"), c = s("bbbbbbbbbbbb"), d = s("x", "aaaaaaaa3"), e1 = s("same-id-0"), e2 = s("same-id-0");
    const p = uniqueIdPrefixes([a, b, c, d, e1, e2]);
    expect([p.get(a), p.get(b), p.get(c), p.get(d), p.get(e1)]).toEqual(["aaaaaaaa1", "aaaaaaaa2", "bbbbbbbb", "x", "same-id-0"]);
  });
});
