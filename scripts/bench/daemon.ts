/**
 * Daemon benchmarks, each against the real daemon process (`panko serve` from source) over its
 * real socket, with its own XDG dirs and the instant fake cloudflared of scripts/bench/fakes.
 * Each exits non-zero when it misses its target.
 *
 *   bun scripts/bench/daemon.ts ping      10,000 Pings: p50 < 0.3 ms, p99 < 2 ms
 *   bun scripts/bench/daemon.ts start     StartShare -> ready, 1 MB session: median < 100 ms
 *   bun scripts/bench/daemon.ts rss       daemon RSS with 100 shares of the 1.2 MB corpus session < 200 MB
 *   bun scripts/bench/daemon.ts rss-big   5 shares of the ~100 MB session < 1.3x one share's RSS
 *   bun scripts/bench/daemon.ts adopt     kill -9 with 10 shares: all active again < 2 s
 *   bun scripts/bench/daemon.ts loads     8 concurrent page loads of the ~100 MB share: each < 1.5 s
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectDaemon, type DaemonClient } from "../../src/daemon/client.ts";
import type { ShareInfo } from "../../src/daemon/protocol.ts";
import { CORPUS, makeBigSession } from "./big-session.ts";

const ROOT = join(import.meta.dir, "../..");
const MAIN = join(ROOT, "src/main.ts");
const FAKES = join(import.meta.dir, "fakes");
const SMALL = join(CORPUS, "claude/general-tool-calls.jsonl");

type Env = Record<string, string | undefined>;

function sandbox(): { root: string; env: Env } {
  const root = mkdtempSync(join(tmpdir(), "panko-bench-"));
  // The light fake cloudflared runs its metrics hub with this bun (PATH holds only the fakes and the system).
  const env: Env = { ...process.env, PATH: `${FAKES}:/usr/bin:/bin`, FAKE_BUN: process.execPath, NO_COLOR: "1" };
  for (const [k, d] of [["HOME", "h"], ["XDG_CONFIG_HOME", "c"], ["XDG_DATA_HOME", "d"], ["XDG_CACHE_HOME", "k"], ["XDG_STATE_HOME", "s"]] as const) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    env[k] = join(root, d);
  }
  mkdirSync(join(root, "c", "panko"), { recursive: true });
  Bun.write(join(root, "c", "panko", "config.toml"), "max_shares = 1000\n");
  return { root, env };
}

/** Live pids whose environment carries this sandbox's data dir (daemon + tunnels). */
function pidsOf(env: Env): number[] {
  const marker = `XDG_DATA_HOME=${env.XDG_DATA_HOME}\0`;
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .filter((n) => {
      try {
        return (readFileSync(`/proc/${n}/environ`, "latin1") + "\0").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function cleanup(box: { root: string; env: Env }, client?: DaemonClient) {
  try {
    await client?.shutdown({ stopShares: true });
  } catch {
    // gone already
  }
  client?.close();
  const until = Date.now() + 15_000;
  while (pidsOf(box.env).length && Date.now() < until) await Bun.sleep(100);
  for (const pid of pidsOf(box.env)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  rmSync(box.root, { recursive: true, force: true });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const ms = (x: number) => `${x.toFixed(3)} ms`;

function verdict(ok: boolean, line: string): boolean {
  console.log(`${ok ? "ok  " : "MISS"} ${line}`);
  return ok;
}

async function withDaemon(run: (client: DaemonClient, box: { root: string; env: Env }) => Promise<boolean>): Promise<boolean> {
  const box = sandbox();
  let client: DaemonClient | undefined;
  try {
    // Started as a user starts it: the same executable, detached.
    const started = Bun.spawnSync([process.execPath, MAIN, "serve"], { env: box.env as Record<string, string>, stdout: "pipe", stderr: "pipe" });
    if (started.exitCode !== 0) throw new Error(`panko serve failed: ${started.stderr}`);
    client = await connectDaemon({ env: box.env, autoStart: false });
    return await run(client, box);
  } finally {
    await cleanup(box, client);
  }
}

function copies(file: string, dir: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const to = join(dir, `copy-${i}.jsonl`);
    copyFileSync(file, to);
    return to;
  });
}

const benches: Record<string, () => Promise<boolean>> = {
  async ping() {
    return withDaemon(async (client) => {
      for (let i = 0; i < 500; i++) await client.ping(); // warm up
      const times: number[] = [];
      for (let i = 0; i < 10_000; i++) {
        const t = performance.now();
        await client.ping();
        times.push(performance.now() - t);
      }
      const p50 = pct(times, 50);
      const p99 = pct(times, 99);
      return verdict(p50 < 0.3 && p99 < 2, `Ping round trip over 10,000: p50 ${ms(p50)} (< 0.3), p99 ${ms(p99)} (< 2), max ${ms(Math.max(...times))}`);
    });
  },

  async start() {
    return withDaemon(async (client, box) => {
      const files = copies(SMALL, box.root, 11); // distinct files: each start parses and redacts its own
      const times: number[] = [];
      for (const [i, f] of files.entries()) {
        const t = performance.now();
        const s = await client.startShare({ sessionPath: f });
        if (s.status !== "active") throw new Error(`share not active: ${s.status}`);
        if (i > 0) times.push(performance.now() - t); // the first warms the daemon's code up
      }
      const med = pct(times, 50);
      return verdict(med < 100, `StartShare -> ready, ${(Bun.file(SMALL).size / 1e6).toFixed(1)} MB session, instant fake tunnel: median ${med.toFixed(1)} ms (< 100), max ${Math.max(...times).toFixed(1)} ms over ${times.length}`);
    });
  },

  async rss() {
    return withDaemon(async (client) => {
      for (let i = 0; i < 100; i += 10) await Promise.all(Array.from({ length: 10 }, () => client.startShare({ sessionPath: SMALL })));
      const list = await client.listShares();
      const active = list.filter((s) => s.status === "active").length;
      await Bun.sleep(1000);
      const rss = rssMB(client.daemon.pid);
      return verdict(active === 100 && rss < 200, `daemon RSS with ${active} active shares of the 1.2 MB session: ${rss.toFixed(0)} MB (< 200)`);
    });
  },

  async "rss-big"() {
    const big = await makeBigSession();
    return withDaemon(async (client) => {
      await client.startShare({ sessionPath: big });
      await Bun.sleep(1500);
      const one = rssMB(client.daemon.pid);
      for (let i = 0; i < 4; i++) await client.startShare({ sessionPath: big });
      await Bun.sleep(1500);
      const five = rssMB(client.daemon.pid);
      return verdict(five < one * 1.3, `daemon RSS, ~100 MB session: 1 share ${one.toFixed(0)} MB, 5 shares ${five.toFixed(0)} MB = ${(five / one).toFixed(2)}x (< 1.3x)`);
    });
  },

  async adopt() {
    return withDaemon(async (client, box) => {
      const made: ShareInfo[] = await Promise.all(copies(SMALL, box.root, 10).map((f) => client.startShare({ sessionPath: f })));
      const old = client.daemon.pid;
      client.close();
      process.kill(old, "SIGKILL");
      while (pidsOf(box.env).includes(old)) await Bun.sleep(5);
      const t = performance.now();
      const next = await connectDaemon({ env: box.env });
      let back: ShareInfo[] = [];
      for (;;) {
        back = await next.listShares();
        if (back.filter((s) => s.status === "active").length === 10 || performance.now() - t > 10_000) break;
        await Bun.sleep(5);
      }
      const took = performance.now() - t;
      const same = made.every((m) => back.find((b) => b.id === m.id)?.publicUrl === m.publicUrl);
      await next.shutdown({ stopShares: true }).catch(() => {});
      next.close();
      return verdict(took < 2000 && same, `adoption after kill -9 with 10 shares: all active again in ${took.toFixed(0)} ms (< 2000), same public URLs: ${same}`);
    });
  },

  async loads() {
    const big = await makeBigSession();
    return withDaemon(async (client) => {
      const s = await client.startShare({ sessionPath: big });
      await (await fetch(s.localUrl!)).arrayBuffer(); // the first visit may build what later ones reuse
      const times = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const t = performance.now();
          const res = await fetch(s.localUrl!);
          await res.arrayBuffer();
          return performance.now() - t;
        }),
      );
      const worst = Math.max(...times);
      return verdict(worst < 1500, `8 concurrent page loads of the ~100 MB share: slowest ${worst.toFixed(0)} ms (< 1500), median ${pct(times, 50).toFixed(0)} ms`);
    });
  },
};

const which = process.argv.slice(2);
if (!existsSync(SMALL)) {
  console.error(`the corpus session ${SMALL} is needed for the daemon benchmarks`);
  process.exit(2);
}
let ok = true;
for (const name of which.length ? which : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown daemon benchmark "${name}"; choose from: ${Object.keys(benches).join(", ")}`);
    process.exit(2);
  }
  ok = (await bench()) && ok;
}
process.exit(ok ? 0 : 1);
