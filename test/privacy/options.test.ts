import { describe, expect, test, beforeEach } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { REDACTION_KEYS, loadConfig, loadConfigFor, loadConfigStrict, showValue, writeConfigKey } from "../../src/config.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { PankoError } from "../../src/errors.ts";
import { configFile } from "../../src/paths.ts";
import { redactOptionsFromConfig } from "../../src/privacy/options.ts";
import { redactText } from "../../src/privacy/redact.ts";
import { findRedactions, maskPreview } from "../../src/privacy/preview.ts";
import { mix } from "./samples.ts";

beforeEach(() => rmSync(dirname(configFile()), { recursive: true, force: true }));

describe("config redact_patterns / redact_keep", () => {
  test("are TOML lists of regular expressions; set and shown", () => {
    mkdirSync(dirname(configFile()), { recursive: true });
    writeFileSync(configFile(), 'redact_patterns = ["acme-[0-9]{6}", "/internal-host-\\\\d+/i"]\nredact_keep = ["^sk-test-fixture"]\n');
    const { config } = loadConfig();
    expect(config.redact_patterns).toEqual(["acme-[0-9]{6}", "/internal-host-\\d+/i"]);
    expect(config.redact_keep).toEqual(["^sk-test-fixture"]);
    expect(showValue("redact_keep", config.redact_keep)).toBe('["^sk-test-fixture"]');
    writeConfigKey("redact_keep", ["a+", "b\\d"]);
    expect(loadConfig().config.redact_keep).toEqual(["a+", "b\\d"]);
  });

  test("a bad item is a config error naming the key", () => {
    mkdirSync(dirname(configFile()), { recursive: true });
    writeFileSync(configFile(), 'redact_patterns = ["ok", "("]\n');
    expect(() => loadConfigStrict()).toThrow(/invalid value for redact_patterns.*item 2/);
    writeFileSync(configFile(), "redact_keep = [1]\n");
    expect(() => loadConfigStrict()).toThrow(PankoError);
  });
});

describe("redactOptionsFromConfig", () => {
  const cfg = { redact: true, redact_patterns: ["acme-[0-9]{6}"], redact_keep: ["^ghp_0{36}$"] };
  test("config and flags add up; --no-redact and redact = false turn it off", () => {
    const s = redactOptionsFromConfig(cfg, { patterns: ["zeta-[a-z]{4}"], keep: ["x"] });
    expect(s.redact).toBe(true);
    expect(s.options.extraPatterns).toHaveLength(2);
    expect(s.options.keep).toHaveLength(2);
    expect(redactOptionsFromConfig(cfg, { noRedact: true }).redact).toBe(false);
    expect(redactOptionsFromConfig({ ...cfg, redact: false }).redact).toBe(false);
    expect(() => redactOptionsFromConfig(cfg, { keep: ["("] })).toThrow(/--keep \(/);
  });

  test("a kept match is not hidden, the rest is", () => {
    const real = "ghp_" + mix(36, 5);
    const fixture = "ghp_" + "0".repeat(36);
    const { options } = redactOptionsFromConfig(cfg);
    const out = redactText(`a ${fixture} b ${real} c acme-123456`, undefined);
    expect(out.counts["github-token"]).toBe(2);
    const session = {
      id: "s", source: "claude", path: "/x", title: "t", models: [], usage: {}, stats: { lines: 0, malformedLines: 0, malformed: [], unknownRecords: 0 },
      turns: [{ index: 0, id: "t0", blocks: [{ kind: "prompt", id: "b0", text: `a ${fixture} b ${real} c acme-123456` }] }],
    } as never;
    const report = findRedactions(session, options);
    expect(report.counts).toEqual({ "github-token": 1, custom: 1 });
    expect(report.items[0]).toEqual({ kind: "github-token", turn: 1, block: 1, field: "prompt", preview: maskPreview(real) });
  });

  test("previews never show 16 characters of a secret", () => {
    expect(maskPreview("ghp_" + "a".repeat(30) + "k3")).toBe("ghp_…k3");
    expect(maskPreview("short")).toBe("…");
    expect(maskPreview("abcdefghij")).toBe("ab…");
  });
});

describe("a broken redaction key stops what redacts (never a quiet fallback to no patterns)", () => {
  const session = `${process.env.PANKO_TEST_ROOT}/broken-redaction/s.jsonl`;
  const rec = (o: Record<string, unknown>) => JSON.stringify({ sessionId: "b0000000-0000-4000-8000-000000000001", cwd: "/w", version: "2.1.0", isSidechain: false, userType: "external", ...o });

  beforeEach(() => {
    mkdirSync(dirname(session), { recursive: true });
    writeFileSync(session, rec({ type: "user", uuid: "u1", parentUuid: null, timestamp: "2026-01-01T00:00:00Z", message: { role: "user", content: "acme-123456 is our internal id" } }) + "\n");
    mkdirSync(dirname(configFile()), { recursive: true });
  });

  test("loadConfigFor throws for the keys asked, tolerates the others", () => {
    writeFileSync(configFile(), 'redact_patterns = ["acme-[0-9]{6}", "("]\ndefault_port = "x"\n');
    expect(() => loadConfigFor(REDACTION_KEYS)).toThrow(/redact_patterns.*item 2/);
    expect(loadConfigFor(["default_sort"]).config.default_sort).toBe("newest");
  });

  for (const argv of [["export", session, "-f", "md"], ["redact", session]]) {
    test(`panko ${argv[0]}: exits with the problem, prints nothing of the session`, async () => {
      writeFileSync(configFile(), 'redact_patterns = ["acme-[0-9]{6}", "("]\n');
      const m = memoryIo({ env: { ...process.env } });
      const code = await runCli(argv, m.io);
      expect(code).not.toBe(0);
      expect(m.stderr()).toContain("redact_patterns");
      expect(m.stdout()).not.toContain("acme-123456");
    });
  }

  test("with the list repaired, the pattern applies", async () => {
    writeFileSync(configFile(), 'redact_patterns = ["acme-[0-9]{6}"]\n');
    const m = memoryIo({ env: { ...process.env } });
    expect(await runCli(["export", session, "-f", "md"], m.io)).toBe(0);
    expect(m.stdout()).not.toContain("acme-123456");
    expect(m.stdout()).toContain("[REDACTED:custom]");
  });
});
