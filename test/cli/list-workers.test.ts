/** A cold `panko list` of the compiled binary reads summaries in a Worker too, and lists what one thread would. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, runBinary } from "../helpers/cli.ts";
import { listSessions } from "../../src/sessions/index.ts";
import { writeWorkerTree } from "../helpers/session-tree.ts";

describe.skipIf(!hasBinary)("list on two cores", () => {
  test("the summary worker runs in the compiled binary and the listing is the same", async () => {
    const home = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "workers-"));
    const env = { HOME: home, XDG_CACHE_HOME: join(home, ".cache"), XDG_CONFIG_HOME: join(home, ".config"), CODEX_HOME: join(home, ".codex"), CLAUDE_CONFIG_DIR: undefined };
    writeWorkerTree(home);
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
