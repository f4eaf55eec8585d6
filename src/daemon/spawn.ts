/**
 * Starting the daemon: the same executable, `panko serve --foreground`, detached in its own session
 * (setsid), stdio appended to daemon.log, unref'd so the caller can exit. From source
 * (`bun src/main.ts`) it is the bun executable with the entry script; compiled, the binary alone.
 */
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { isCompiled } from "../runtime.ts";
import type { DaemonPaths } from "./paths.ts";

type Env = Record<string, string | undefined>;

/** The argv that runs `panko <args>` with this very executable. */
export function selfCommand(args: string[]): string[] {
  if (isCompiled()) return [process.execPath, ...args];
  return [process.execPath, join(import.meta.dir, "..", "main.ts"), ...args];
}

export function spawnDaemon(paths: DaemonPaths, env: Env): number {
  const fd = openSync(paths.log, "a", 0o600);
  try {
    const proc = Bun.spawn(selfCommand(["serve", "--foreground"]), {
      detached: true,
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
      env: { ...env, PANKO_DAEMON_SPAWNED: "1" } as Record<string, string>,
      cwd: paths.dir,
    });
    proc.unref();
    return proc.pid;
  } finally {
    closeSync(fd);
  }
}
