/**
 * The user's configuration: ~/.config/panko/config.toml (XDG_CONFIG_HOME honoured), read with
 * Bun.TOML. A flat table of known keys, each with a parser that says what is valid.
 *
 * Writes are line edits of the top-level `key = value` lines (comments and unknown content are
 * kept), written atomically (temp file + rename). Reading is tolerant: a bad value, an unknown key
 * or a line that is not TOML is reported (with the path and line) and skipped, so one bad value
 * breaks only what needs it, and `config set` / `config unset` of that key repairs the file.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PankoError, fsReason } from "./errors.ts";
import { configFile } from "./paths.ts";

export const PROVIDERS = ["cloudflare", "ngrok", "tailscale"] as const;
export type ProviderName = (typeof PROVIDERS)[number];
export const SORT_KEYS = ["newest", "oldest", "messages", "project"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Config {
  default_provider?: ProviderName;
  ngrok_token?: string;
  default_port: number;
  default_sort: SortKey;
  max_shares: number;
  /** Share lifetime in milliseconds; undefined = no expiry. */
  share_ttl?: number;
  redact: boolean;
  /** Extra patterns hidden in every share and export (like `--redact-pattern`). */
  redact_patterns: string[];
  /** Patterns whose matches are never hidden (like `--keep`): a user's false positives. */
  redact_keep: string[];
  log_file?: string;
  cloudflared_path?: string;
  ngrok_path?: string;
  tailscale_path?: string;
}

export const DEFAULTS: Config = {
  default_port: 3000,
  default_sort: "newest",
  max_shares: 100,
  redact: true,
  redact_patterns: [],
  redact_keep: [],
};

type Raw = string | number | boolean | Raw[];

interface KeySpec {
  description: string;
  /** What a valid value looks like, for error messages. */
  valid: string;
  /** Parses a value (from TOML or from the command line); throws a message string when invalid. */
  parse(value: Raw): unknown;
  /** How `config show` prints it. */
  show?(value: unknown): string;
  secret?: boolean;
  /** A TOML array. */
  list?: boolean;
}

function oneOf<T extends readonly string[]>(values: T) {
  return (v: Raw) => {
    const s = String(v).trim();
    if (!(values as readonly string[]).includes(s)) throw `must be one of: ${values.join(", ")}`;
    return s;
  };
}

function integer(min: number, max: number) {
  return (v: Raw) => {
    const n = typeof v === "number" ? v : /^\s*\d+\s*$/.test(String(v)) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw `must be a whole number from ${min} to ${max}`;
    return n;
  };
}

function boolean(v: Raw): boolean {
  if (typeof v === "boolean") return v;
  const s = String(v).trim().toLowerCase();
  if (["true", "yes", "on", "1"].includes(s)) return true;
  if (["false", "no", "off", "0"].includes(s)) return false;
  throw "must be true or false";
}

/**
 * A list of regular expressions (a TOML array of strings; on the command line one value is a list
 * of one). Each is checked here; the privacy pass parses them (`/source/flags` form included).
 */
function patternList(v: Raw): string[] {
  const items = Array.isArray(v) ? v : String(v).trim() === "" ? [] : [v];
  return items.map((item, i) => {
    if (typeof item !== "string" || item === "") throw `item ${i + 1} must be a non-empty string (a regular expression)`;
    const slashed = /^\/(.+)\/([a-z]*)$/s.exec(item);
    try {
      new RegExp(slashed ? slashed[1] : item, slashed ? slashed[2] : "");
    } catch (e) {
      throw `item ${i + 1} (${item}) is not a valid regular expression: ${(e as Error).message}`;
    }
    return item;
  });
}

function text(v: Raw): string | undefined {
  const s = String(v).trim();
  return s === "" ? undefined : s;
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses durations like `30m`, `24h`, `7d`, `1h30m`; empty means none. */
export function parseDuration(value: string): number | undefined {
  const s = value.trim();
  if (s === "") return undefined;
  const re = /(\d+)\s*([smhdw])/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    matched = re.lastIndex;
  }
  if (matched !== s.length || total <= 0) throw `must be a duration like 30m, 24h or 7d (or empty for no expiry)`;
  return total;
}

/** 5400000 -> "1h30m". */
export function formatDuration(ms: number): string {
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join("") || "0s";
}

export const KEYS: Record<keyof Config, KeySpec> = {
  default_provider: { description: "Tunnel used by `panko share` when --tunnel is not given", valid: PROVIDERS.join(" | "), parse: oneOf(PROVIDERS) },
  ngrok_token: {
    description: "ngrok auth token (passed to ngrok as NGROK_AUTHTOKEN)",
    valid: "your token from the ngrok dashboard",
    parse: text,
    secret: true,
  },
  default_port: { description: "Port `panko view` tries first", valid: "1-65535", parse: integer(1, 65535) },
  default_sort: { description: "Order of `panko list`", valid: SORT_KEYS.join(" | "), parse: oneOf(SORT_KEYS) },
  max_shares: { description: "Most shares running at once", valid: "1-10000", parse: integer(1, 10000) },
  share_ttl: {
    description: "How long a share lives (empty = no expiry)",
    valid: "a duration like 30m, 24h, 7d, or empty",
    parse: (v) => parseDuration(String(v)),
    show: (v) => (typeof v === "number" ? formatDuration(v) : ""),
  },
  redact: { description: "Hide secrets before sharing or exporting", valid: "true | false", parse: boolean },
  redact_patterns: {
    description: "Also hide matches of these regular expressions in every share and export",
    valid: 'a list of regular expressions, e.g. ["acme_[0-9a-f]{32}", "/internal-\\d+/i"]',
    parse: patternList,
    show: (v) => JSON.stringify(v ?? []),
    list: true,
  },
  redact_keep: {
    description: "Never hide matches of these regular expressions (false positives)",
    valid: 'a list of regular expressions, e.g. ["sk-test-fixture-[a-z]+"]',
    parse: patternList,
    show: (v) => JSON.stringify(v ?? []),
    list: true,
  },
  log_file: { description: "Append debug logs to this file", valid: "a file path", parse: text },
  cloudflared_path: { description: "cloudflared executable to use instead of PATH", valid: "a file path", parse: text },
  ngrok_path: { description: "ngrok executable to use instead of PATH", valid: "a file path", parse: text },
  tailscale_path: { description: "tailscale executable to use instead of PATH", valid: "a file path", parse: text },
};

export const KEY_NAMES = Object.keys(KEYS) as (keyof Config)[];

export function isConfigKey(key: string): key is keyof Config {
  return Object.hasOwn(KEYS, key);
}

function unknownKey(key: string, where: string): PankoError {
  return new PankoError("config", `unknown config key "${key}"${where}`, {
    details: ["Valid keys:", ...KEY_NAMES.map((k) => `  ${k.padEnd(17)} ${KEYS[k].valid}`)],
  });
}

/** Parses one value for a key; throws a PankoError that says what is valid. */
export function parseValue(key: string, value: Raw, where = ""): unknown {
  if (!isConfigKey(key)) throw unknownKey(key, where);
  try {
    return KEYS[key].parse(value);
  } catch (e) {
    const reason = typeof e === "string" ? e : String(e);
    // A single value's reason says what is valid ("must be ..."); a list's names the bad item,
    // so an example of a good list follows it.
    throw new PankoError("config", `invalid value for ${key}${where}: ${reason}`, { details: KEYS[key].list ? [`Valid: ${KEYS[key].valid}`] : [] });
  }
}

/** The line a TOML parse error is on: the first line after which no longer prefix parses again. */
function errorLine(source: string): number {
  const lines = source.split("\n");
  let line = lines.length;
  for (let k = lines.length; k >= 1; k--) {
    try {
      Bun.TOML.parse(lines.slice(0, k).join("\n"));
      break;
    } catch {
      line = k;
    }
  }
  return line;
}

export interface LoadedConfig {
  config: Config;
  path: string;
  /** Whether the file exists. */
  exists: boolean;
  /** Keys set in the file (with a valid value). */
  set: (keyof Config)[];
  /**
   * What is wrong with the file, one error per bad line or value (the rest of the file still
   * counts: a bad value falls back to its default). `key`: the key the problem is about, if any.
   */
  problems: { key?: string; error: PankoError }[];
}

const REPAIR = "Fix it with `panko config set KEY VALUE` or `panko config unset KEY` (or edit the file).";

/**
 * Reads the config, tolerating what is wrong with it: an invalid value, an unknown key or a line
 * that is not TOML is reported in `problems` and skipped (the key keeps its default); only an
 * unreadable file throws. Commands decide what a problem means for them (see cli/settings.ts).
 */
export function loadConfig(path = configFile()): LoadedConfig {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { config: { ...DEFAULTS }, path, exists: false, set: [], problems: [] };
    throw new PankoError("config", `cannot read config file ${path}: ${(e as Error).message}`);
  }
  const problems: LoadedConfig["problems"] = [];
  const entries: [string, unknown, string][] = [];
  try {
    const table = Bun.TOML.parse(source) as Record<string, unknown>;
    for (const [key, value] of Object.entries(table)) entries.push([key, value, ` in ${path}`]);
  } catch (e) {
    // Not TOML as a whole: read what each top-level `key = value` line says, and report the lines
    // that do not parse (a value typed without quotes is the usual one).
    const reason = String((e as Error).message).replace(/^TOML Parse error:\s*/, "");
    const lines = source.split("\n");
    let bad = 0;
    for (let i = 0; i < lines.length && !TABLE_LINE.test(lines[i]); i++) {
      const key = KEY_LINE.exec(lines[i])?.[1];
      if (key === undefined) continue;
      const where = ` in ${path} (line ${i + 1})`;
      try {
        const one = Bun.TOML.parse(lines[i]) as Record<string, unknown>;
        for (const [k, v] of Object.entries(one)) entries.push([k, v, where]);
      } catch {
        bad++;
        problems.push({ key, error: new PankoError("config", `invalid value for ${key}${where}: not a TOML value (text needs quotes)`, { details: [isConfigKey(key) ? `Valid: ${KEYS[key].valid}` : REPAIR] }) });
      }
    }
    if (bad === 0) {
      problems.push({ error: new PankoError("config", `config file ${path} is not valid TOML (line ${errorLine(source)}): ${reason}`, { details: ["Fix the file by hand, or see `panko config --help`. panko did not change it."] }) });
    }
  }
  const config: Config = { ...DEFAULTS };
  const set: (keyof Config)[] = [];
  for (const [key, value, where] of entries) {
    try {
      const isList = Array.isArray(value) && isConfigKey(key) && KEYS[key].list;
      if (!isList && typeof value === "object" && value !== null) {
        throw new PankoError("config", `config key "${key}"${where} must be a plain value, not a table or array`);
      }
      const parsed = parseValue(key, value as Raw, where);
      (config as unknown as Record<string, unknown>)[key] = parsed;
      set.push(key as keyof Config);
    } catch (e) {
      if (!(e instanceof PankoError)) throw e;
      problems.push({ key, error: e });
    }
  }
  return { config, path, exists: true, set, problems };
}

/**
 * The keys a problem with which must stop whatever redacts: falling back to their defaults would
 * quietly drop the user's own patterns (`redact_patterns`) or keeps from the privacy pass.
 */
export const REDACTION_KEYS = ["redact", "redact_patterns", "redact_keep"] as const satisfies readonly (keyof Config)[];

/** The first problem that spoils one of `needs` (every key: "all"); a file that is not TOML spoils all. */
export function problemFor(loaded: LoadedConfig, needs: readonly string[] | "all"): LoadedConfig["problems"][number] | undefined {
  return loaded.problems.find((p) => needs === "all" || p.key === undefined || needs.includes(p.key));
}

/** The config, or the first problem with one of `needs` as an error (other problems are tolerated). */
export function loadConfigFor(needs: readonly (keyof Config)[] | "all", path = configFile()): LoadedConfig {
  const loaded = loadConfig(path);
  const problem = problemFor(loaded, needs);
  if (problem) throw problem.error;
  return loaded;
}

/** The config, or the first of its problems as an error (for callers that need every value right). */
export function loadConfigStrict(path = configFile()): LoadedConfig {
  return loadConfigFor("all", path);
}

/** How a value is written in TOML. */
function tomlValue(key: keyof Config, value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") {
    return key === "share_ttl" ? JSON.stringify(formatDuration(value as number)) : String(value);
  }
  if (Array.isArray(value)) return JSON.stringify(value.map(String));
  return JSON.stringify(String(value));
}

const KEY_LINE = /^\s*([A-Za-z0-9_-]+)\s*=/;
const TABLE_LINE = /^\s*\[/;

/** Sets (value !== undefined) or removes one key, keeping every other line; atomic write. */
export function writeConfigKey(key: keyof Config, value: unknown, path = configFile()): void {
  // A file with problems is still edited: setting or unsetting the bad key is how it is repaired
  // (only the key's own line changes).
  let lines: string[] = [];
  try {
    lines = readFileSync(path, "utf8").split("\n");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0 && value !== undefined) lines.push("# panko configuration — see `panko config --help`");
  const firstTable = lines.findIndex((l) => TABLE_LINE.test(l));
  const topEnd = firstTable === -1 ? lines.length : firstTable;
  const at = lines.slice(0, topEnd).findIndex((l) => KEY_LINE.exec(l)?.[1] === key);
  const line = value === undefined ? undefined : `${key} = ${tomlValue(key, value)}`;
  if (at !== -1) {
    if (line === undefined) lines.splice(at, 1);
    else lines[at] = line;
  } else if (line !== undefined) {
    lines.splice(topEnd, 0, line);
  }
  const body = lines.join("\n") + "\n";
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, body, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    // The reason without the temporary file's name: the user knows only the config file.
    throw new PankoError("config", `cannot write config file ${path}: ${fsReason(e)}`);
  }
}

/** A value as `config show` prints it (secrets masked). */
export function showValue(key: keyof Config, value: unknown): string {
  if (value === undefined) return "";
  const spec = KEYS[key];
  if (spec.secret) {
    const s = String(value);
    return s.length <= 8 ? "****" : `${s.slice(0, 4)}…${s.slice(-4)}`;
  }
  return spec.show ? spec.show(value) : String(value);
}
