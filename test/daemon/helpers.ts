/**
 * Running the real daemon as a user would: `panko` from source (bun src/main.ts) with its own
 * XDG dirs, the fake tunnels on PATH, and a scan of /proc that finds every process carrying the
 * test's data dir in its environment, so a test can prove nothing is left behind and kill what is.
 */
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { claudeSession, writeLines } from "../helpers/session-tree.ts";
import { isLocked } from "../../src/daemon/lock.ts";
import { fakeEnv, isAlive, tempDir } from "../tunnels/helpers.ts";

export const MAIN = resolve(import.meta.dir, "..", "..", "src", "main.ts");

export type Env = Record<string, string | undefined>;

export interface Sandbox {
  root: string;
  env: Env;
  dataDir: string;
  /** Writes a small Claude session; returns its path. */
  session(name?: string, prompt?: string): string;
}

export function sandbox(extra: Env = {}): Sandbox {
  const root = tempDir("d-");
  const dirs = { HOME: join(root, "h"), XDG_CONFIG_HOME: join(root, "c"), XDG_DATA_HOME: join(root, "d"), XDG_CACHE_HOME: join(root, "k"), XDG_STATE_HOME: join(root, "s") };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const env = fakeEnv({ ...dirs, PANKO_LEASE_GRACE_MS: "3000", NO_COLOR: "1", PANKO_DAEMON_VERSION: undefined, ...extra });
  let n = 0;
  return {
    root,
    env,
    dataDir: join(dirs.XDG_DATA_HOME, "panko"),
    session(name = `s${++n}`, prompt = `prompt of ${name}`) {
      const id = `aaaa${String(n).padStart(4, "0")}-0000-4000-8000-000000000000`;
      return writeLines(join(root, `${name}.jsonl`), claudeSession({ id, cwd: "/work/p", prompt, at: "2026-03-01T10:00:00Z" }));
    },
  };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function panko(args: string[], env: Env, opts: { timeoutMs?: number } = {}): Promise<Ran> {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], {
    env: env as Record<string, string>,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

export async function pankoJson<T = unknown>(args: string[], env: Env): Promise<T> {
  const r = await panko(args, env);
  if (r.code !== 0) throw new Error(`panko ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Pids of live processes whose environment holds this sandbox's data dir. */
export function sandboxPids(box: Sandbox): number[] {
  const marker = `XDG_DATA_HOME=${box.env.XDG_DATA_HOME}\0`;
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if ((readFileSync(`/proc/${name}/environ`, "latin1") + "\0").includes(marker) && isAlive(pid)) out.push(pid);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** The daemon's pid(s): sandbox processes running `serve --foreground`. */
export function daemonPids(box: Sandbox): number[] {
  return sandboxPids(box).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").includes("serve");
    } catch {
      return false;
    }
  });
}

/** SIGKILLs everything the sandbox started; resolves once it is gone. */
export async function killSandbox(box: Sandbox): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const pids = sandboxPids(box);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await Bun.sleep(50);
  }
}

/**
 * Waits until no daemon holds the sandbox's lock. A SIGKILLed daemon's pid can read as gone (its
 * leader a zombie) while its other threads still hold the lock and sockets: wait for the lock.
 */
export async function waitUnlocked(box: Sandbox, ms = 15_000): Promise<void> {
  await waitFor("the daemon's lock to be free", () => !isLocked(join(box.dataDir, "daemon.lock")), ms);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await Bun.sleep(50);
  }
}
