/**
 * Times listSessions over a tree made by gen-tree.ts: cold (empty index) and warm (index filled,
 * nothing changed), in this process, plus a warm run in a fresh `bun` process (startup included).
 *
 *   bun scripts/bench/gen-tree.ts /tmp/panko-bench     # once
 *   bun scripts/bench/list.ts /tmp/panko-bench [--runs 3]
 *
 * HOME, CODEX_HOME and the XDG dirs are pointed at the tree and a fresh temp dir; CLAUDE_CONFIG_DIR
 * is unset. Nothing outside those folders is read or written.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { treeEnv } from "./child.ts";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  options: { runs: { type: "string", default: "3" }, "exact-max": { type: "string" }, "warm-child": { type: "boolean", default: false } },
  allowPositionals: true,
});
const tree = positionals[0] ? resolve(positionals[0]) : undefined;
if (!tree) {
  console.error("usage: bun scripts/bench/list.ts <tree-dir> [--runs 3]");
  process.exit(2);
}

if (values["warm-child"]) {
  // Child mode: env already set by the parent; one warm listing.
  const { listSessions } = await import("../../src/sessions/index.ts");
  const t = performance.now();
  const n = listSessions().length;
  console.log(JSON.stringify({ ms: performance.now() - t, n }));
  process.exit(0);
}

const scratch = mkdtempSync(join(tmpdir(), "panko-bench-"));
const env = treeEnv(tree, scratch);
Object.assign(process.env, env);
delete process.env.CLAUDE_CONFIG_DIR;

const { listSessions } = await import("../../src/sessions/index.ts");
const { indexDb } = await import("../../src/paths.ts");
const { discoverSessionFiles } = await import("../../src/sessions/discover.ts");

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
};

const [files, discoverMs] = time(() => discoverSessionFiles());
const totalMb = files.reduce((a, f) => a + f.size, 0) / 1024 / 1024;
console.log(`tree: ${files.length} session files, ${totalMb.toFixed(0)} MB (discovery alone ${discoverMs.toFixed(0)} ms)`);

const runs = Number(values.runs);
/** --exact-max BYTES: override the exact/scan switch (see src/sessions/summary/common.ts). */
const summaryOptions = values["exact-max"] !== undefined ? { exactMaxBytes: Number(values["exact-max"]) } : undefined;
const cold: number[] = [];
const warm: number[] = [];
for (let i = 0; i < runs; i++) {
  for (const p of [indexDb(), `${indexDb()}-wal`, `${indexDb()}-shm`]) rmSync(p, { force: true });
  const [list, ms] = time(() => listSessions({ summaryOptions }));
  cold.push(ms);
  if (i === 0) console.log(`listed ${list.length} sessions`);
  for (let j = 0; j < 3; j++) warm.push(time(() => listSessions())[1]);
}
const child: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const proc = Bun.spawnSync([process.execPath, import.meta.path, tree, "--warm-child"], { env: { ...process.env, ...env } });
  const wall = performance.now() - t;
  const out = JSON.parse(proc.stdout.toString()) as { ms: number };
  child.push(wall);
  if (i === 0) console.log(`warm in a fresh process: listSessions ${out.ms.toFixed(0)} ms`);
}
const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(0)} ms, median ${xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0)} ms`;
console.log(`cold listSessions: ${fmt(cold)}  (limit 3000 ms)`);
console.log(`warm listSessions: ${fmt(warm)}  (limit 150 ms)`);
console.log(`warm, whole fresh bun process (startup + import + list): ${fmt(child)}`);
rmSync(scratch, { recursive: true, force: true });
