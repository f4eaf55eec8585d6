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
import { cutTitle } from "../sessions/title.ts";
import { KEY_FILE_HINT, isKeyFilePath } from "./key-files.ts";
import { applyCuts, lineCuts, type LineCut, type Span } from "./lines.ts";
import { DEFAULT_PRECHECK, DEFAULT_RULES, RARE_PRECHECK, isSecretAssignmentValue, marker, type SecretRule } from "./rules.ts";

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

/** Where a hidden value sat (see preview.ts). */
export interface HitPlace {
  turn: number;
  block: number;
  field: string;
}

/** One hidden value at its place: what `findRedactions` reports. */
export interface PlacedHit extends HitPlace {
  kind: string;
  value: string;
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
function hasCustom(rules: readonly SecretRule[]): boolean {
  return rules !== DEFAULT_RULES && rules.some((r) => !PRECHECKED.has(r));
}

/** Redact into an existing counts object (the session walk shares one). */
function redactInto(text: string, rules: readonly SecretRule[], counts: RedactionCounts, hits?: SecretHit[]): string {
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

/** Keys of a raw record or tool input that say where, not what: kept when a key file's content is hidden. */
const KEY_FILE_KEPT = new Set(["file_path", "filePath", "path", "type", "id", "tool_use_id", "name", "uuid", "parentUuid", "timestamp", "sessionId", "cwd", "kind"]);

function isKeyFileObject(obj: Record<string, unknown>): boolean {
  return isKeyFilePath(obj.file_path as string) || isKeyFilePath(obj.filePath as string) || isKeyFilePath(obj.path as string);
}

class Walker {
  readonly counts: RedactionCounts = {};
  /** When set, every hidden value is recorded here with `place` (findRedactions). */
  hits?: PlacedHit[];
  place: HitPlace = { turn: 0, block: 0, field: "" };
  private fieldPrefix = "";
  private readonly keep: RegExp[];
  /** Rules that can match anything (custom patterns): no pre-check shortcut. */
  private readonly custom: boolean;
  constructor(
    readonly rules: readonly SecretRule[],
    keep: RegExp[] = [],
  ) {
    this.keep = keep.map((k) => new RegExp(k.source, k.flags.replace(/[gy]/g, "")));
    this.custom = hasCustom(rules);
  }

  private count(kind: string, value: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.hits?.push({ ...this.place, field: this.fieldPrefix + this.place.field, kind, value });
  }

  private at<T>(field: string, f: () => T): T {
    const before = this.place.field;
    this.place.field = field;
    try {
      return f();
    } finally {
      this.place.field = before;
    }
  }

  text(s: string): string;
  text(s: string | undefined): string | undefined;
  text(s: string | undefined): string | undefined {
    if (s === undefined || s === null) return s;
    if (!this.hits) return redactInto(s, this.rules, this.counts);
    const found: SecretHit[] = [];
    const out = redactInto(s, this.rules, this.counts, found);
    for (const h of found) this.hits.push({ ...this.place, field: this.fieldPrefix + this.place.field, kind: h.kind, value: h.value });
    return out;
  }

  /**
   * Lines that make one value (a diff side, `structuredPatch[].lines`): scanned joined, masked where
   * a secret touches them (lines.ts). Returns undefined when nothing was hidden.
   */
  lines(lines: readonly string[]): string[] | undefined {
    if (lines.every((l) => l === "" || l[0] === "+" || l[0] === "-" || l[0] === " " || l[0] === "\\")) return this.patchLines(lines);
    const cuts = this.cuts(lines);
    return cuts && lines.map((l, i) => applyCuts(l, cuts[i]));
  }

  /**
   * Unified-diff lines (`structuredPatch[].lines`: ` ` context, `-` removed, `+` added): like an
   * edit's hunks, the old and the new side are each scanned whole without the op prefix.
   */
  private patchLines(lines: readonly string[]): string[] | undefined {
    const ops = lines.map((l) => (l[0] === "+" ? "+" : l[0] === "-" ? "-" : l[0] === " " ? " " : "\\"));
    const bodies = lines.map((l) => l.slice(1));
    const cuts = this.sideCuts(ops, bodies);
    if (!cuts) return undefined;
    return lines.map((l, i) => (cuts[i].length ? l[0] + applyCuts(bodies[i], cuts[i]) : l));
  }

  /** Cuts for diff lines by side: old = context + removed, new = context + added; undefined when none. */
  private sideCuts(ops: readonly string[], bodies: readonly string[]): LineCut[][] | undefined {
    const all: LineCut[][] = bodies.map(() => []);
    let any = false;
    for (const side of ["-", "+"] as const) {
      const idx: number[] = [];
      // context (and `\\ No newline` marks) belong to both sides
      for (let i = 0; i < ops.length; i++) if (ops[i] === " " || ops[i] === "\\" || ops[i] === side) idx.push(i);
      const cuts = this.cuts(idx.map((i) => bodies[i]));
      if (!cuts) continue;
      any = true;
      idx.forEach((i, k) => all[i].push(...cuts[k]));
    }
    return any ? all : undefined;
  }

  /** The cuts a whole value cut into lines needs (lines.ts), counted; undefined when none. */
  private cuts(lines: readonly string[]): LineCut[][] | undefined {
    const joined = lines.join("\n");
    if (joined.length === 0) return undefined;
    const spans = secretSpans(joined, this.rules);
    if (spans.length === 0) return undefined;
    // one count per distinct hidden region (rules can overlap on one value)
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    let reach = -1;
    for (const sp of sorted) {
      if (sp.start >= reach) this.count(sp.kind, sp.value);
      reach = Math.max(reach, sp.end);
    }
    return lineCuts(lines, spans);
  }

  /** Every string of a value replaced by the marker (a key file's content), keys kept. */
  private hideAll(v: unknown, kind: string): unknown {
    if (typeof v === "string") {
      if (v.length === 0) return v;
      this.count(kind, v);
      return marker(kind);
    }
    if (Array.isArray(v)) return v.map((x) => this.hideAll(x, kind));
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = KEY_FILE_KEPT.has(k) ? x : this.hideAll(x, kind);
      return out;
    }
    return v;
  }

  /**
   * A string that holds JSON (Codex `arguments` and `output`): parsed, redacted as data, and
   * written back, so its escaped newlines do not hide line-anchored shapes and `\n` before a token
   * does not read as a letter. Undefined when the string is not JSON.
   */
  jsonString(val: string): string | undefined {
    const c = val.charCodeAt(0);
    if ((c !== 123 && c !== 91) || val.length < 2) return undefined; // { or [
    const last = val.charCodeAt(val.length - 1);
    if (last !== 125 && last !== 93) return undefined;
    // JSON escaping keeps the letters every pre-check keys on: no hit, nothing to hide in it
    if (!this.custom && !DEFAULT_PRECHECK.test(val) && !KEY_FILE_HINT.test(val)) return val;
    let parsed: unknown;
    try {
      parsed = JSON.parse(val);
    } catch {
      return undefined;
    }
    if (parsed === null || typeof parsed !== "object") return undefined;
    const before = totalCount(this.counts);
    const out = this.deep(parsed);
    return totalCount(this.counts) === before ? val : JSON.stringify(out);
  }

  /** Every string in a JSON-like value; keys kept; base64 image payloads kept. Returns a copy. */
  deep(v: unknown): unknown {
    if (typeof v === "string") return this.jsonString(v) ?? this.text(v);
    if (Array.isArray(v)) {
      // An array of strings is one value cut into lines (structuredPatch[].lines): scan it whole.
      if (v.length > 1 && v.every((x) => typeof x === "string")) {
        const masked = this.lines(v as string[]);
        return masked ?? [...v];
      }
      return v.map((x) => this.deep(x));
    }
    if (v !== null && typeof v === "object") {
      const obj = v as Record<string, unknown>;
      if (isKeyFileObject(obj)) return this.hideAll(obj, "private-key");
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
    const nested = this.jsonString(val);
    if (nested !== undefined) return nested;
    const out = this.text(val);
    if (out === val && isSecretAssignmentValue(key, val) && this.rules.some((r) => r.kind === "secret-assignment")) {
      if (this.keep.some((k) => k.test(val))) return out; // --keep
      this.count("secret-assignment", val);
      return marker("secret-assignment");
    }
    return out;
  }

  image(b: ImageBlock): ImageBlock {
    // `data` is base64 and kept byte for byte; only a URL can carry a secret (a signed query).
    return clean({ ...b, url: b.url !== undefined && !DATA_URL.test(b.url.slice(0, 200)) ? this.text(b.url) : b.url });
  }

  /**
   * A file edit's hunks, as two whole values: the old side (context and removed lines) and the new
   * side (context and added lines), each scanned joined across hunks; a line a secret touches is
   * masked on the side it belongs to. A key file's lines are all hidden.
   */
  edit(e: FileEdit): FileEdit {
    const keyFile = isKeyFilePath(e.path) || isKeyFilePath(e.movePath);
    const lines = e.hunks.flatMap((h) => h.lines);
    const masked = lines.map((l) => l.text);
    if (keyFile) {
      for (let i = 0; i < lines.length; i++) {
        if (lines[i].text.length === 0) continue;
        masked[i] = marker("private-key");
      }
      if (lines.some((l) => l.text.length > 0)) this.count("private-key", lines.map((l) => l.text).join("\n"));
    } else {
      // Context lines belong to both sides; their cuts from both are merged, then applied once.
      const all = this.sideCuts(
        lines.map((l) => l.op),
        lines.map((l) => l.text),
      );
      if (all) for (let i = 0; i < lines.length; i++) if (all[i].length) masked[i] = applyCuts(lines[i].text, all[i]);
    }
    let n = 0;
    const hunks = e.hunks.map((h) => ({ ...h, lines: h.lines.map((l) => ({ op: l.op, text: masked[n++] })) }));
    return clean({ ...e, path: this.text(e.path), movePath: this.text(e.movePath), hunks });
  }

  result(r: ToolResult): ToolResult {
    return clean({
      ...r,
      text: this.at("tool result", () => this.text(r.text)),
      images: r.images.map((i) => this.image(i)),
      meta: r.meta === undefined ? undefined : this.at("tool result", () => this.deep(r.meta)),
    });
  }

  block(b: Block): Block {
    switch (b.kind) {
      case "prompt":
      case "text":
      case "thinking":
        return this.at(b.kind === "text" ? "assistant text" : b.kind, () => ({ ...b, text: this.text(b.text) }));
      case "command":
        return this.at("command", () => clean({ ...b, name: this.text(b.name), args: this.text(b.args), output: this.text(b.output) }));
      case "notice":
        return this.at("notice", () => ({ ...b, text: this.text(b.text) }));
      case "image":
        return this.at("image", () => this.image(b));
      case "compaction":
        return this.at("compaction summary", () => clean({ ...b, summary: this.text(b.summary) }));
      case "unknown":
        return this.at("record", () => ({ ...b, raw: this.deep(b.raw) }));
      case "tool":
        return clean({
          ...b,
          input: this.at("tool input", () => this.deep(b.input)),
          result: b.result && this.result(b.result),
          edits: b.edits && this.at("diff", () => b.edits!.map((e) => this.edit(e))),
          subAgent: b.subAgent && this.subAgent(b.subAgent),
        });
      default: {
        // A block kind added to the model later: redact every string in it but its kind and id.
        const other = b as { kind: string; id: string };
        return this.at(other.kind, () => ({ ...(this.deep(other) as object), kind: other.kind, id: other.id }) as unknown as Block);
      }
    }
  }

  /** A sub-agent's transcript: its hits are placed at the calling block, their field says where inside. */
  private subAgent(s: Session): Session {
    const outer = { ...this.place };
    const prefix = this.fieldPrefix;
    try {
      return this.session(s, `${prefix}sub-agent: ${s.title || s.agentId || "agent"} `);
    } finally {
      this.place = outer;
      this.fieldPrefix = prefix;
    }
  }

  turn(t: Turn, nested: boolean): Turn {
    return {
      ...t,
      blocks: t.blocks.map((b, i) => {
        if (!nested) this.place = { turn: t.index + 1, block: i + 1, field: "" };
        return this.block(b);
      }),
    };
  }

  /**
   * The title is redacted whole, before it is cut: from `titleSource` (the uncut text the parser
   * took it from) when there is one, so a secret the cut would split is found whole.
   */
  private title(s: Session): { title: string; titleSource?: string } {
    if (s.titleSource === undefined) return { title: this.text(s.title) };
    const full = this.text(s.titleSource);
    return { title: full === s.titleSource ? this.text(s.title) : cutTitle(full), titleSource: full };
  }

  session(s: Session, fieldPrefix?: string): Session {
    const nested = fieldPrefix !== undefined;
    if (nested) this.fieldPrefix = fieldPrefix;
    return this.assemble(s, s.turns.map((t) => this.turn(t, nested)), nested);
  }

  /** The session-level fields of `s` with `turns` already redacted. */
  assemble(s: Session, turns: Turn[], nested: boolean): Session {
    if (!nested) this.place = { turn: 0, block: 0, field: "" };
    const head = this.at("title", () => this.title(s));
    const meta = this.at("session", () => ({ project: this.text(s.project), gitBranch: this.text(s.gitBranch), version: this.text(s.version) }));
    return clean({
      ...s,
      ...head,
      ...meta,
      models: [...s.models],
      usage: structuredClone(s.usage),
      turns,
      stats: { ...s.stats, malformed: s.stats.malformed.map((m) => ({ line: m.line, error: this.at("parse error", () => this.text(m.error)) })) },
    });
  }
}

/**
 * Every value the pass would hide in `session`, with where it sits (for previews: preview.ts), and
 * the counts. The same walk as `redactSession`, so the list and what is served always agree.
 */
export function collectRedactions(session: Session, opts: RedactOptions = {}): { hits: PlacedHit[]; counts: RedactionCounts } {
  const w = new Walker(buildRules(opts), opts.keep);
  w.hits = [];
  w.session(session);
  return { hits: w.hits, counts: w.counts };
}

/**
 * Replace secrets in every string of a session a viewer can serve. Returns a new Session (the
 * input is untouched), the counts by kind (sub-agents included) and their total.
 */
export function redactSession(session: Session, opts: RedactOptions = {}): RedactSessionResult {
  const w = new Walker(buildRules(opts), opts.keep);
  const out = w.session(session);
  return { session: out, counts: w.counts, total: totalCount(w.counts) };
}

/** How long the async pass works before it lets the event loop run (ms). */
const SLICE_MS = 12;

/**
 * `redactSession` in slices: it hands the event loop back every ~12 ms of work (between blocks),
 * so a server running many shares keeps answering while a big session is redacted. Same result.
 */
export async function redactSessionAsync(session: Session, opts: RedactOptions = {}, yieldNow: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<RedactSessionResult> {
  const w = new Walker(buildRules(opts), opts.keep);
  const turns: Turn[] = [];
  let since = performance.now();
  for (const t of session.turns) {
    const blocks: Block[] = [];
    for (let i = 0; i < t.blocks.length; i++) {
      w.place = { turn: t.index + 1, block: i + 1, field: "" };
      blocks.push(w.block(t.blocks[i]));
      if (performance.now() - since > SLICE_MS) {
        await yieldNow();
        since = performance.now();
      }
    }
    turns.push({ ...t, blocks });
  }
  const out = w.assemble(session, turns, false);
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
  if (!custom && !DEFAULT_PRECHECK.test(line) && !KEY_FILE_HINT.test(line)) return { line, counts: {} };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    const r = redactText(line, rules);
    return { line: r.text, counts: r.counts };
  }
  const w = new Walker(rules, opts.keep);
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
