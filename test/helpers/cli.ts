/** Running panko as a user does: the compiled dist/panko (built by `npm test`), or the source. */
import { existsSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist/panko");
export const hasBinary = existsSync(BINARY);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled binary with the test's isolated HOME/XDG env (plus `env`). */
export async function runBinary(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string } = {}): Promise<RunResult> {
  const proc = Bun.spawn([BINARY, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env } as Record<string, string>,
    stdin: opts.stdin === undefined ? "ignore" : new TextEncoder().encode(opts.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}
