import { describe, expect, test, beforeEach } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DEFAULTS, formatDuration, loadConfig, loadConfigStrict, parseDuration, parseValue, showValue, writeConfigKey } from "../src/config.ts";
import { PankoError } from "../src/errors.ts";
import { configFile } from "../src/paths.ts";
import { memoryIo } from "../src/cli/io.ts";
import { runCli } from "../src/cli/run.ts";

const path = () => configFile();

beforeEach(() => rmSync(dirname(path()), { recursive: true, force: true }));

describe("config file", () => {
  test("lives under XDG_CONFIG_HOME, never the real home", () => {
    expect(path()).toBe(`${process.env.XDG_CONFIG_HOME}/panko/config.toml`);
    expect(path().startsWith(process.env.PANKO_TEST_ROOT!)).toBe(true);
  });

  test("missing file gives the defaults", () => {
    const loaded = loadConfig();
    expect(loaded.exists).toBe(false);
    expect(loaded.config).toEqual(DEFAULTS);
  });

  test("reads every key with its type", () => {
    mkdirSync(dirname(path()), { recursive: true });
    writeFileSync(
      path(),
      [
        'default_provider = "ngrok"',
        'ngrok_token = "tok_123456789"',
        "default_port = 4000",
        'default_sort = "messages"',
        "max_shares = 5",
        'share_ttl = "24h"',
        "redact = false",
        'log_file = "/tmp/panko.log"',
        'cloudflared_path = "/opt/cloudflared"',
      ].join("\n"),
    );
    const { config, set } = loadConfig();
    expect(config).toMatchObject({
      default_provider: "ngrok",
      ngrok_token: "tok_123456789",
      default_port: 4000,
      default_sort: "messages",
      max_shares: 5,
      share_ttl: 86_400_000,
      redact: false,
      log_file: "/tmp/panko.log",
      cloudflared_path: "/opt/cloudflared",
    });
    expect(set).toContain("share_ttl");
  });

  test("a line that is not TOML is reported with path and line; the other lines still count; set repairs it", () => {
    mkdirSync(dirname(path()), { recursive: true });
    const body = 'default_port = 4000\n# ok\nredact = = true\nmax_shares = 3\n';
    writeFileSync(path(), body);
    const loaded = loadConfig();
    expect(loaded.config).toMatchObject({ default_port: 4000, max_shares: 3, redact: true });
    expect(loaded.problems.map((p) => p.key)).toEqual(["redact"]);
    expect(loaded.problems[0].error.message).toMatch(/invalid value for redact in .*config\.toml \(line 3\)/);
    expect(() => loadConfigStrict()).toThrow(PankoError);
    // Another key can still be set (the bad line is kept as it is) ...
    writeConfigKey("default_port", 5000);
    expect(readFileSync(path(), "utf8")).toBe('default_port = 5000\n# ok\nredact = = true\nmax_shares = 3\n');
    // ... and setting the bad key repairs the file.
    writeConfigKey("redact", false);
    expect(loadConfig().problems).toEqual([]);
    expect(readFileSync(path(), "utf8")).toBe('default_port = 5000\n# ok\nredact = false\nmax_shares = 3\n');
  });

  test("a multi-line value error points at the line that breaks", () => {
    mkdirSync(dirname(path()), { recursive: true });
    writeFileSync(path(), 'default_port = 4000\nlog_file = "unterminated\nredact = true\n');
    const { problems, config } = loadConfig();
    expect(problems.map((p) => p.error.message).join("\n")).toMatch(/line 2/);
    expect(config.default_port).toBe(4000);
  });

  test("an invalid value in the file names the key, the file and what is valid, and falls back to the default", () => {
    mkdirSync(dirname(path()), { recursive: true });
    writeFileSync(path(), 'default_provider = "carrier-pigeon"\ndefault_port = 4000\n');
    const { problems, config } = loadConfig();
    expect(config.default_provider).toBeUndefined();
    expect(config.default_port).toBe(4000);
    const e = problems[0].error;
    expect(e).toBeInstanceOf(PankoError);
    expect(e.message).toContain("default_provider");
    expect(e.message).toContain(path());
    expect(e.message).toContain("cloudflare, ngrok, tailscale");
  });

  test("an unknown key lists the valid ones", () => {
    try {
      parseValue("colour", "red");
      throw new Error("expected an error");
    } catch (e) {
      expect((e as PankoError).details.join("\n")).toContain("default_provider");
    }
  });
});

describe("writing", () => {
  test("set keeps comments and other keys, unset removes just the key", () => {
    mkdirSync(dirname(path()), { recursive: true });
    writeFileSync(path(), "# my settings\nredact = false # keep me\n");
    writeConfigKey("default_port", 8080);
    writeConfigKey("share_ttl", parseDuration("7d"));
    let text = readFileSync(path(), "utf8");
    expect(text).toContain("# my settings");
    expect(text).toContain("redact = false # keep me");
    expect(text).toContain("default_port = 8080");
    expect(text).toContain('share_ttl = "7d"');
    writeConfigKey("default_port", 9090);
    text = readFileSync(path(), "utf8");
    expect(text.match(/default_port/g)?.length).toBe(1);
    writeConfigKey("default_port", undefined);
    expect(readFileSync(path(), "utf8")).not.toContain("default_port");
    expect(loadConfig().config.share_ttl).toBe(7 * 86_400_000);
  });

  test("first write creates the folder and a private file atomically", () => {
    writeConfigKey("redact", false);
    expect(existsSync(path())).toBe(true);
    expect(existsSync(`${path()}.${process.pid}.tmp`)).toBe(false);
    expect(loadConfig().config.redact).toBe(false);
  });
});

describe("values", () => {
  test("durations", () => {
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("")).toBeUndefined();
    expect(() => parseDuration("soon")).toThrow();
    expect(() => parseDuration("10x")).toThrow();
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(7 * 86_400_000)).toBe("7d");
  });

  test("booleans, ports and choices", () => {
    expect(parseValue("redact", "no")).toBe(false);
    expect(parseValue("default_port", "8080")).toBe(8080);
    expect(() => parseValue("default_port", "0")).toThrow(/1 to 65535/);
    expect(() => parseValue("default_port", "80a")).toThrow();
    expect(() => parseValue("default_sort", "size")).toThrow(/newest, oldest, messages, project/);
    expect(() => parseValue("redact", "maybe")).toThrow(/true or false/);
  });

  test("what is valid is said once: in the reason, else after it", () => {
    const details = (key: string, value: string | string[]) => {
      try {
        parseValue(key, value);
      } catch (e) {
        return (e as PankoError).details;
      }
      throw new Error("accepted");
    };
    expect(details("share_ttl", "3x")).toEqual([]);
    expect(details("default_port", "0")).toEqual([]);
    expect(details("redact_patterns", ["("] as never)[0]).toStartWith("Valid: a list of regular expressions");
  });

  test("the ngrok token is masked when shown", () => {
    expect(showValue("ngrok_token", "2abcdefghijklmnopqrstuvwxyz")).toBe("2abc…wxyz");
    expect(showValue("ngrok_token", "short")).toBe("****");
  });
});

describe("commands with a bad value in the file", () => {
  const run = async (...argv: string[]) => {
    const m = memoryIo();
    const code = await runCli(argv, m.io);
    return { code, out: m.stdout(), err: m.stderr() };
  };
  const bad = () => {
    mkdirSync(dirname(path()), { recursive: true });
    writeFileSync(path(), "default_port = abc\ndefault_sort = \"oldest\"\n");
  };

  test("a command that does not need the key warns and runs", async () => {
    bad();
    const r = await run("list", "--json");
    expect(r.code).toBe(0);
    expect(r.err).toContain("warning: invalid value for default_port");
    expect(r.err).toContain("panko config set default_port VALUE");
    expect(JSON.parse(r.out)).toBeArray();
  });

  test("config get prints one value, the default when not set, and refuses the bad one with the repair", async () => {
    bad();
    expect(await run("config", "get", "default_sort")).toMatchObject({ code: 0, out: "oldest\n" });
    expect(await run("config", "get", "max_shares")).toMatchObject({ code: 0, out: "100\n" });
    expect(await run("config", "get", "ngrok_token")).toMatchObject({ code: 1, out: "" });
    const r = await run("config", "get", "default_port");
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("default_port");
    expect(r.err).toContain("panko config unset default_port");
    expect((await run("config", "get", "colour")).err).toContain('unknown config key "colour"');
  });

  test("config set and config unset repair the file; show warns but shows", async () => {
    bad();
    const shown = await run("config", "show");
    expect(shown.code).toBe(0);
    expect(shown.err).toContain("default_port");
    expect(shown.out).toContain("default_sort");
    // Every value starts in the same column, an empty one included.
    const columns = shown.out.split("\n").filter((l) => /^[a-z_]+ /.test(l)).map((l) => /^[a-z_]+ +/.exec(l)![0].length);
    expect(new Set(columns).size).toBe(1);
    expect(shown.out).toMatch(/^share_ttl +\(not set\)$/m);
    expect((await run("config", "set", "default_port", "4100")).code).toBe(0);
    expect(await run("config", "get", "default_port")).toMatchObject({ code: 0, out: "4100\n" });
    writeFileSync(path(), "default_port = abc\n");
    expect((await run("config", "unset", "default_port")).code).toBe(0);
    expect(loadConfig().problems).toEqual([]);
    expect(await run("config", "get", "default_port")).toMatchObject({ code: 0, out: "3000\n" });
  });
});
