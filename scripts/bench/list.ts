/**
 * List benchmark, as whole processes: `dist/panko list --json` over the 3,000-session tree made by
 * gen-tree.ts, cold (no index: every file summarised, on two cores) and warm (index filled, nothing
 * changed). Median of `--runs` (default 3) each. Targets: cold < 2 s, warm < 300 ms. Exits 1 when
 * either is missed.
 *
 *   bun scripts/bench/gen-tree.ts .bench/tree     # once
 *   bun scripts/bench/list.ts .bench/tree [--runs 3]
 *
 * HOME, CODEX_HOME and the XDG dirs point at the tree and a fresh temp dir; CLAUDE_CONFIG_DIR is
 * unset. Nothing outside those folders is read or written.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ensureBinary, median, report, timeProcess, treeEnv } from "./child.ts";

const COLD_MS = 2000;
const WARM_MS = 300;

const { values, positionals } = parseArgs({ args: Bun.argv.slice(2), options: { runs: { type: "string", default: "3" } }, allowPositionals: true });
const tree = positionals[0] ? resolve(positionals[0]) : undefined;
if (!tree) {
  console.error("usage: bun scripts/bench/list.ts <tree-dir> [--runs 3]");
  process.exit(2);
}

const panko = ensureBinary();
const scratch = mkdtempSync(join(tmpdir(), "panko-bench-"));
const env: Record<string, string | undefined> = { ...treeEnv(tree, scratch), CLAUDE_CONFIG_DIR: undefined };
const runs = Number(values.runs);
const cold: number[] = [];
const warm: number[] = [];
let listed = 0;
try {
  for (let i = 0; i < runs; i++) {
    rmSync(join(scratch, "cache"), { recursive: true, force: true });
    cold.push(timeProcess([panko, "list", "--json"], env).ms);
    for (let j = 0; j < 3; j++) warm.push(timeProcess([panko, "list", "--json"], env).ms);
  }
  const out = Bun.spawnSync([panko, "list", "--json"], { env: { ...process.env, ...env } as Record<string, string> });
  listed = (JSON.parse(out.stdout.toString()) as unknown[]).length;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const c = median(cold);
const w = median(warm);
report({
  name: "list",
  lines: [
    `dist/panko list --json over ${listed} sessions, whole processes:`,
    `  cold (no index, ${navigator.hardwareConcurrency} cores): median ${c.toFixed(0)} ms of ${cold.map((x) => x.toFixed(0)).join(", ")} (target < ${COLD_MS} ms)`,
    `  warm (index filled): median ${w.toFixed(0)} ms (target < ${WARM_MS} ms)`,
  ],
  ok: c < COLD_MS && w < WARM_MS,
});
