/** Benchmark plumbing: run a measurement in a fresh process and read the JSON line it prints; the binary, process timing, verdicts. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

export async function runChild(script: string, args: string[], env?: Record<string, string>): Promise<{ ms: number; rssMB: number } & Record<string, number>> {
  const proc = Bun.spawn([process.execPath, script, ...args], {
    stdout: "pipe",
    stderr: "inherit",
    env: { ...process.env, ...env },
  });
  const out = await new Response(proc.stdout).text();
  const code = await proc.exited;
  if (code !== 0) throw new Error(`${script} ${args.join(" ")} exited with ${code}`);
  const last = out.trim().split("\n").pop() ?? "";
  return JSON.parse(last);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}


const ROOT = join(import.meta.dir, "../..");
export const PANKO = join(ROOT, "dist/panko");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** dist/panko, rebuilt first when missing or older than any source file (a benchmark of a stale binary measures old code). */
export function ensureBinary(): string {
  const sources = Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "scripts/build.ts")).mtimeMs, statSync(join(ROOT, "package.json")).mtimeMs);
  if (existsSync(PANKO) && statSync(PANKO).mtimeMs >= sources) return PANKO;
  console.log(existsSync(PANKO) ? "dist/panko is older than the sources: rebuilding" : "building dist/panko");
  const p = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (p.exitCode !== 0) throw new Error("build failed");
  return PANKO;
}

/** Wall time (ms) and peak RSS (MB) of one whole process. */
export function timeProcess(cmd: string[], env?: Record<string, string | undefined>): { ms: number; rssMB: number } {
  const started = performance.now();
  const p = Bun.spawnSync(cmd, { cwd: ROOT, env: { ...process.env, ...env } as Record<string, string>, stdout: "ignore", stderr: "pipe" });
  const ms = performance.now() - started;
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited with ${p.exitCode}: ${p.stderr.toString().slice(0, 500)}`);
  return { ms, rssMB: (p.resourceUsage?.maxRSS ?? 0) / 1024 / 1024 }; // bytes
}

/** The load this machine was under: figures taken beside other work are slower than on an idle machine. */
export function loadNote(): string {
  const [one] = loadavg();
  return `load average ${one.toFixed(1)} on ${navigator.hardwareConcurrency} cores${one > 1 ? " (machine busy: figures are under load)" : ""}`;
}

/** Prints a benchmark's lines and its verdict; exits 1 when it missed its target. */
export function report(result: { name: string; lines: string[]; ok: boolean }): void {
  for (const line of result.lines) console.log(line);
  console.log(`${result.name}: ${result.ok ? "ok" : "MISSED its target"} · ${loadNote()}`);
  if (!result.ok) process.exit(1);
}

/** The environment of a run over a gen-tree.ts tree: HOME in the tree, the XDG dirs in `scratch`. */
export function treeEnv(tree: string, scratch: string): Record<string, string> {
  return {
    HOME: join(tree, "home"),
    CODEX_HOME: join(tree, "home", ".codex"),
    XDG_CACHE_HOME: join(scratch, "cache"),
    XDG_CONFIG_HOME: join(scratch, "config"),
    XDG_DATA_HOME: join(scratch, "data"),
    XDG_STATE_HOME: join(scratch, "state"),
  };
}
