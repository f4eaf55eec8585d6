import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PankoError } from "../../src/errors.ts";
import { RATE_LIMIT_MESSAGE, cloudflare as defaultCloudflare, createCloudflare, createCloudflareParser, parseQuickTunnelUrl } from "../../src/tunnels/cloudflare.ts";
import { renewLease } from "../../src/tunnels/lease.ts";
import type { StartOptions } from "../../src/tunnels/provider.ts";
import { pickFreePort } from "../../src/tunnels/url.ts";
import { FAKES, LOCAL, fakeEnv, isAlive, keep, readPids, stopKept, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(stopKept);

/** Every tunnel started here is stopped after its test. */
const cloudflare = {
  ...defaultCloudflare,
  start: async (url: string, opts: StartOptions) => keep(await defaultCloudflare.start(url, opts)),
};

const T = "2026-01-01T10:00:02Z";

describe("parseQuickTunnelUrl", () => {
  test("finds the URL inside the box", () => {
    expect(parseQuickTunnelUrl(`${T} INF |  https://four-dashed-word-url.trycloudflare.com      |`)).toBe(
      "https://four-dashed-word-url.trycloudflare.com",
    );
  });
  test("never api.trycloudflare.com, nor the terms-of-service links", () => {
    expect(
      parseQuickTunnelUrl(`${T} ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp`),
    ).toBeNull();
    expect(parseQuickTunnelUrl("Terms of Use (https://www.cloudflare.com/website-terms/)")).toBeNull();
    expect(parseQuickTunnelUrl("https://developers.cloudflare.com/cloudflare-one/connections/")).toBeNull();
    expect(parseQuickTunnelUrl("Requesting new quick Tunnel on trycloudflare.com...")).toBeNull();
    expect(parseQuickTunnelUrl("https://a.b.trycloudflare.com")).toBeNull();
    expect(parseQuickTunnelUrl("https://evil.trycloudflare.com.example.org")).toBeNull();
  });
});

describe("cloudflare parser", () => {
  test("the failure line is the error; api.trycloudflare.com is not a URL", () => {
    const p = createCloudflareParser();
    expect(p.line(`${T} INF Requesting new quick Tunnel on trycloudflare.com...`, "stderr")).toBeNull();
    const v = p.line(
      `${T} ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: no such host`,
      "stderr",
    ) as { fail: string };
    expect(v.fail).toContain('failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel"');
  });
  test("the plain final line (no time, no level) is the error; 429 turns into the rate-limit advice", () => {
    const p = createCloudflareParser();
    expect((p.line("failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value", "stderr") as { fail: string }).fail).toContain(
      "failed to unmarshal quick Tunnel",
    );
    const q = createCloudflareParser();
    const v = q.line(`${T} ERR Error unmarshaling QuickTunnel response: error code: 1015 error="x" status_code="429 Too Many Requests"`, "stderr");
    expect((v as { fail: string }).fail).toBe(RATE_LIMIT_MESSAGE);
  });
  test("the box alone is the URL, Registered tunnel connection is ready, failed to bind is flagged", () => {
    const p = createCloudflareParser();
    expect(p.line(`${T} INF |  https://four-dashed-word-url.trycloudflare.com  |`, "stderr")).toEqual({ url: "https://four-dashed-word-url.trycloudflare.com" });
    expect(p.line(`${T} INF Registered tunnel connection connIndex=0 connection=x event=0 ip=1.2.3.4 location=ams08 protocol=quic`, "stderr")).toEqual({ ready: true });
    expect(p.line("failed to bind to address (127.0.0.1:1): listen tcp 127.0.0.1:1: bind: address already in use", "stderr")).toHaveProperty("fail");
    expect(p.state.bindFailed).toBe(true);
  });
  test("a URL outside the box is ignored", () => {
    const p = createCloudflareParser();
    expect(p.line(`${T} INF see https://docs-example.trycloudflare.com for help`, "stderr")).toBeNull();
  });
});

describe("cloudflare.start with the fake cloudflared", () => {
  test("ok: URL, pid, argv, and stop() leaves nothing behind", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const argsfile = join(dir, "args");
    const env = fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile, FAKE_TUNNEL_ARGSFILE: argsfile });
    const lines: string[] = [];
    const t = await cloudflare.start(`${LOCAL}/tok/`, { config: {}, env, onOutput: (l) => lines.push(l) });
    expect(t.publicUrl).toBe("https://four-dashed-word-url.trycloudflare.com");
    expect(t.provider).toBe("cloudflare");
    expect(readPids(pidfile)).toEqual([t.pid]);
    expect(isAlive(t.pid)).toBe(true);
    const args = (await Bun.file(argsfile).text()).split("\n");
    expect(args.slice(0, 2)).toEqual(["tunnel", "--config"]);
    expect(readFileSync(args[2]!, "utf8").trim()).toBe("{}");
    expect(args.slice(3, 5)).toEqual(["--no-autoupdate", "--metrics"]);
    expect(args[5]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(args.slice(6, 10)).toEqual(["--grace-period", "1s", "--url", LOCAL]);
    expect(t.record.healthUrl).toBe(`http://${args[5]}/ready`);
    expect(await t.ready()).toBe(true);
    expect(t.notes).toEqual([]);
    expect(lines.some((l) => l.includes("Thank you for trying Cloudflare Tunnel"))).toBe(true);
    expect(t.recentOutput().join("\n")).toContain("Requesting new quick Tunnel");
    await t.stop();
    await t.stop(); // idempotent
    expect(isAlive(t.pid)).toBe(false);
    expect(await t.exited).toBe(0); // a graceful shutdown (short --grace-period), no SIGKILL
    expect(await t.ready()).toBe(false);
  });

  test("TUNNEL_* variables do not reach cloudflared", async () => {
    const argsfile = join(tempDir(), "args");
    const env = fakeEnv({ FAKE_TUNNEL_ARGSFILE: argsfile, TUNNEL_LOGLEVEL: "fatal", TUNNEL_URL: "http://elsewhere:1" });
    const t = await cloudflare.start(LOCAL, { config: {}, env });
    expect(await Bun.file(argsfile).text()).not.toContain("TUNNEL_");
    await t.stop();
  });

  test("ready only once the edge connection is registered: a box without a connection times out", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "noconnect", FAKE_TUNNEL_PIDFILE: pidfile });
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env, timeoutMs: 2500 }));
    expect(e.message).toBe("cloudflared got a URL but could not connect to Cloudflare within 2.5 s.");
    expect(e.details.join("\n")).toContain("7844");
    expect(await waitGone(readPids(pidfile), 5000)).toEqual([]);
  });

  test("without a metrics server the log is the fallback (URL box + Registered tunnel connection)", async () => {
    const t = await cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_CF_NO_METRICS: "1" }) });
    expect(t.publicUrl).toBe("https://four-dashed-word-url.trycloudflare.com");
    expect(t.recentOutput().some((l) => l.includes("Registered tunnel connection connIndex=0"))).toBe(true);
    expect(await t.ready()).toBe(false); // no metrics server to ask
    await t.stop();
  });

  test("a taken metrics port: cloudflared's failed to bind, then another port", async () => {
    const taken = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    const ports = [taken.port];
    const provider = createCloudflare({ pickPort: () => ports.shift() ?? pickFreePort() });
    const lines: string[] = [];
    try {
      const t = keep(await provider.start(LOCAL, { config: {}, env: fakeEnv(), onOutput: (l) => lines.push(l) }));
      expect(lines.some((l) => l.startsWith(`failed to bind to address (127.0.0.1:${taken.port})`))).toBe(true);
      expect(t.record.healthUrl).not.toContain(`:${taken.port}/`);
      expect(await t.ready()).toBe(true);
      await t.stop();
    } finally {
      taken.stop(true);
    }
  });

  test("429: says Cloudflare is rate-limiting quick tunnels", async () => {
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "ratelimit" }) }));
    expect(e.message).toBe(RATE_LIMIT_MESSAGE);
    expect(e.message).toContain("wait a few minutes");
    expect(e.details.join("\n")).toContain('status_code="429 Too Many Requests"');
  });

  test("split: lines written in pieces with \\r\\n are read whole", async () => {
    const t = await cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "split" }) });
    expect(t.publicUrl).toBe("https://four-dashed-word-url.trycloudflare.com");
    expect(t.recentOutput().every((l) => !l.endsWith("\r"))).toBe(true);
    await t.stop();
  });

  test("fail: the plain final `failed to request quick Tunnel` line is the error", async () => {
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "fail" }) }));
    expect(e).toBeInstanceOf(PankoError);
    expect(e.code).toBe("tunnel");
    expect(e.message).toContain("failed to request quick Tunnel");
    expect(e.message).not.toContain("trycloudflare.com/tunnel\" is");
  });

  test("early exit: the last ERR line is the error", async () => {
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_MODE: "die" }) }));
    expect(e.message).toContain("exited with code 3");
    expect(e.message).toContain("Couldn't start tunnel");
  });

  test("timeout: error with the last output, process gone", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "20", FAKE_TUNNEL_PIDFILE: pidfile });
    const started = Date.now();
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env, timeoutMs: 700 }));
    expect(Date.now() - started).toBeLessThan(6000);
    expect(e.message).toContain("did not print a public URL within 0.7 s");
    expect(e.details.join("\n")).toContain("Requesting new quick Tunnel on trycloudflare.com...");
    expect(await waitGone(readPids(pidfile), 3000)).toEqual([]);
  });

  test("slow but within the timeout succeeds", async () => {
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "1" });
    const t = await cloudflare.start(LOCAL, { config: {}, env, timeoutMs: 10_000 });
    expect(t.publicUrl).toContain("trycloudflare.com");
    await t.stop();
  });

  test("die after start is observable through exited", async () => {
    const t = await cloudflare.start(LOCAL, { config: {}, env: fakeEnv({ FAKE_TUNNEL_DIE_AFTER: "0.5" }) });
    const code = await t.exited;
    expect(code).toBe(1);
    expect(isAlive(t.pid)).toBe(false);
    await t.stop(); // harmless after death
  });

  test("stop() escalates to SIGKILL when SIGTERM is ignored", async () => {
    const t = await cloudflare.start(LOCAL, {
      config: {},
      env: fakeEnv({ FAKE_TUNNEL_MODE: "ignore-term" }),
      graceMs: 600,
    });
    const before = Date.now();
    await t.stop();
    const took = Date.now() - before;
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(5000);
    expect(isAlive(t.pid)).toBe(false);
    expect(await t.exited).toBe(128 + 9);
  });

  test("abort signal cancels a start", async () => {
    const ac = new AbortController();
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "20" });
    setTimeout(() => ac.abort(), 300);
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env, signal: ac.signal }));
    expect(e.message).toContain("cancelled");
  });

  test("missing binary: says how to install it", async () => {
    const e = await thrown(() => cloudflare.start(LOCAL, { config: {}, env: fakeEnv({}, false) }));
    expect(e.message).toBe("cloudflared is not installed.");
    expect(e.details.join("\n")).toContain("panko tunnel install cloudflared");
  });

  test("configured path wins, and a bad one names the config key", async () => {
    const env = fakeEnv({}, false);
    expect(await cloudflare.locate({ cloudflared_path: join(FAKES, "cloudflared") }, env)).toBe(join(FAKES, "cloudflared"));
    const missing = await thrown(() => cloudflare.locate({ cloudflared_path: "/nonexistent/cloudflared" }, env));
    expect(missing.message).toContain("cloudflared_path");
    expect(missing.message).toContain("no file");
    const notExec = await thrown(() => cloudflare.locate({ cloudflared_path: join(FAKES, "lib.bash") }, env));
    expect(notExec.message).toContain("cloudflared_path");
    expect(notExec.message).toContain("not executable");
    const e = await thrown(() => cloudflare.start(LOCAL, { config: { cloudflared_path: "/nonexistent/x" }, env }));
    expect(e.message).toContain("cloudflared_path");
  });

  test("version", async () => {
    expect(await cloudflare.version(join(FAKES, "cloudflared"))).toBe("2026.8.0");
    expect(await cloudflare.version("/nonexistent")).toBeNull();
  });
});
