import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { renewLease } from "../../src/tunnels/lease.ts";
import type { StartOptions, TunnelProvider } from "../../src/tunnels/provider.ts";
import { createTailscale, createTailscaleParser, funnelListed, parseFunnelPortsCap, tailscale as defaultTailscale } from "../../src/tunnels/tailscale.ts";
import { FAKES, LOCAL, fakeEnv as baseEnv, isAlive, keep, readPids, stopKept, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(stopKept);

/** A fresh instance per test, whose tunnels are stopped after it. */
let tailscale: TunnelProvider;
beforeEach(() => {
  tailscale = instance();
});
function instance(): TunnelProvider {
  const p = createTailscale();
  return { ...p, start: async (url: string, opts: StartOptions) => keep(await p.start.call(p, url, opts)) };
}
/** The fake's Funnel state (which ports run) is per test. */
let state = "";
beforeEach(() => {
  state = tempDir("ts-state-");
});
const fakeEnv = (extra: Record<string, string | undefined> = {}, onPath = true) => baseEnv({ FAKE_TS_STATE: state, FAKE_TS_OLD: undefined, FAKE_TS_ALLOWED_PORTS: undefined, ...extra }, onPath);

describe("tailscale parser", () => {
  test("the URL after 'Available on the internet:'", () => {
    const p = createTailscaleParser();
    expect(p.line("https://not-yet.tail1234.ts.net/", "stdout")).toBeNull(); // no header yet
    expect(p.line("Available on the internet:", "stdout")).toBeNull();
    expect(p.line("", "stdout")).toBeNull();
    expect(p.line("https://host.tail1234.ts.net:8443/", "stdout")).toEqual({ url: "https://host.tail1234.ts.net:8443" });
  });
  test("not enabled: the enable URL is in the error", () => {
    const p = createTailscaleParser();
    expect(p.line("Funnel is not enabled on your tailnet.", "stdout")).toBeNull();
    expect(p.line("To enable, visit:", "stdout")).toBeNull();
    const v = p.line("         https://login.tailscale.com/f/funnel?node=n1", "stdout") as { fail: string; details: string[] };
    expect(v.fail).toContain("Funnel is not enabled");
    expect(v.details).toEqual(["Enable it at https://login.tailscale.com/f/funnel?node=n1 and share again."]);
  });
});

describe("tailscale.start with the fake tailscale", () => {
  test("ok: URL on the port's root, argv uses --https=443 and the local origin", async () => {
    const dir = tempDir();
    const argsfile = join(dir, "args");
    const t = await tailscale.start(`${LOCAL}/tok/`, { config: {}, env: fakeEnv({ FAKE_TUNNEL_ARGSFILE: argsfile }) });
    expect(t.publicUrl).toBe("https://fake-host.tail1234.ts.net");
    expect(await Bun.file(argsfile).text()).toStartWith(`funnel\n--https=443\n${LOCAL}\n`);
    expect(t.record.port).toBe(443);
    expect(t.notes.join(" ")).toContain("can take a few minutes to resolve publicly");
    expect(await t.ready()).toBe(true); // `tailscale funnel status --json` lists it
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
    expect(await t.ready()).toBe(false);
  });

  test("1.92's `listener already exists for port N` (and the older text) fall back to the next port", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_BUSY_PORTS: "443" }) });
    expect(t.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
    const old = await instance().start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_BUSY_PORTS: "443 8443", FAKE_TS_OLD: "1" }) });
    expect(old.publicUrl).toBe("https://fake-host.tail1234.ts.net:10000");
    const e = await thrown(() => instance().start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_BUSY_PORTS: "443 8443 10000" }) }));
    expect(e.message).toContain("no free public port");
    expect(e.details.join("\n")).toContain("sending serve config: updating config: listener already exists for port 443");
  });

  test("another owner's live Funnel on 443 (tailscaled refuses it): the next port", async () => {
    const env = fakeEnv();
    const first = await instance().start(LOCAL, { config: {}, env });
    const second = await tailscale.start("http://127.0.0.1:45679", { config: {}, env });
    expect(first.publicUrl).toBe("https://fake-host.tail1234.ts.net");
    expect(second.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
  });

  test("ready only once `tailscale funnel status --json` lists it: a printed URL alone times out", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_UNLISTED: "1", FAKE_TUNNEL_PIDFILE: pidfile }), timeoutMs: 1500 }));
    expect(e.message).toBe("tailscale funnel printed its URL but did not become ready within 1.5 s.");
    expect(await waitGone(readPids(pidfile), 3000)).toEqual([]);
  });

  test("no funnel node attribute: explained with the admin's fix", async () => {
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "noattr" }) }));
    expect(e.message).toBe('Tailscale Funnel is not allowed for this machine: its "funnel" node attribute is not set.');
    expect(e.details.join("\n")).toContain("https://tailscale.com/s/no-funnel");
  });

  test("a port not allowed for funnel: the allowed ports are tried, and named when none works", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_ALLOWED_PORTS: "8443,10000" }) });
    expect(t.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
    await t.stop();
    const e = await thrown(() => instance().start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_ALLOWED_PORTS: "10000", FAKE_TS_BUSY_PORTS: "10000" }) }));
    expect(e.message).toContain("no free public port");
    const f = await thrown(() => instance().start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_ALLOWED_PORTS: "443", FAKE_TS_BUSY_PORTS: "443" }) }));
    expect(f.message).toBe("Tailscale Funnel does not allow public port 8443 for this machine; allowed: 443.");
    expect(f.details.join("\n")).toContain("Ports allowed for Funnel here: 443 (all tried or in use).");
  });

  test("status JSON: funnel ports from Self.CapMap, and a foreground Funnel is listed", async () => {
    expect(parseFunnelPortsCap({ https: null, "https://tailscale.com/cap/funnel-ports?ports=443,8443": null })).toEqual([443, 8443]);
    expect(parseFunnelPortsCap({ https: null })).toBeNull();
    const sc = JSON.stringify({ Foreground: { s1: { AllowFunnel: { "h.ts.net:8443": true } } } });
    expect(funnelListed(sc, "h.ts.net", 8443)).toBe(true);
    expect(funnelListed(sc, "h.ts.net", 443)).toBe(false);
    expect(funnelListed("{}", "h.ts.net", 443)).toBe(false);
  });

  test("under a lease: detached, then adopted by a new instance (which then skips its port)", async () => {
    const lease = join(tempDir(), "lease");
    renewLease(lease);
    const env = fakeEnv();
    const t = await tailscale.start(LOCAL, { config: {}, env, lease: { file: lease, graceMs: 5000 } });
    t.detach();
    const other = instance();
    const adopted = keep((await other.adopt(t.record, { config: {}, env }))!);
    expect(adopted.publicUrl).toBe(t.publicUrl);
    expect(await adopted.ready()).toBe(true);
    const next = await other.start("http://127.0.0.1:45690", { config: {}, env });
    expect(next.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
    await adopted.stop();
    expect(await waitGone([t.pid], 5000)).toEqual([]);
    expect(await instance().adopt(t.record, { config: {}, env })).toBeNull();
  });

  test("concurrent shares get their own public ports, and a freed port is reused", async () => {
    const env = fakeEnv();
    const a = await tailscale.start(LOCAL, { config: {}, env });
    const b = await tailscale.start("http://127.0.0.1:45679", { config: {}, env });
    const c = await tailscale.start("http://127.0.0.1:45680", { config: {}, env });
    expect([a.publicUrl, b.publicUrl, c.publicUrl]).toEqual([
      "https://fake-host.tail1234.ts.net",
      "https://fake-host.tail1234.ts.net:8443",
      "https://fake-host.tail1234.ts.net:10000",
    ]);
    const full = await thrown(() => tailscale.start("http://127.0.0.1:45681", { config: {}, env }));
    expect(full.message).toContain("no free public port");
    expect(full.details.join("\n")).toContain("--provider cloudflare");
    await b.stop();
    await b.exited;
    await Bun.sleep(20);
    const d = await tailscale.start("http://127.0.0.1:45682", { config: {}, env });
    expect(d.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
  });

  test("split lines", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "split" }) });
    expect(t.publicUrl).toBe("https://fake-host.tail1234.ts.net");
    await t.stop();
  });

  test("Funnel not enabled: explained with the enable URL, and the waiting process is stopped", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const e = await thrown(() =>
      tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "fail", FAKE_TUNNEL_PIDFILE: pidfile }) }),
    );
    expect(e.message).toBe("Tailscale Funnel is not enabled for this machine: Funnel is not enabled on your tailnet.");
    expect(e.details[0]).toBe("Enable it at https://login.tailscale.com/f/funnel?node=nFAKE1234CNTRL and share again.");
    expect(await waitGone(readPids(pidfile), 2000)).toEqual([]);
  });

  test("Access denied: the operator hint", async () => {
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "denied" }) }));
    expect(e.message).toBe("tailscale refused: Access denied: serve config denied");
    expect(e.details).toContain("Let your user change Funnel settings (once): sudo tailscale set --operator=$USER");
  });

  test("early exit: the last stderr line", async () => {
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "die" }) }));
    expect(e.message).toContain("tailscale exited with code 1: failed to connect to local tailscaled");
  });

  test("timeout", async () => {
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "20" });
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env, timeoutMs: 400 }));
    expect(e.message).toContain("did not print a public URL within 0.4 s");
    expect(defaultTailscale.name).toBe("tailscale");
  });

  test("die after start is observable through exited", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_DIE_AFTER: "0.3" }) });
    expect(await t.exited).toBe(1);
  });

  test("stop() escalates to SIGKILL for ignore-term", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "ignore-term" }), graceMs: 400 });
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
  });

  test("missing binary and bad configured path", async () => {
    const env = fakeEnv({}, false);
    expect((await thrown(() => tailscale.start(LOCAL, { config: {}, env }))).message).toBe("tailscale is not installed.");
    const bad = await thrown(() => tailscale.locate({ tailscale_path: join(FAKES, "lib.bash") }, env));
    expect(bad.message).toContain("tailscale_path");
  });

  test("version", async () => {
    expect(await tailscale.version(join(FAKES, "tailscale"))).toBe("1.92.1");
  });
});
