import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { stopAllTunnels } from "../../src/tunnels/process.ts";
import { createTailscaleParser, tailscale } from "../../src/tunnels/tailscale.ts";
import { FAKES, LOCAL, fakeEnv, isAlive, readPids, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(() => stopAllTunnels());

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
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
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

  test("a port taken by another Funnel is skipped", async () => {
    const t = await tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_BUSY_PORTS: "443" }) });
    expect(t.publicUrl).toBe("https://fake-host.tail1234.ts.net:8443");
    await t.stop();
    const e = await thrown(() => tailscale.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TS_BUSY_PORTS: "443 8443 10000" }) }));
    expect(e.message).toContain("no free public port");
    expect(e.details.join("\n")).toContain("foreground already exists under this port");
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
    expect(await tailscale.version(join(FAKES, "tailscale"))).toBe("1.84.3");
  });
});
