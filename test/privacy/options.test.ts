import { describe, expect, test, beforeEach } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { loadConfig, loadConfigStrict, showValue, writeConfigKey } from "../../src/config.ts";
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
