/** Shared bits for the tunnel tests: where the fakes are, env builders, process liveness. */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FAKES = resolve(import.meta.dir, "..", "fakes");
export const LOCAL = "http://127.0.0.1:45678";

/** A fresh temp dir under the test root. */
export function tempDir(prefix = "tunnel-"): string {
  return mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), prefix));
}

/** An environment whose PATH holds the fakes (and the basics bash needs), plus knobs. */
export function fakeEnv(extra: Record<string, string | undefined> = {}, withFakesOnPath = true): Record<string, string | undefined> {
  return {
    ...process.env,
    PATH: withFakesOnPath ? `${FAKES}:/usr/bin:/bin` : "/usr/bin:/bin",
    NGROK_AUTHTOKEN: undefined,
    FAKE_TUNNEL_MODE: undefined,
    FAKE_TUNNEL_DIE_AFTER: undefined,
    FAKE_TUNNEL_DELAY: undefined,
    FAKE_TS_BUSY_PORTS: undefined,
    ...extra,
  };
}

export function readPids(pidfile: string): number[] {
  if (!existsSync(pidfile)) return [];
  return readFileSync(pidfile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map(Number);
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return !existsSync("/proc/self") ? true : false;
  }
}

export async function waitGone(pids: number[], ms = 5000): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > until) return alive;
    await Bun.sleep(50);
  }
}

/** Runs fn and returns what it threw (fails the test if it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}
