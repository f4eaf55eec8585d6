/** The redaction flags `export`, `share` and `redact` share, and how they become options. */
import { REDACTION_KEYS } from "../config.ts";
import { redactOptionsFromConfig, type RedactSettings } from "../privacy/options.ts";
import type { OptionSpecs, OptionValues } from "./command.ts";
import type { Io } from "./io.ts";
import { commandConfig } from "./settings.ts";

export const REDACT_OPTIONS = {
  "no-redact": { type: "boolean", description: "Keep secrets as they are (default: hide them; config redact)" },
  "redact-pattern": { type: "string", multiple: true, valueName: "REGEX", description: "Also hide matches of REGEX (adds to config redact_patterns)" },
  keep: { type: "string", multiple: true, valueName: "REGEX", description: "Do not hide matches of REGEX, a false positive (adds to config redact_keep)" },
} as const satisfies OptionSpecs;

/** The pass's settings from config + flags; a broken redaction key stops the command (never a quiet default). */
export function redactSettings(values: OptionValues<typeof REDACT_OPTIONS>, io: Io): RedactSettings {
  const { config } = commandConfig(io, REDACTION_KEYS);
  return redactOptionsFromConfig(config, { noRedact: values["no-redact"], patterns: values["redact-pattern"], keep: values.keep });
}
