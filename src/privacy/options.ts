/**
 * How every command builds its redaction from config and flags, the same way: `redact` (config) and
 * `--no-redact` say whether to hide; config `redact_patterns` and `--redact-pattern` add patterns;
 * config `redact_keep` and `--keep` keep a user's false positives. Used by `export`, `share`,
 * `redact`, and meant for the daemon and the interactive flow.
 */
import type { Config } from "../config.ts";
import type { RedactOptions } from "./engine.ts";
import { parseExtraPattern } from "./user-patterns.ts";

export interface RedactFlags {
  /** `--no-redact`. */
  noRedact?: boolean;
  /** `--redact-pattern` values. */
  patterns?: string[];
  /** `--keep` values. */
  keep?: string[];
}

export interface RedactSettings {
  /** Hide secrets at all (config `redact`, unless `--no-redact`). */
  redact: boolean;
  /** The options of the pass (patterns from config, then flags). */
  options: RedactOptions;
}

/** Throws a usage PankoError naming the flag or config key of a bad pattern. */
export function redactOptionsFromConfig(config: Pick<Config, "redact"> & Partial<Pick<Config, "redact_patterns" | "redact_keep">>, flags: RedactFlags = {}): RedactSettings {
  const extraPatterns = [
    ...(config.redact_patterns ?? []).map((p) => parseExtraPattern(p, "config redact_patterns:")),
    ...(flags.patterns ?? []).map((p) => parseExtraPattern(p)),
  ];
  const keep = [...(config.redact_keep ?? []).map((p) => parseExtraPattern(p, "config redact_keep:")), ...(flags.keep ?? []).map((p) => parseExtraPattern(p, "--keep"))];
  return { redact: config.redact && !flags.noRedact, options: { extraPatterns, keep } };
}
