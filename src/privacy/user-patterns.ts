/** Users' own patterns: `--redact-pattern`, `--keep`, config `redact_patterns` / `redact_keep`. */
import { PankoError } from "../errors.ts";

/**
 * Parse a `--redact-pattern` value: a regular expression source (`sk_[a-z0-9]{20}`), or the
 * `/source/flags` form (`/acme-[0-9]+/i`) when the value starts and ends with `/`. A named group
 * `secret` hides only that part of the match (`user=\w+ pin=(?<secret>\d+)`). Throws a usage PankoError for an invalid one, or one
 * that matches the empty string (it would hide nothing and loop on everything).
 */
export function parseExtraPattern(src: string, label = "--redact-pattern"): RegExp {
  if (src.length === 0) throw new PankoError("usage", `${label}: the pattern is empty`);
  let source = src;
  let flags = "";
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(src);
  if (slashed) {
    source = slashed[1];
    flags = slashed[2];
    const bad = flags.replace(/[imsu]/g, "");
    if (bad) {
      throw new PankoError("usage", `${label} ${src}: unsupported flag(s) "${bad}" (use i, m, s or u)`);
    }
  }
  let re: RegExp;
  try {
    re = new RegExp(source, flags + "g");
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new PankoError("usage", `${label} ${src}: not a valid regular expression (${why})`, {
      details: ["Write a JavaScript regular expression, e.g. --redact-pattern 'acme_[A-Za-z0-9]{32}' or '/internal-host-\\d+/i'."],
    });
  }
  if (new RegExp(source, flags).test("")) {
    throw new PankoError("usage", `${label} ${src}: the pattern matches the empty string`);
  }
  return re;
}
