/**
 * The rule engine: runs secret rules over one text. `redactText` replaces every secret with its
 * marker; `findSecrets` says what it would hide; `secretSpans` gives each rule's hits in the
 * text's own offsets (for values cut into lines, lines.ts). Cheap pre-checks skip texts that
 * cannot hold a default-rule secret. `buildRules` turns options (custom patterns, kept matches)
 * into the rule list a pass runs with.
 */
import type { Span } from "./lines.ts";
import { DEFAULT_PRECHECK, DEFAULT_RULES, RARE_PRECHECK, marker, type SecretRule } from "./rules.ts";

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
  /** A match whose hidden text a keep pattern matches is not hidden (`--keep`, config `redact_keep`). */
  keep?: RegExp[];
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

/** Rules that only run when the global pre-check matched: the defaults, and their keep-wrapped copies. */
const PRECHECKED = new WeakSet<SecretRule>(DEFAULT_RULES);

/** A copy of `rule` that leaves a match alone when a keep pattern matches its hidden text. */
function keeping(rule: SecretRule, keep: RegExp[]): SecretRule {
  const plain = keep.map((k) => new RegExp(k.source, k.flags.replace(/[gy]/g, "")));
  const wrapped: SecretRule = {
    ...rule,
    validator: (secret, m) => (!rule.validator || rule.validator(secret, m)) && !plain.some((k) => k.test(secret)),
  };
  if (PRECHECKED.has(rule)) PRECHECKED.add(wrapped);
  return wrapped;
}

const builtCache = new WeakMap<RedactOptions, readonly SecretRule[]>();

/** The rules a pass runs with: the defaults (or `opts.rules`) then the custom patterns, minus the kept matches. */
export function buildRules(opts: RedactOptions = {}): readonly SecretRule[] {
  const cached = builtCache.get(opts);
  if (cached) return cached;
  const base = opts.rules ?? DEFAULT_RULES;
  const extra = opts.extraPatterns ?? [];
  let rules: readonly SecretRule[] = extra.length === 0 ? base : [...base, ...extra.map(customRule)];
  if (opts.keep?.length) rules = rules.map((r) => keeping(r, opts.keep!));
  builtCache.set(opts, rules);
  return rules;
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
  /** Where the hidden text was, in the text the rule ran on. */
  start: number;
  end: number;
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
    const kind = rule.kindOf ? rule.kindOf(m) : rule.kind;
    if (hits) {
      hits.push({ kind, value: text.slice(start, end), context: text.slice(Math.max(0, start - 40), Math.min(text.length, end + 20)), start, end });
    }
    out += text.slice(last, start) + marker(kind);
    last = end;
    n++;
    if (rule.kindOf) counts[kind] = (counts[kind] ?? 0) + 1;
    from = Math.max(m.index + m[0].length, end);
  }
  if (n === 0) return text;
  if (!rule.kindOf) counts[rule.kind] = (counts[rule.kind] ?? 0) + n;
  return out + text.slice(last);
}

/** Rules other than the defaults (custom patterns, test rules) can match anything: no pre-check for them. */
export function hasCustom(rules: readonly SecretRule[]): boolean {
  return rules !== DEFAULT_RULES && rules.some((r) => !PRECHECKED.has(r));
}

/** Redact into an existing counts object (the session walk shares one). */
export function redactInto(text: string, rules: readonly SecretRule[], counts: RedactionCounts, hits?: SecretHit[]): string {
  if (text.length === 0) return text;
  const pre = DEFAULT_PRECHECK.test(text);
  const rare = pre && RARE_PRECHECK.test(text);
  let out = text;
  for (const rule of rules) {
    if ((!pre || (rule.rare && !rare)) && PRECHECKED.has(rule)) continue;
    out = applyRule(out, rule, counts, hits);
  }
  return out;
}

/**
 * Every secret span of `text` in its own coordinates: each rule runs on the original text (not on
 * the output of the rules before it), so the union covers everything any rule would hide. For
 * masking lines of a whole value (lines.ts).
 */
export function secretSpans(text: string, rules: readonly SecretRule[]): Span[] {
  if (text.length === 0) return [];
  const pre = DEFAULT_PRECHECK.test(text);
  const rare = pre && RARE_PRECHECK.test(text);
  const spans: Span[] = [];
  for (const rule of rules) {
    if ((!pre || (rule.rare && !rare)) && PRECHECKED.has(rule)) continue;
    const hits: SecretHit[] = [];
    applyRule(text, rule, {}, hits);
    for (const h of hits) spans.push({ kind: h.kind, start: h.start, end: h.end, value: h.value });
  }
  return spans;
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
