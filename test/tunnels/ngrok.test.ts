import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FREE_DOMAIN_NOTE, createNgrok, createNgrokAgentParser, findNgrokToken, ngrok, ngrokConfigHasToken } from "../../src/tunnels/ngrok.ts";
import { renewLease } from "../../src/tunnels/lease.ts";
import type { StartOptions, TunnelProvider } from "../../src/tunnels/provider.ts";
import { pickFreePort } from "../../src/tunnels/url.ts";
import { FAKES, LOCAL, fakeEnv, isAlive, keep, readPids, stopKept, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(stopKept);

const cfg = { ngrok_token: "2abcDEFtoken_123456" };

/** A fresh instance (its own agent) whose tunnels are stopped after each test. */
function fresh(): TunnelProvider & { start(url: string, opts: StartOptions): ReturnType<TunnelProvider["start"]> } {
  const p = createNgrok();
  return { ...p, start: async (url, opts) => keep(await p.start.call(p, url, opts)) };
}

/** fakeEnv with a session file of this test's own (the fake's "one session per account"). */
function env(extra: Record<string, string | undefined> = {}) {
  return fakeEnv({ FAKE_NGROK_SESSION_FILE: join(tempDir("ngrok-"), "session"), ...extra });
}

const line = (rec: object) => JSON.stringify({ ...rec, t: "2026-12-01T10:00:00.000000000Z" });

describe("ngrok agent parser", () => {
  test("the web service address, the session, and err <nil> lines that are not failures", () => {
    const p = createNgrokAgentParser();
    expect(p.line(line({ err: "<nil>", lvl: "info", msg: "open config file", obj: "config", path: "/x" }), "stdout")).toBeNull();
    expect(p.line(line({ addr: "127.0.0.1:4041", lvl: "info", msg: "starting web service", obj: "web" }), "stdout")).toEqual({ url: "http://127.0.0.1:4041" });
    expect(p.line(line({ err: "<nil>", lvl: "info", msg: "client session established", obj: "tunnels.session" }), "stdout")).toEqual({ ready: true });
  });
  test("a transient eror line is not a failure; crit and the permanent codes are", () => {
    const p = createNgrokAgentParser();
    expect(p.line(line({ err: "failed to send authentication request: dial tcp: i/o timeout", lvl: "eror", msg: "failed to reconnect session" }), "stdout")).toBeNull();
    const crit = p.line(line({ err: "open /etc/x: permission denied", lvl: "crit", msg: "command failed" }), "stdout") as { fail: string };
    expect(crit.fail).toBe("ngrok failed: open /etc/x: permission denied");
    const one = createNgrokAgentParser().line(line({ err: "authentication failed: Your account is limited to 1 simultaneous ngrok agent sessions.\r\n\r\nERR_NGROK_108\r\n", lvl: "eror" }), "stdout") as {
      fail: string;
      details: string[];
    };
    expect(one.fail).toContain("another ngrok agent of yours holds the session");
    expect(one.fail).toContain("ERR_NGROK_108");
    expect(one.details.join("\n")).not.toContain("ngrok_token");
    const noToken = createNgrokAgentParser().line(line({ err: "authentication failed: Usage of ngrok requires a verified account and authtoken.\r\n\r\nERR_NGROK_4018\r\n", lvl: "eror" }), "stdout") as { fail: string; details: string[] };
    expect(noToken.fail).toStartWith("ngrok needs an auth token:");
    expect(noToken.details.join("\n")).toContain("panko config set ngrok_token <token>");
    for (const code of ["105", "107"]) {
      const bad = createNgrokAgentParser().line(line({ err: `authentication failed: bad\r\n\r\nERR_NGROK_${code}\r\n`, lvl: "eror" }), "stdout") as { fail: string; details: string[] };
      expect(bad.fail).toBe(`ngrok rejected the auth token: authentication failed: bad (ERR_NGROK_${code})`);
      expect(bad.details.join("\n")).toContain("panko config set ngrok_token <token>");
    }
  });
});

describe("ngrok with the fake agent", () => {
  test("ok: one agent (start --none, json log, info level, token in NGROK_AUTHTOKEN), a tunnel through its API", async () => {
    const dir = tempDir();
    const argsfile = join(dir, "args");
    const pidfile = join(dir, "pids");
    const p = fresh();
    const t = await p.start(`${LOCAL}/tok/`, { config: cfg, env: env({ FAKE_TUNNEL_ARGSFILE: argsfile, FAKE_TUNNEL_PIDFILE: pidfile }) });
    expect(t.publicUrl).toMatch(/^https:\/\/ab12-3-4-[0-9a-f]+\.ngrok-free\.app$/);
    expect(await Bun.file(argsfile).text()).toBe("start\n--none\n--log\nstdout\n--log-format\njson\n--log-level\ninfo\nNGROK_AUTHTOKEN=2abcDEFtoken_123456\n");
    expect(t.notes).toEqual([FREE_DOMAIN_NOTE]);
    expect(t.record.agent?.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.record.agent?.tunnelName).toStartWith("panko-");
    expect(readPids(pidfile)).toEqual([t.pid]);
    const listed = (await (await fetch(`${t.record.agent!.apiUrl}/api/tunnels`)).json()) as { tunnels: { name: string; addr: string; public_url: string }[] };
    expect(listed.tunnels).toEqual([expect.objectContaining({ name: t.record.agent!.tunnelName, public_url: t.publicUrl, addr: "http://127.0.0.1:45678" })]);
    expect(await t.ready()).toBe(true);
    await t.stop(); // the last tunnel: the agent stops too
    expect(await waitGone([t.pid], 5000)).toEqual([]);
    expect(await t.exited).toBeNull();
  });

  test("two concurrent shares work through one agent; it stops with the last", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const p = fresh();
    const e = env({ FAKE_TUNNEL_PIDFILE: pidfile });
    const [a, b] = await Promise.all([p.start("http://127.0.0.1:45001", { config: cfg, env: e }), p.start("http://127.0.0.1:45002", { config: cfg, env: e })]);
    expect(readPids(pidfile).length).toBe(1);
    expect(a!.pid).toBe(b!.pid);
    expect(a!.publicUrl).not.toBe(b!.publicUrl);
    expect(await a!.ready()).toBe(true);
    expect(await b!.ready()).toBe(true);
    await a!.stop();
    expect(await a!.ready()).toBe(false);
    expect(await b!.ready()).toBe(true);
    expect(isAlive(b!.pid)).toBe(true);
    const c = await p.start("http://127.0.0.1:45003", { config: cfg, env: e }); // reuses the running agent
    expect(c.pid).toBe(b!.pid);
    await b!.stop();
    expect(isAlive(c.pid)).toBe(true);
    await c.stop();
    expect(await waitGone([c.pid], 5000)).toEqual([]);
  });

  test("the API port moves when 4040 (here: the first choice) is taken: read from `starting web service`", async () => {
    const base = pickFreePort();
    const taken = Bun.listen({ hostname: "127.0.0.1", port: base, socket: { data() {} } });
    try {
      const t = await fresh().start(LOCAL, { config: cfg, env: env({ FAKE_NGROK_WEB_PORT: String(base) }) });
      expect(t.record.agent!.apiUrl).not.toBe(`http://127.0.0.1:${base}`);
      expect(await t.ready()).toBe(true);
      await t.stop();
    } finally {
      taken.stop(true);
    }
  });

  test("another agent of the user's holds the one session: ERR_NGROK_108 says so", async () => {
    const e0 = env();
    const mine = await fresh().start(LOCAL, { config: cfg, env: e0 }); // "another terminal"
    const e = await thrown(() => fresh().start(LOCAL, { config: cfg, env: e0 }));
    expect(e.message).toContain("another ngrok agent of yours holds the session");
    expect(e.message).toContain("ERR_NGROK_108");
    expect(e.details.join("\n")).toContain("one agent session at a time");
    expect(e.details.join("\n")).not.toContain("panko config set ngrok_token");
    await mine.stop();
  });

  test("…or the second agent stalls silently: the timeout says another agent may hold the session", async () => {
    const e0 = env({ FAKE_NGROK_SECOND: "stall" });
    const mine = await fresh().start(LOCAL, { config: cfg, env: e0 });
    const e = await thrown(() => fresh().start(LOCAL, { config: cfg, env: e0, timeoutMs: 1500 }));
    expect(e.message).toBe("ngrok did not establish its session within 1.5 s: another ngrok agent of yours may hold the session.");
    await mine.stop();
  });

  test("transient eror lines (the agent retries): the start still succeeds", async () => {
    const t = await fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "transient" }) });
    expect(t.recentOutput().some((l) => l.includes("i/o timeout"))).toBe(true);
    await t.stop();
  });

  test("bad token (105), no token at ngrok (4018), crit: each explained, nothing left running", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const bad = await thrown(() => fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "fail", FAKE_TUNNEL_PIDFILE: pidfile }) }));
    expect(bad.message).toContain("ngrok rejected the auth token: authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.");
    expect(bad.message).toContain("ERR_NGROK_105");
    expect(bad.details.join("\n")).toContain("panko config set ngrok_token");
    // A token that only ngrok.yml seems to hold, but ngrok itself finds none: 4018 from the agent.
    const home = tempDir();
    mkdirSync(join(home, "cfg", "ngrok"), { recursive: true });
    writeFileSync(join(home, "cfg", "ngrok", "ngrok.yml"), 'version: "3"\nagent:\n    authtoken: 2abcDEFsaved_token_1\n');
    const none = await thrown(() => fresh().start(LOCAL, { config: {}, env: env({ XDG_CONFIG_HOME: join(home, "cfg"), FAKE_TUNNEL_PIDFILE: pidfile }) }));
    expect(none.message).toContain("ngrok needs an auth token");
    expect(none.message).toContain("ERR_NGROK_4018");
    const crit = await thrown(() => fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "crit" }) }));
    expect(crit.message).toBe("ngrok failed: open /etc/ngrok.yml: permission denied");
    expect(await waitGone(readPids(pidfile), 3000)).toEqual([]);
  });

  test("split lines", async () => {
    const t = await fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "split" }) });
    expect(t.publicUrl).toContain("ngrok-free.app");
    await t.stop();
  });

  test("early exit: the plain ERROR: lines are the error", async () => {
    const e = await thrown(() => fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "die" }) }));
    expect(e.message).toBe("ngrok exited with code 1: ngrok failed: listen tcp 127.0.0.1:4040: bind: address already in use");
  });

  test("timeout before the session", async () => {
    const e = await thrown(() => fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "20" }), timeoutMs: 800 }));
    expect(e.message).toContain("did not establish its session within 0.8 s");
    expect(e.details.join("\n")).toContain("starting web service");
  });

  test("the agent dying is observable through each tunnel's exited", async () => {
    const p = fresh();
    const e = env({ FAKE_TUNNEL_DIE_AFTER: "1" });
    const [a, b] = await Promise.all([p.start(LOCAL, { config: cfg, env: e }), p.start(LOCAL, { config: cfg, env: e })]);
    expect(await a!.exited).toBe(1);
    expect(await b!.exited).toBe(1);
    expect(await a!.ready()).toBe(false);
    // The next start brings up a new agent.
    const c = await p.start(LOCAL, { config: cfg, env: env() });
    expect(c.pid).not.toBe(a!.pid);
    await c.stop();
  });

  test("stop() escalates to SIGKILL for an agent that ignores SIGTERM", async () => {
    const t = await fresh().start(LOCAL, { config: cfg, env: env({ FAKE_TUNNEL_MODE: "ignore-term" }), graceMs: 400 });
    await t.stop();
    expect(await waitGone([t.pid], 3000)).toEqual([]);
  });

  test("under a lease: detach, and a new instance adopts the agent's tunnel", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const e = env();
    const t = await fresh().start(LOCAL, { config: cfg, env: e, lease: { file: lease, graceMs: 5000 } });
    t.detach();
    expect(isAlive(t.pid)).toBe(true);
    const other = createNgrok();
    const adopted = keep((await other.adopt(t.record, { config: cfg, env: e }))!);
    expect(adopted.publicUrl).toBe(t.publicUrl);
    expect(await adopted.ready()).toBe(true);
    // A tunnel the agent no longer lists is not adopted.
    expect(await createNgrok().adopt({ ...t.record, agent: { ...t.record.agent!, tunnelName: "panko-gone" } }, { config: cfg, env: e })).toBeNull();
    // New tunnels of the adopting instance go through the adopted agent.
    const more = keep(await other.start("http://127.0.0.1:45009", { config: cfg, env: e }));
    expect(more.pid).toBe(t.pid);
    await more.stop();
    await adopted.stop();
    expect(await waitGone([t.pid], 5000)).toEqual([]);
  });

  test("a token in the environment is enough", async () => {
    const t = await fresh().start(LOCAL, { config: {}, env: env({ NGROK_AUTHTOKEN: "envtoken123" }) });
    expect(t.publicUrl).toContain("ngrok-free.app");
    await t.stop();
  });

  test("no token anywhere: says how to set it, spawns nothing", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const e = env({ FAKE_TUNNEL_PIDFILE: pidfile, HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") });
    const err = await thrown(() => ngrok.start(LOCAL, { config: {}, env: e }));
    expect(err.message).toBe("ngrok needs an auth token, and none is configured.");
    expect(err.details.join("\n")).toContain("panko config set ngrok_token <token>");
    expect(readPids(pidfile)).toEqual([]);
    expect(await ngrok.problem({}, e)).toContain("panko config set ngrok_token");
    expect(await ngrok.problem(cfg, e)).toBeNull();
  });

  test("a token saved in ngrok's own config file counts", async () => {
    const dir = tempDir();
    const e = fakeEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") });
    expect(ngrokConfigHasToken(e)).toBe(false);
    mkdirSync(join(dir, "cfg", "ngrok"), { recursive: true });
    writeFileSync(join(dir, "cfg", "ngrok", "ngrok.yml"), 'version: "3"\nagent:\n    authtoken: 2abcDEFsaved_token_1\n');
    expect(ngrokConfigHasToken(e)).toBe(true);
    expect(await ngrok.problem({}, e)).toBeNull();
    expect(findNgrokToken({}, e)).toBeNull();
  });

  test("missing binary and bad configured path", async () => {
    const e = fakeEnv({}, false);
    const err = await thrown(() => ngrok.start(LOCAL, { config: cfg, env: e }));
    expect(err.message).toBe("ngrok is not installed.");
    const bad = await thrown(() => ngrok.start(LOCAL, { config: { ...cfg, ngrok_path: "/nope/ngrok" }, env: e }));
    expect(bad.message).toContain("ngrok_path");
  });

  test("version", async () => {
    expect(await ngrok.version(join(FAKES, "ngrok"))).toBe("3.30.0");
  });
});
