/**
 * The walk over a session (and over raw JSON records): which strings are scanned and how. Every
 * string a viewer can serve goes through the rules; a file edit's old and new side, and every
 * array of lines, are scanned as whole values (lines.ts); JSON held in a string is scanned as
 * data; a key file's content is hidden whole (key-files.ts); the title is redacted from its uncut
 * source, then cut. Optionally records where each hidden value sat (preview.ts).
 *
 * Not scanned, on purpose: base64 image payloads (`ImageBlock.data`, and in raw records the `data`
 * of a `{type:"base64", media_type, data}` source or a `data:<mime>;base64,...` URL). Scanning
 * megabytes of random base64 is slow and only finds false positives; they survive byte for byte.
 * Structural fields are kept too (ids, kinds, tool names, timestamps, model ids, the session's
 * file path, which later stages use to read the file).
 */
import type { Block, FileEdit, ImageBlock, Session, ToolResult, Turn } from "../sessions/model.ts";
import { cutTitle } from "../sessions/title.ts";
import { hasCustom, redactInto, secretSpans, totalCount, type RedactionCounts, type SecretHit } from "./engine.ts";
import { KEY_FILE_HINT, isKeyFilePath } from "./key-files.ts";
import { applyCuts, lineCuts, type LineCut, type Span } from "./lines.ts";
import { DEFAULT_PRECHECK, isSecretAssignmentValue, marker, type SecretRule } from "./rules.ts";

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

// ---------------------------------------------------------------------------------------------
// deep values (tool input, tool result meta, unknown raw records)

/** `data:image/png;base64,...` */
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+(?:;[\w=.+-]+)*;base64,/;

/** Is `obj[key]` a base64 image payload (left alone)? */
function isBase64Payload(obj: Record<string, unknown>, key: string, value: string): boolean {
  if (value.startsWith("data:") && DATA_URL.test(value.slice(0, 200))) return true;
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

/**
 * `o` with `fields` set, or `o` itself (never modified) when every field already holds that value:
 * a pass shares what it did not change with its input, which keeps its copy small.
 */
function changed<T extends object>(o: T, fields: Partial<T>): T {
  for (const k in fields) if (fields[k] !== o[k]) return clean({ ...o, ...fields });
  return o;
}

/** `next` (a map of `items`), or `items` itself when every item came back unchanged. */
function sameItems<T>(items: readonly T[], next: T[]): T[] {
  for (let i = 0; i < next.length; i++) if (next[i] !== items[i]) return next;
  return items as T[];
}

/** Keys of a raw record or tool input that say where, not what: kept when a key file's content is hidden. */
const KEY_FILE_KEPT = new Set(["file_path", "filePath", "path", "type", "id", "tool_use_id", "name", "uuid", "parentUuid", "timestamp", "sessionId", "cwd", "kind"]);

function isKeyFileObject(obj: Record<string, unknown>): boolean {
  return isKeyFilePath(obj.file_path as string) || isKeyFilePath(obj.filePath as string) || isKeyFilePath(obj.path as string);
}

/** Shorter texts are scanned each time: a look-up would cost about what their scan does. */
const MEMO_MIN_LENGTH = 32;
const NO_SPANS: Span[] = [];
/** How much joined text (made for the scan, not held by the session) `seenSpans` may keep alive. */
const SEEN_SPANS_MAX_CHARS = 8 * 1024 * 1024;

export class Walker {
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

  /**
   * What the rules made of a text already seen in this pass (the same file read twice, a tool's
   * input repeated in its result's meta): the output, or the output and its hits. The rules are
   * pure, so a repeat gets the same answer and is counted and placed again, without a scan.
   */
  private readonly seen = new Map<string, string | { out: string; hits: SecretHit[] }>();
  /** The secret spans of whole values already seen in this pass (see `cuts`). */
  private readonly seenSpans = new Map<string, Span[]>();
  private seenSpansChars = 0;

  text(s: string): string;
  text(s: string | undefined): string | undefined;
  text(s: string | undefined): string | undefined {
    if (s === undefined || s === null) return s;
    if (s.length < MEMO_MIN_LENGTH) {
      if (!this.hits) return redactInto(s, this.rules, this.counts);
      const found: SecretHit[] = [];
      const out = redactInto(s, this.rules, this.counts, found);
      for (const h of found) this.hits.push({ ...this.place, field: this.fieldPrefix + this.place.field, kind: h.kind, value: h.value });
      return out;
    }
    let known = this.seen.get(s);
    if (known === undefined) {
      const found: SecretHit[] = [];
      const out = redactInto(s, this.rules, {}, found);
      known = found.length === 0 ? out : { out, hits: found };
      this.seen.set(s, known);
    }
    if (typeof known === "string") return known;
    for (const h of known.hits) this.count(h.kind, h.value);
    return known.out;
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
    let spans = this.seenSpans.get(joined);
    if (spans === undefined) {
      spans = secretSpans(joined, this.rules);
      // the joined text is a new string: keep no more than a bounded amount of them for the pass
      if (this.seenSpansChars + joined.length <= SEEN_SPANS_MAX_CHARS) {
        this.seenSpansChars += joined.length;
        this.seenSpans.set(joined, spans.length === 0 ? NO_SPANS : spans);
      }
    }
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

  /**
   * Every string in a JSON-like value; keys kept; base64 image payloads kept. Returns a copy where
   * something was hidden, and the value itself (never modified) where nothing was.
   */
  deep(v: unknown): unknown {
    if (typeof v === "string") return this.jsonString(v) ?? this.text(v);
    if (Array.isArray(v)) {
      // An array of strings is one value cut into lines (structuredPatch[].lines): scan it whole.
      if (v.length > 1 && v.every((x) => typeof x === "string")) return this.lines(v as string[]) ?? v;
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const x = this.deep(v[i]);
        if (out === undefined && x !== v[i]) out = v.slice(0, i);
        out?.push(x);
      }
      return out ?? v;
    }
    if (v !== null && typeof v === "object") {
      const obj = v as Record<string, unknown>;
      if (isKeyFileObject(obj)) return this.hideAll(obj, "private-key");
      const keys = Object.keys(obj);
      let out: Record<string, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const val = obj[key];
        let x: unknown;
        if (typeof val !== "string") x = this.deep(val);
        else if (isBase64Payload(obj, key, val)) x = val;
        else x = this.keyed(key, val);
        if (out === undefined && x !== val) {
          out = {};
          for (let j = 0; j < i; j++) out[keys[j]] = obj[keys[j]];
        }
        if (out !== undefined) out[key] = x;
      }
      return out ?? obj;
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
    return changed(b, { url: b.url !== undefined && !DATA_URL.test(b.url.slice(0, 200)) ? this.text(b.url) : b.url });
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
    const same = masked.every((m, i) => m === lines[i].text);
    const hunks = same ? e.hunks : e.hunks.map((h) => ({ ...h, lines: h.lines.map((l) => ({ op: l.op, text: masked[n++] })) }));
    return changed(e, { path: this.text(e.path), movePath: this.text(e.movePath), hunks });
  }

  result(r: ToolResult): ToolResult {
    return changed(r, {
      text: this.at("tool result", () => this.text(r.text)),
      images: sameItems(r.images, r.images.map((i) => this.image(i))),
      meta: r.meta === undefined ? undefined : this.at("tool result", () => this.deep(r.meta)),
    });
  }

  block(b: Block): Block {
    switch (b.kind) {
      case "prompt":
        // The IDE context kept beside a Codex prompt is shown too: hidden like the prompt.
        return this.at("prompt", () => changed(b, { text: this.text(b.text), context: this.text(b.context) }));
      case "text":
      case "thinking":
        return this.at(b.kind === "text" ? "assistant text" : b.kind, () => changed(b, { text: this.text(b.text) }));
      case "command":
        return this.at("command", () => changed(b, { name: this.text(b.name), args: this.text(b.args), output: this.text(b.output) }));
      case "notice":
        return this.at("notice", () => changed(b, { text: this.text(b.text) }));
      case "image":
        return this.at("image", () => this.image(b));
      case "compaction":
        return this.at("compaction summary", () => changed(b, { summary: this.text(b.summary) }));
      case "unknown":
        return this.at("record", () => changed(b, { raw: this.deep(b.raw) }));
      case "tool":
        return changed(b, {
          input: this.at("tool input", () => this.deep(b.input)),
          result: b.result && this.result(b.result),
          edits: b.edits && this.at("diff", () => sameItems(b.edits!, b.edits!.map((e) => this.edit(e)))),
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
    return this.turnOf(
      t,
      t.blocks.map((b, i) => {
        if (!nested) this.place = { turn: t.index + 1, block: i + 1, field: "" };
        return this.block(b);
      }),
    );
  }

  /** `t` with its blocks redacted: `t` itself when none changed. */
  turnOf(t: Turn, blocks: Block[]): Turn {
    return changed(t, { blocks: sameItems(t.blocks, blocks) });
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
    const meta = this.at("session", () => ({
      project: this.text(s.project),
      gitBranch: this.text(s.gitBranch),
      version: this.text(s.version),
      pullRequest: s.pullRequest && { number: s.pullRequest.number, url: this.text(s.pullRequest.url), repository: this.text(s.pullRequest.repository) },
    }));
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
