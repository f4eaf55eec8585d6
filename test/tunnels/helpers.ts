/** Shared bits for the tunnel tests: where the fakes are, env builders, process liveness. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FAKES = resolve(import.meta.dir, "..", "fakes");
export const LOCAL = "http://127.0.0.1:45678";
/**
 * The fakes' HTTP servers are Bun scripts run as `bun`: a folder holding only a `bun` link to the
 * bun running the tests (its file may be named bun.exe; node_modules/.bin would also bring npm's
 * cloudflared shim onto PATH).
 */
const BUN_DIR = join(process.env.PANKO_TEST_ROOT ?? tmpdir(), "bun-bin");
if (!existsSync(join(BUN_DIR, "bun"))) {
  mkdirSync(BUN_DIR, { recursive: true });
  try {
    symlinkSync(process.execPath, join(BUN_DIR, "bun"));
  } catch {
    // another test file made it meanwhile
  }
}

/** A fresh temp dir under the test root. */
export function tempDir(prefix = "tunnel-"): string {
  return mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), prefix));
}

/** An environment whose PATH holds the fakes (and the basics bash needs), plus knobs. */
export function fakeEnv(extra: Record<string, string | undefined> = {}, withFakesOnPath = true): Record<string, string | undefined> {
  return {
    ...process.env,
    PATH: withFakesOnPath ? `${FAKES}:${BUN_DIR}:/usr/bin:/bin` : "/usr/bin:/bin",
    NGROK_AUTHTOKEN: undefined,
    FAKE_TUNNEL_MODE: undefined,
    FAKE_TUNNEL_DIE_AFTER: undefined,
    FAKE_TUNNEL_DELAY: undefined,
    FAKE_TS_BUSY_PORTS: undefined,
    FAKE_NGROK_SECOND: undefined,
    FAKE_CF_NO_METRICS: undefined,
    FAKE_TS_UNLISTED: undefined,
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

/** Tunnels a test started: each test file stops them in afterEach (nothing is process-wide). */
const kept = new Set<{ stop(): Promise<void> }>();
export function keep<T extends { stop(): Promise<void> }>(t: T): T {
  kept.add(t);
  return t;
}
export async function stopKept(): Promise<void> {
  const all = [...kept];
  kept.clear();
  await Promise.all(all.map((t) => t.stop().catch(() => {})));
}
