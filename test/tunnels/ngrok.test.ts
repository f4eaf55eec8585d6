import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createNgrokParser, findNgrokToken, ngrok, ngrokConfigHasToken } from "../../src/tunnels/ngrok.ts";
import { stopAllTunnels } from "../../src/tunnels/process.ts";
import { FAKES, LOCAL, fakeEnv, isAlive, readPids, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(() => stopAllTunnels());

const cfg = { ngrok_token: "2abcDEFtoken_123456" };

describe("ngrok parser", () => {
  test("started tunnel line gives the URL; err:null lines are not failures", () => {
    const p = createNgrokParser();
    expect(p.line('{"err":null,"lvl":"info","msg":"open config file","obj":"config","path":"/x","t":"t"}', "stdout")).toBeNull();
    expect(
      p.line(
        '{"addr":"http://localhost:8080","lvl":"info","msg":"started tunnel","name":"command_line","obj":"tunnels","t":"t","url":"https://ab12-3-4.ngrok-free.app"}',
        "stdout",
      ),
    ).toEqual({ url: "https://ab12-3-4.ngrok-free.app" });
  });
  test("eror and crit lines carry the reason in err", () => {
    const p = createNgrokParser();
    const v = p.line(
      '{"err":"authentication failed: bad token\\r\\n\\r\\nERR_NGROK_105\\r\\n","lvl":"eror","msg":"failed to reconnect session","obj":"tunnels.session","t":"t"}',
      "stdout",
    ) as { fail: string; details: string[] };
    expect(v.fail).toBe("ngrok failed: authentication failed: bad token (ERR_NGROK_105)");
    expect(v.details.join("\n")).toContain("panko config set ngrok_token <token>");
    const c = createNgrokParser().line('{"err":"session limit reached","lvl":"crit","msg":"command failed","t":"t"}', "stdout") as {
      fail: string;
    };
    expect(c.fail).toBe("ngrok failed: session limit reached");
  });
});

describe("ngrok.start with the fake ngrok", () => {
  test("ok: URL, argv, token passed through NGROK_AUTHTOKEN", async () => {
    const dir = tempDir();
    const argsfile = join(dir, "args");
    const t = await ngrok.start(`${LOCAL}/tok/`, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_ARGSFILE: argsfile }) });
    expect(t.publicUrl).toBe("https://ab12-3-4.ngrok-free.app");
    const args = await Bun.file(argsfile).text();
    expect(args).toBe("http\n127.0.0.1:45678\n--log\nstdout\n--log-format\njson\nNGROK_AUTHTOKEN=2abcDEFtoken_123456\n");
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
  });

  test("a token in the environment is enough", async () => {
    const t = await ngrok.start(LOCAL, { config: {}, env: fakeEnv({ NGROK_AUTHTOKEN: "envtoken123" }) });
    expect(t.publicUrl).toContain("ngrok-free.app");
    await t.stop();
  });

  test("split lines", async () => {
    const t = await ngrok.start(LOCAL, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_MODE: "split" }) });
    expect(t.publicUrl).toBe("https://ab12-3-4.ngrok-free.app");
    await t.stop();
  });

  test("fail: the err of the eror line is the error", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const e = await thrown(() =>
      ngrok.start(LOCAL, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_MODE: "fail", FAKE_TUNNEL_PIDFILE: pidfile }) }),
    );
    expect(e.code).toBe("tunnel");
    expect(e.message).toContain("authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.");
    expect(e.message).toContain("ERR_NGROK_105");
    expect(e.details.join("\n")).toContain("panko config set ngrok_token");
    expect(await waitGone(readPids(pidfile), 2000)).toEqual([]);
  });

  test("early exit: the plain ERROR: lines are the error", async () => {
    const e = await thrown(() => ngrok.start(LOCAL, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_MODE: "die" }) }));
    expect(e.message).toBe("ngrok exited with code 1: listen tcp 127.0.0.1:4040: bind: address already in use");
  });

  test("timeout", async () => {
    const env = fakeEnv({ FAKE_TUNNEL_MODE: "slow", FAKE_TUNNEL_DELAY: "20" });
    const e = await thrown(() => ngrok.start(LOCAL, { config: cfg, env, timeoutMs: 500 }));
    expect(e.message).toContain("did not print a public URL within 0.5 s");
    expect(e.details.join("\n")).toContain("starting web service");
  });

  test("die after start is observable through exited", async () => {
    const t = await ngrok.start(LOCAL, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_DIE_AFTER: "0.3" }) });
    expect(await t.exited).toBe(1);
  });

  test("stop() escalates to SIGKILL for ignore-term", async () => {
    const t = await ngrok.start(LOCAL, { config: cfg, env: fakeEnv({ FAKE_TUNNEL_MODE: "ignore-term" }), graceMs: 400 });
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
    expect(await t.exited).toBe(137);
  });

  test("no token anywhere: says how to set it, spawns nothing", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const env = fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile, HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") });
    const e = await thrown(() => ngrok.start(LOCAL, { config: {}, env }));
    expect(e.message).toBe("ngrok needs an auth token, and none is configured.");
    expect(e.details.join("\n")).toContain("panko config set ngrok_token <token>");
    expect(readPids(pidfile)).toEqual([]);
    expect(await ngrok.problem({}, env)).toContain("panko config set ngrok_token");
    expect(await ngrok.problem(cfg, env)).toBeNull();
  });

  test("a token saved in ngrok's own config file counts", async () => {
    const dir = tempDir();
    const env = fakeEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg") });
    expect(ngrokConfigHasToken(env)).toBe(false);
    mkdirSync(join(dir, "cfg", "ngrok"), { recursive: true });
    writeFileSync(join(dir, "cfg", "ngrok", "ngrok.yml"), 'version: "3"\nagent:\n    authtoken: 2abcDEFsaved_token_1\n');
    expect(ngrokConfigHasToken(env)).toBe(true);
    expect(await ngrok.problem({}, env)).toBeNull();
    expect(findNgrokToken({}, env)).toBeNull();
  });

  test("missing binary and bad configured path", async () => {
    const env = fakeEnv({}, false);
    const e = await thrown(() => ngrok.start(LOCAL, { config: cfg, env }));
    expect(e.message).toBe("ngrok is not installed.");
    const bad = await thrown(() => ngrok.start(LOCAL, { config: { ...cfg, ngrok_path: "/nope/ngrok" }, env }));
    expect(bad.message).toContain("ngrok_path");
  });

  test("version", async () => {
    expect(await ngrok.version(join(FAKES, "ngrok"))).toBe("3.22.1");
  });
});
