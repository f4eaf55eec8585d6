/**
 * `panko share --foreground` run in-process for tests (the share lives in this process, not in the
 * daemon): resolves once its first stdout line (the JSON) is out.
 */
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";

export async function startShareCli(args: string[], env: Record<string, string | undefined>, timeoutMs = 30000) {
  const m = memoryIo({ env });
  const ac = new AbortController();
  const done = runCli(["share", ...args, ...(args.includes("--foreground") ? [] : ["--foreground"])], m.io, ac.signal);
  const until = Date.now() + timeoutMs;
  while (!m.stdout().includes("\n") && Date.now() < until) {
    const early = await Promise.race([done, Bun.sleep(25).then(() => undefined)]);
    if (early !== undefined) break;
  }
  return { m, ac, done };
}
