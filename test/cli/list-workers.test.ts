/** A cold `panko list` of the compiled binary reads summaries in a Worker too, and lists what one thread would. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, runBinary } from "../helpers/cli.ts";
import { listSessions } from "../../src/sessions/index.ts";
import { claudeSession } from "../helpers/session-tree.ts";

describe.skipIf(!hasBinary)("list on two cores", () => {
  test("the summary worker runs in the compiled binary and the listing is the same", async () => {
    const home = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "workers-"));
    const env = { HOME: home, XDG_CACHE_HOME: join(home, ".cache"), XDG_CONFIG_HOME: join(home, ".config"), CODEX_HOME: join(home, ".codex"), CLAUDE_CONFIG_DIR: undefined };
    // 40 sessions of ~600 KB: more than the bytes below which one thread reads alone.
    const pad = "x".repeat(600 * 1024);
    for (let i = 0; i < 40; i++) {
      const id = `0000${i.toString().padStart(4, "0")}-0000-4000-8000-000000000000`;
      const dir = join(home, ".claude/projects", `-p${i % 4}`);
      mkdirSync(dir, { recursive: true });
      const recs = claudeSession({ id, cwd: `/p${i % 4}`, prompt: `prompt ${i} ${pad}`, at: `2026-01-0${1 + (i % 9)}T10:00:00Z` });
      writeFileSync(join(dir, `${id}.jsonl`), recs.map((r) => JSON.stringify(r)).join("\n") + "\n");
    }
    const r = await runBinary(["--verbose", "list", "--json"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/summarized \d+ of 40 files in a worker/);
    const listed = JSON.parse(r.stdout) as { id: string; prompts: number; title: string }[];
    const single = listSessions({ env: { ...process.env, ...env }, dbPath: join(home, "single.db") });
    const key = (s: { id: string; prompts: number; title: string }) => `${s.id} ${s.prompts} ${s.title}`;
    expect(listed.map(key).sort()).toEqual(single.map(key).sort());
    expect(listed.length).toBe(40);
  }, 60_000);
});
