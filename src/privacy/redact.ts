/**
 * The privacy pass: replaces secrets with `[REDACTED:<kind>]` markers in text, in a whole Session
 * (every string a viewer can serve), and in raw JSONL lines (the `/download` route).
 *
 * Pure functions: data in, data out; the input is never modified.
 *
 * Not scanned, on purpose: base64 image payloads (`ImageBlock.data`, and in raw records the `data`
 * of a `{type:"base64", media_type, data}` source or a `data:<mime>;base64,...` URL). Scanning
 * megabytes of random base64 is slow and only finds false positives; they survive byte for byte.
 * Structural fields are kept too (ids, kinds, tool names, timestamps, model ids, the session's
 * file path, which later stages use to read the file).
 */

import { PankoError } from "../errors.ts";
import type {
  Block,
  DiffHunk,
  FileEdit,
  ImageBlock,
  Session,
  ToolResult,
  Turn,
} from "../sessions/model.ts";
import { DEFAULT_PRECHECK, DEFAULT_RULES, isSecretAssignmentValue, marker, type SecretRule } from "./rules.ts";

export type RedactionCounts = Record<string, number>;

export interface RedactTextResult {
  text: string;
  counts: RedactionCounts;
}

export interface RedactOptions {
  /** Extra user patterns (`--redact-pattern`); every match is replaced by `[REDACTED:custom]`. */
  extraPatterns?: RegExp[];
  /** Replace the default rules (tests, or a future config); extraPatterns are added after them. */
  rules?: readonly SecretRule[];
}

export interface RedactSessionResult {
  /** A new Session; the input is untouched. */
  session: Session;
  counts: RedactionCounts;
  total: number;
}

// ---------------------------------------------------------------------------------------------
// text

/**
 * Turn a user pattern into a global rule of kind `custom`. The whole match is hidden, or only a
 * named group `secret` when the pattern has one (`token=(?<secret>\w+)`).
 */
export function customRule(re: RegExp): SecretRule {
  let flags = re.flags.replace("y", "");
  if (!flags.includes("g")) flags += "g";
  if (re.source.includes("(?<secret") && !flags.includes("d")) flags += "d";
  return { kind: "custom", pattern: new RegExp(re.source, flags) };
}

/** The rules a pass runs with: the defaults (or `opts.rules`) then the custom patterns. */
export function buildRules(opts: RedactOptions = {}): readonly SecretRule[] {
  const base = opts.rules ?? DEFAULT_RULES;
  const extra = opts.extraPatterns ?? [];
  return extra.length === 0 ? base : [...base, ...extra.map(customRule)];
}

/** The hidden part of a match: the first `secret*` group that took part, else the whole match. */
function secretSpan(m: RegExpExecArray): [number, number] {
  const groups = m.indices?.groups;
  if (groups) {
    for (const name in groups) {
      const span = groups[name];
      if (span && name.startsWith("secret")) return span;
    }
  }
  return [m.index, m.index + m[0].length];
}

const stickyCache = new WeakMap<RegExp, RegExp>();
function sticky(re: RegExp): RegExp {
  let s = stickyCache.get(re);
  if (!s) {
    s = new RegExp(re.source, re.flags.replace("g", "") + "y");
    stickyCache.set(re, s);
  }
  return s;
}

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */ || c === 45; /* - */

/**
 * For an anchored rule: the match of the pattern starting at the word around `pos` (or at the
 * quote just before that word), if any.
 */
function execAnchored(text: string, re: RegExp, pos: number): RegExpExecArray | null {
  let start = pos;
  while (start > 0 && pos - start < 80 && isWordChar(text.charCodeAt(start - 1))) start--;
  // a name starts with a letter or `_`: `--password=x` is tried at `password`
  while (start < pos && (text.charCodeAt(start) === 45 || (text.charCodeAt(start) >= 48 && text.charCodeAt(start) <= 57))) start++;
  const before = text.charCodeAt(start - 1);
  if (before === 34 /* " */ || before === 39 /* ' */) {
    re.lastIndex = start - 1;
    const m = re.exec(text);
    if (m) return m;
  }
  re.lastIndex = start;
  return re.exec(text);
}

/** One secret found: its kind, the text hidden, and a little of the text around it (for review). */
export interface SecretHit {
  kind: string;
  value: string;
  context: string;
}

function applyRule(text: string, rule: SecretRule, counts: RedactionCounts, hits?: SecretHit[]): string {
  if (rule.hint && !rule.hint.test(text)) return text;
  const global = rule.pattern.global ? rule.pattern : new RegExp(rule.pattern.source, rule.pattern.flags + "g");
  const anchor = rule.anchor;
  const re = anchor ? sticky(rule.pattern) : global;
  let out = "";
  let last = 0;
  let n = 0;
  let from = 0; // where the search for the next candidate starts
  for (;;) {
    let m: RegExpExecArray | null;
    let retry: number; // where to search again when this candidate is not a secret
    if (anchor) {
      anchor.lastIndex = from;
      const a = anchor.exec(text);
      if (!a) break;
      retry = a.index + Math.max(1, a[0].length);
      m = execAnchored(text, re, a.index);
      if (!m || m.index + m[0].length <= a.index) {
        from = retry;
        continue;
      }
    } else {
      re.lastIndex = from;
      m = re.exec(text);
      if (!m) break;
      retry = m.index + 1;
    }
    if (m[0].length === 0) {
      from = retry;
      continue;
    }
    const [start, end] = secretSpan(m);
    if (end <= start || start < last || (rule.validator && !rule.validator(text.slice(start, end), m))) {
      from = retry; // not a secret: search again from the next character (or anchor hit)
      continue;
    }
    if (hits) {
      hits.push({ kind: rule.kind, value: text.slice(start, end), context: text.slice(Math.max(0, start - 40), Math.min(text.length, end + 20)) });
    }
    out += text.slice(last, start) + marker(rule.kind);
    last = end;
    n++;
    from = Math.max(m.index + m[0].length, end);
  }
  if (n === 0) return text;
  counts[rule.kind] = (counts[rule.kind] ?? 0) + n;
  return out + text.slice(last);
}

const DEFAULT_SET: ReadonlySet<SecretRule> = new Set(DEFAULT_RULES);

/** Rules other than the defaults (custom patterns, test rules) can match anything: no pre-check for them. */
function hasCustom(rules: readonly SecretRule[]): boolean {
  return rules !== DEFAULT_RULES && rules.some((r) => !DEFAULT_SET.has(r));
}

/** Redact into an existing counts object (the session walk shares one). */
function redactInto(text: string, rules: readonly SecretRule[], counts: RedactionCounts, hits?: SecretHit[]): string {
  if (text.length === 0) return text;
  const pre = DEFAULT_PRECHECK.test(text);
  let out = text;
  for (const rule of rules) {
    if (!pre && DEFAULT_SET.has(rule)) continue;
    out = applyRule(out, rule, counts, hits);
  }
  return out;
}

/**
 * Replace every secret in `text`. Ordinary text pays one pre-check regex over the string before the
 * default rules run (custom rules always run: they can match anything).
 */
export function redactText(text: string, rules: readonly SecretRule[] = DEFAULT_RULES): RedactTextResult {
  const counts: RedactionCounts = {};
  const out = redactInto(text, rules, counts);
  return { text: out, counts };
}

/** What `redactText` would hide, with context: for reviewing rules (the corpus test) and previews. */
export function findSecrets(text: string, rules: readonly SecretRule[] = DEFAULT_RULES): SecretHit[] {
  const hits: SecretHit[] = [];
  redactInto(text, rules, {}, hits);
  return hits;
}

export function totalCount(counts: RedactionCounts): number {
  let t = 0;
  for (const k in counts) t += counts[k];
  return t;
}

export function mergeCounts(into: RedactionCounts, from: RedactionCounts): RedactionCounts {
  for (const k in from) into[k] = (into[k] ?? 0) + from[k];
  return into;
}

// ---------------------------------------------------------------------------------------------
// deep values (tool input, tool result meta, unknown raw records)

/** `data:image/png;base64,...` */
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*;base64,/;

/** Is `obj[key]` a base64 image payload (left alone)? */
function isBase64Payload(obj: Record<string, unknown>, key: string, value: string): boolean {
  if (DATA_URL.test(value.slice(0, 200))) return true;
  if (key !== "data" && key !== "base64") return false;
  return (
    obj.type === "base64" ||
    typeof obj.media_type === "string" ||
    typeof obj.mediaType === "string" ||
    typeof obj.mimeType === "string" ||
    typeof obj.mime_type === "string" ||
    obj.type === "image"
  );
}

/** Drop the keys a copy below set to undefined, so the result has the input's shape (own objects only). */
function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o)) if ((o as Record<string, unknown>)[k] === undefined) delete (o as Record<string, unknown>)[k];
  return o;
}

class Walker {
  readonly counts: RedactionCounts = {};
  constructor(readonly rules: readonly SecretRule[]) {}

  text(s: string): string;
  text(s: string | undefined): string | undefined;
  text(s: string | undefined): string | undefined {
    if (s === undefined || s === null) return s;
    return redactInto(s, this.rules, this.counts);
  }

  /** Every string in a JSON-like value; keys kept; base64 image payloads kept. Returns a copy. */
  deep(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.deep(x));
    if (v !== null && typeof v === "object") {
      const obj = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(obj)) {
        const val = obj[key];
        if (typeof val !== "string") out[key] = this.deep(val);
        else if (isBase64Payload(obj, key, val)) out[key] = val;
        else out[key] = this.keyed(key, val);
      }
      return out;
    }
    return v;
  }

  /**
   * A string held under a key: the rules first, then the key itself as the name of an assignment
   * (`{"password": "hunter2"}` in parsed data is what `"password": "hunter2"` is in text).
   */
  keyed(key: string, val: string): string {
    const out = this.text(val);
    if (out === val && isSecretAssignmentValue(key, val) && this.rules.some((r) => r.kind === "secret-assignment")) {
      this.counts["secret-assignment"] = (this.counts["secret-assignment"] ?? 0) + 1;
      return marker("secret-assignment");
    }
    return out;
  }

  image(b: ImageBlock): ImageBlock {
    // `data` is base64 and kept byte for byte; only a URL can carry a secret (a signed query).
    return clean({ ...b, url: b.url !== undefined && !DATA_URL.test(b.url.slice(0, 200)) ? this.text(b.url) : b.url });
  }

  hunk(h: DiffHunk): DiffHunk {
    return { ...h, lines: h.lines.map((l) => ({ op: l.op, text: this.text(l.text) })) };
  }

  edit(e: FileEdit): FileEdit {
    return clean({
      ...e,
      path: this.text(e.path),
      movePath: this.text(e.movePath),
      hunks: e.hunks.map((h) => this.hunk(h)),
    });
  }

  result(r: ToolResult): ToolResult {
    return clean({
      ...r,
      text: this.text(r.text),
      images: r.images.map((i) => this.image(i)),
      meta: r.meta === undefined ? undefined : this.deep(r.meta),
    });
  }

  block(b: Block): Block {
    switch (b.kind) {
      case "prompt":
        // The IDE context kept beside a Codex prompt is shown too: hidden like the prompt.
        return clean({ ...b, text: this.text(b.text), context: this.text(b.context) });
      case "text":
      case "thinking":
        return { ...b, text: this.text(b.text) };
      case "command":
        return clean({ ...b, name: this.text(b.name), args: this.text(b.args), output: this.text(b.output) });
      case "notice":
        return { ...b, text: this.text(b.text) };
      case "image":
        return this.image(b);
      case "compaction":
        return clean({ ...b, summary: this.text(b.summary) });
      case "unknown":
        return { ...b, raw: this.deep(b.raw) };
      case "tool":
        return clean({
          ...b,
          input: this.deep(b.input),
          result: b.result && this.result(b.result),
          edits: b.edits?.map((e) => this.edit(e)),
          subAgent: b.subAgent && this.session(b.subAgent),
        });
      default: {
        // A block kind added to the model later: redact every string in it but its kind and id.
        const other = b as { kind: string; id: string };
        return { ...(this.deep(other) as object), kind: other.kind, id: other.id } as unknown as Block;
      }
    }
  }

  turn(t: Turn): Turn {
    return { ...t, blocks: t.blocks.map((b) => this.block(b)) };
  }

  session(s: Session): Session {
    return clean({
      ...s,
      title: this.text(s.title),
      project: this.text(s.project),
      gitBranch: this.text(s.gitBranch),
      version: this.text(s.version),
      models: [...s.models],
      usage: structuredClone(s.usage),
      turns: s.turns.map((t) => this.turn(t)),
      stats: { ...s.stats, malformed: s.stats.malformed.map((m) => ({ line: m.line, error: this.text(m.error) })) },
    });
  }
}

/**
 * Replace secrets in every string of a session a viewer can serve. Returns a new Session (the
 * input is untouched), the counts by kind (sub-agents included) and their total.
 */
export function redactSession(session: Session, opts: RedactOptions = {}): RedactSessionResult {
  const w = new Walker(buildRules(opts));
  const out = w.session(session);
  return { session: out, counts: w.counts, total: totalCount(w.counts) };
}

// ---------------------------------------------------------------------------------------------
// raw JSONL lines (the /download route)

export interface RedactLineResult {
  line: string;
  counts: RedactionCounts;
}

/**
 * Redact one raw JSONL line for the "as served" download. A line that is valid JSON is parsed, its
 * string values redacted (keys kept, base64 image payloads kept) and re-stringified, so it stays
 * valid JSON whatever the marker lands next to; a line with nothing to hide is returned byte for
 * byte. A line that is not JSON (already broken) is redacted as text.
 *
 * The pre-check runs on the raw line: JSON.stringify never escapes the ASCII letters the rules
 * key on, so a line it does not match holds no default-rule secret.
 */
export function redactLine(line: string, opts: RedactOptions = {}): RedactLineResult {
  const rules = buildRules(opts);
  const custom = hasCustom(rules);
  if (!custom && !DEFAULT_PRECHECK.test(line)) return { line, counts: {} };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    const r = redactText(line, rules);
    return { line: r.text, counts: r.counts };
  }
  const w = new Walker(rules);
  const out = w.deep(value);
  if (totalCount(w.counts) === 0) return { line, counts: {} };
  return { line: JSON.stringify(out), counts: w.counts };
}

/** Redact a whole JSONL text line by line (line endings kept). */
export function redactJsonl(text: string, opts: RedactOptions = {}): RedactTextResult {
  const counts: RedactionCounts = {};
  const parts = text.split("\n");
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i];
    const cr = raw.endsWith("\r");
    const body = cr ? raw.slice(0, -1) : raw;
    if (body.trim() === "") continue;
    const r = redactLine(body, opts);
    if (r.line !== body) parts[i] = cr ? r.line + "\r" : r.line;
    mergeCounts(counts, r.counts);
  }
  return { text: parts.join("\n"), counts };
}

// ---------------------------------------------------------------------------------------------
// user-facing bits

/** "hid 3 secrets: 2 github-token, 1 aws-access-key", or "no secrets found". */
export function formatRedactionSummary(counts: RedactionCounts): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return "no secrets found";
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return `hid ${total} secret${total === 1 ? "" : "s"}: ${entries.map(([k, n]) => `${n} ${k}`).join(", ")}`;
}

/**
 * Parse a `--redact-pattern` value: a regular expression source (`sk_[a-z0-9]{20}`), or the
 * `/source/flags` form (`/acme-[0-9]+/i`) when the value starts and ends with `/`. A named group
 * `secret` hides only that part of the match (`user=\w+ pin=(?<secret>\d+)`). Throws a usage PankoError for an invalid one, or one
 * that matches the empty string (it would hide nothing and loop on everything).
 */
export function parseExtraPattern(src: string): RegExp {
  if (src.length === 0) throw new PankoError("usage", "--redact-pattern: the pattern is empty");
  let source = src;
  let flags = "";
  const slashed = /^\/(.+)\/([a-z]*)$/s.exec(src);
  if (slashed) {
    source = slashed[1];
    flags = slashed[2];
    const bad = flags.replace(/[imsu]/g, "");
    if (bad) {
      throw new PankoError("usage", `--redact-pattern ${src}: unsupported flag(s) "${bad}" (use i, m, s or u)`);
    }
  }
  let re: RegExp;
  try {
    re = new RegExp(source, flags + "g");
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new PankoError("usage", `--redact-pattern ${src}: not a valid regular expression (${why})`, {
      details: ["Write a JavaScript regular expression, e.g. --redact-pattern 'acme_[A-Za-z0-9]{32}' or '/internal-host-\\d+/i'."],
    });
  }
  if (new RegExp(source, flags).test("")) {
    throw new PankoError("usage", `--redact-pattern ${src}: the pattern matches the empty string`);
  }
  return re;
}
