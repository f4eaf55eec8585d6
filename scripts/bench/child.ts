/** Benchmark plumbing: run a measurement in a fresh process and read the JSON line it prints. */
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
