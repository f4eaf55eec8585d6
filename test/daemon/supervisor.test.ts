/**
 * The supervisor's rules with a fake provider in this process: backoff as pm2 does it, expiry by
 * the clock, max_shares, restore by adoption or restart. (The real daemon is tested over its
 * socket in daemon.test.ts; here the clock and the tunnels are ours to drive.)
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS, type Config } from "../../src/config.ts";
import { PankoError } from "../../src/errors.ts";
import { StateDb } from "../../src/daemon/db.ts";
import { createDaemonLog } from "../../src/daemon/log.ts";
import { FAILURES_TO_ERROR, Supervisor } from "../../src/daemon/supervisor.ts";
import type { Tunnel, TunnelProvider, TunnelRecord } from "../../src/tunnels/provider.ts";
import { sandbox } from "./helpers.ts";

setDefaultTimeout(30_000);

let n = 0; // across providers: every fake tunnel has its own URL

interface FakeTunnel extends Tunnel {
  die(code: number): void;
  stopped: boolean;
}

/** A provider whose tunnels live in this process: `fail` makes starts reject, `die()` ends one. */
function fakeProvider() {
  const started: FakeTunnel[] = [];
  /** The cloudflared_path each start was given. */
  const paths: (string | undefined)[] = [];
  const state = { fail: false, adoptable: new Set<number>(), healthy: true };
  const make = (localUrl: string, url?: string, pid?: number): FakeTunnel => {
    let exit!: (code: number | null) => void;
    const exited = new Promise<number | null>((r) => (exit = r));
    const id = ++n;
    const record: TunnelRecord = { provider: "cloudflare", pid: pid ?? 100000 + id, pidStart: "1", groupPid: 1, groupStart: "1", publicUrl: url ?? `https://t${id}.example`, localUrl };
    const t: FakeTunnel = {
      provider: "cloudflare",
      publicUrl: record.publicUrl,
      pid: record.pid,
      record,
      notes: [],
      exited,
      stopped: false,
      ready: async () => state.healthy,
      async stop() {
        t.stopped = true;
        exit(143);
      },
      detach() {},
      recentOutput: () => [],
      die: (code) => exit(code),
    };
    return t;
  };
  const provider = {
    name: "cloudflare",
    displayName: "Fake",
    binaryName: "fake",
    configKey: "cloudflared_path",
    locate: async () => "/fake",
    version: async () => "1",
    problem: async () => null,
    async start(localUrl: string, opts: { config: { cloudflared_path?: string } }) {
      paths.push(opts.config.cloudflared_path);
      if (state.fail) throw new Error("fake outage");
      const t = make(localUrl);
      started.push(t);
      return t;
    },
    async adopt(record: TunnelRecord) {
      return state.adoptable.has(record.pid) ? make(record.localUrl, record.publicUrl, record.pid) : null;
    },
  } as unknown as TunnelProvider;
  return { provider, started, state, paths };
}

const supervisors: Supervisor[] = [];
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.shutdown(true);
});

function setup(opts: { config?: Partial<Config>; db?: StateDb; fake?: ReturnType<typeof fakeProvider>; redactionConfig?: () => Config } = {}) {
  const b = sandbox();
  const fake = opts.fake ?? fakeProvider();
  const db = opts.db ?? new StateDb(join(b.root, "state.db"));
  const clock = { now: Date.now() };
  const sleeps: number[] = [];
  const sup = new Supervisor({
    db,
    log: createDaemonLog(join(b.root, "daemon.log")),
    env: b.env,
    config: () => ({ ...DEFAULTS, ...opts.config }) as Config,
    redactionConfig: opts.redactionConfig,
    pickProvider: async () => fake.provider,
    provider: () => fake.provider,
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  supervisors.push(sup);
  return { b, fake, db, clock, sleeps, sup };
}

const until = async (what: string, fn: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await Bun.sleep(10);
  }
};

describe("supervisor", () => {
  test("a dead tunnel is restarted; quick deaths count as failures with a x1.5 backoff, then error with the reason", async () => {
    const { b, fake, sup, sleeps, clock } = setup();
    const s = await sup.start({ sessionPath: b.session() });
    expect(s.status).toBe("active");
    clock.now += 60_000; // it ran a minute: a death after that is not a quick failure
    fake.started[0]!.die(1);
    await until("a second tunnel", () => fake.started.length === 2 && sup.list()[0]!.status === "active");
    expect(sleeps).toEqual([100]);
    expect(sup.list()[0]!.publicUrl).toBe(`${fake.started[1]!.publicUrl}${new URL(s.publicUrl!).pathname}`);
    expect(sup.list()[0]!.publicUrl).not.toBe(s.publicUrl);

    fake.state.fail = true;
    fake.started[1]!.die(1); // within a second of its start: a failure, and every restart fails too
    await until("the share to give up", () => sup.list()[0]!.status === "error");
    // The delay went on from where the first restart left it (it resets only after 30 s up).
    expect(sleeps.slice(1)).toEqual([150, 225, 338, 507].slice(0, FAILURES_TO_ERROR - 1));
    expect(sup.list()[0]!.lastError).toContain("fake outage");
    expect(sup.list()[0]!.lastError).toContain("gave up");
    expect(sup.count()).toBe(0);
  });

  test("the executable a client sent runs every start of its share; gone, the daemon's own lookup; a failed start is not kept", async () => {
    const { b, fake, sup, clock, db } = setup();
    const exe = join(b.root, "my-cloudflared");
    writeFileSync(exe, "#!/bin/sh\n", { mode: 0o755 });
    const s = await sup.start({ sessionPath: b.session(), provider: "cloudflare", executable: exe });
    expect(db.get(s.id)!.tunnel_executable).toBe(exe);
    clock.now += 60_000;
    fake.started[0]!.die(1);
    await until("a second tunnel", () => fake.started.length === 2 && sup.list()[0]!.status === "active");
    rmSync(exe);
    clock.now += 60_000;
    fake.started[1]!.die(1);
    await until("a third tunnel", () => fake.started.length === 3 && sup.list()[0]!.status === "active");
    expect(fake.paths).toEqual([exe, exe, undefined]);

    const missing = await sup.start({ sessionPath: b.session(), provider: "cloudflare", executable: exe }).then(() => null, (e: Error) => e);
    expect(missing?.message).toContain("is not an executable file");
    fake.state.fail = true;
    const failed = await sup.start({ sessionPath: b.session() }).then(() => null, (e: Error) => e);
    expect(failed?.message).toContain("fake outage");
    expect(sup.list().map((x) => x.id)).toEqual([s.id]);
  });

  test("runs of a few seconds are no failures, but the delay keeps growing, to 15 s at most; 30 s up resets it", async () => {
    const { b, fake, sup, sleeps, clock } = setup();
    await sup.start({ sessionPath: b.session() });
    for (let i = 0; i < 14; i++) {
      const before = fake.started.length;
      clock.now += 5_000; // up 5 s each time: not a quick failure, not long enough to reset the delay
      fake.started.at(-1)!.die(1);
      await until("a restart", () => fake.started.length === before + 1 && sup.list()[0]!.status === "active");
    }
    expect(sup.list()[0]!.status).toBe("active");
    for (let i = 1; i < sleeps.length; i++) expect(sleeps[i]).toBe(Math.min(15_000, Math.round(sleeps[i - 1]! * 1.5)));
    expect(sleeps.at(-1)).toBe(15_000);
    clock.now += 31_000;
    fake.started.at(-1)!.die(1);
    await until("a restart", () => fake.started.length === 16 && sup.list()[0]!.status === "active");
    expect(sleeps.at(-1)).toBe(100);
  });

  test("an unhealthy tunnel (3 missed checks) is replaced", async () => {
    const { b, fake, sup } = setup();
    await sup.start({ sessionPath: b.session() });
    fake.state.healthy = false;
    const check = (sup as unknown as { checkHealth(): Promise<void> }).checkHealth.bind(sup);
    for (let i = 0; i < 3; i++) {
      await check();
      await Bun.sleep(20);
    }
    fake.state.healthy = true;
    await until("a new tunnel", () => fake.started.length === 2 && sup.list()[0]!.status === "active");
    expect(fake.started[0]!.stopped).toBe(true);
  });

  test("expiry is by the clock, max_shares is enforced", async () => {
    const { b, sup, clock } = setup({ config: { max_shares: 2 } });
    const a = await sup.start({ sessionPath: b.session(), ttlMs: 30 * 86_400_000 });
    await sup.start({ sessionPath: b.session(), ttlMs: null });
    await expect(sup.start({ sessionPath: b.session() })).rejects.toThrow(/max_shares \(2\)/);
    clock.now += 30 * 86_400_000;
    sup.tick();
    await until("expired", () => sup.list().find((s) => s.id === a.id)!.status === "expired");
    expect(sup.list().filter((s) => s.status === "active").length).toBe(1);
  });

  test("a broken redaction key in the config stops a new share before anything starts; the config's patterns apply", async () => {
    const broken = setup({
      redactionConfig: () => {
        throw new PankoError("config", "invalid value for redact_patterns: item 2 is not a valid regular expression");
      },
    });
    await expect(broken.sup.start({ sessionPath: broken.b.session() })).rejects.toThrow(/redact_patterns/);
    expect(broken.sup.list()).toEqual([]);
    expect(broken.fake.started.length).toBe(0);
    const ok = setup({ redactionConfig: () => ({ ...DEFAULTS, redact_patterns: ["acme-[0-9]+"] }) as Config });
    const info = await ok.sup.start({ sessionPath: ok.b.session(), redaction: { redact: true, patterns: ["x+"], keep: [] } });
    expect(JSON.parse(ok.db.get(info.id)!.redaction)).toEqual({ redact: true, patterns: ["acme-[0-9]+", "x+"], keep: [] });
  });

  test("restore adopts a live tunnel on the same port, restarts a gone one with the same token", async () => {
    const first = setup();
    const a = await first.sup.start({ sessionPath: first.b.session() });
    const c = await first.sup.start({ sessionPath: first.b.session() });
    await first.sup.shutdown(false); // an upgrade: rows stay active
    supervisors.splice(supervisors.indexOf(first.sup), 1);
    const fake = fakeProvider();
    fake.state.adoptable.add(first.fake.started[0]!.pid); // a's tunnel survived, c's did not
    const next = setup({ db: first.db, fake });
    next.sup.markRestoring();
    expect(next.sup.list().map((s) => s.status)).toEqual(["restarting", "restarting"]);
    await next.sup.restore();
    const [a2, c2] = [a.id, c.id].map((id) => next.sup.list().find((s) => s.id === id)!);
    expect(a2!.status).toBe("active");
    expect(a2!.publicUrl).toBe(a.publicUrl);
    expect(a2!.localUrl).toBe(a.localUrl);
    expect(c2!.status).toBe("active");
    expect(new URL(c2!.publicUrl!).pathname).toBe(new URL(c.publicUrl!).pathname);
    expect(c2!.publicUrl).not.toBe(c.publicUrl);
    expect(fake.started.length).toBe(1); // only c needed a new tunnel
  });
});
