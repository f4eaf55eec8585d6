/**
 * The executable's workers start on a machine without panko's sources: the binary is built from a
 * copy of the repository that is then deleted, as a user's download has no src/ beside it. A
 * worker named by a URL from import.meta.url pointed at the build machine's source file, so it
 * failed everywhere else and `list` (summaries) and `export` (packing) ran on one thread.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers/cli.ts";
import { writeWorkerTree } from "../helpers/session-tree.ts";
import { assistantLine, newChain, text, toolResult, toolUse, userLine } from "../viewer/claude-lines.ts";

const twoCores = availableParallelism() >= 2;

describe.skipIf(!twoCores)("workers in a binary built elsewhere", () => {
  let dir: string;
  let binary: string;
  let env: Record<string, string | undefined>;

  beforeAll(() => {
    dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "shipped-"));
    // Build from a copy, keep the binary, delete the copy.
    const copy = join(dir, "checkout");
    mkdirSync(join(copy, "scripts"), { recursive: true });
    cpSync(join(ROOT, "src"), join(copy, "src"), { recursive: true });
    for (const f of ["package.json", "tsconfig.json", "bunfig.toml"]) cpSync(join(ROOT, f), join(copy, f));
    cpSync(join(ROOT, "scripts", "build.ts"), join(copy, "scripts", "build.ts"));
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"));
    const built = Bun.spawnSync([process.execPath, join(copy, "scripts", "build.ts")], { cwd: copy, stdout: "pipe", stderr: "pipe" });
    if (built.exitCode !== 0) throw new Error(`build failed: ${built.stderr.toString()}`);
    binary = join(dir, "panko");
    renameSync(join(copy, "dist", "panko"), binary);
    rmSync(copy, { recursive: true, force: true });
    const home = join(dir, "home");
    env = { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, ".cache"), XDG_CONFIG_HOME: join(home, ".config"), XDG_STATE_HOME: join(home, ".state"), CODEX_HOME: join(home, ".codex"), CLAUDE_CONFIG_DIR: undefined };
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const proc = Bun.spawn([binary, ...args], { cwd: dir, env: env as Record<string, string>, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  }

  test("a cold list reads summaries in its worker", async () => {
    writeWorkerTree(env.HOME!);
    const r = await run(["--verbose", "list", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/summary worker (did not start|failed)/);
    expect(r.stderr).toMatch(/summarized \d+ of 40 files in a worker/);
    expect(JSON.parse(r.stdout)).toHaveLength(40);
  }, 60_000);

  test("an export packs its parts in its worker", async () => {
    const chain = newChain("5e551011-0000-4000-8000-00000000a0e1");
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) {
      lines.push(userLine(chain, `Prompt ${i}`));
      for (let k = 0; k < 6; k++) {
        const id = `toolu_s${i}x${k}`;
        lines.push(assistantLine(chain, [toolUse(id, "Bash", { command: `ls ${i}-${k}` })]), userLine(chain, [toolResult(id, Array.from({ length: 60 }, (_, r) => `row ${r} of ${i}-${k}`).join("\n"))]));
      }
      lines.push(assistantLine(chain, [text(`Answer ${i}.`)]));
    }
    const session = join(dir, "packed.jsonl");
    writeFileSync(session, lines.join("\n") + "\n");
    const out = join(dir, "packed.html");
    const r = await run(["--verbose", "export", session, "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/pack worker (stopped|did not start)/);
    expect(await Bun.file(out).text()).toContain('class="pk"');
  }, 60_000);
});
