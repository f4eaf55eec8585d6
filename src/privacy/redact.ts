/**
 * The privacy pass: replaces secrets with `[REDACTED:<kind>]` markers in a whole Session (every
 * string a viewer can serve: walker.ts) and in raw JSONL lines (a share's download). Pure
 * functions: data in, data out; the input is never modified. The rule engine (engine.ts), the
 * rules (rules.ts, token-rules.ts, credential-rules.ts), user patterns (user-patterns.ts) and the
 * summary line (summary.ts) are re-exported here for callers that need one import.
 */
import type { Block, Session, Turn } from "../sessions/model.ts";
import { buildRules, hasCustom, mergeCounts, redactText, totalCount, type RedactOptions, type RedactTextResult, type RedactionCounts } from "./engine.ts";
import { KEY_FILE_HINT } from "./key-files.ts";
import { DEFAULT_PRECHECK } from "./rules.ts";
import { Walker, type PlacedHit } from "./walker.ts";

export * from "./engine.ts";
export { formatRedactionSummary } from "./summary.ts";
export { parseExtraPattern } from "./user-patterns.ts";
export type { HitPlace, PlacedHit } from "./walker.ts";

export interface RedactSessionResult {
  /** A new Session; the input is untouched (parts with nothing hidden are shared with it, not copied). */
  session: Session;
  counts: RedactionCounts;
  total: number;
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

/** Lets the event loop run (default: setImmediate); tests pass their own. */
export type YieldNow = () => Promise<void>;

const nextTick: YieldNow = () => new Promise((r) => setImmediate(r));

/** The walk of `w` over `session`, handing the event loop back every ~12 ms of work (between blocks). */
async function walkSliced(w: Walker, session: Session, yieldNow: YieldNow): Promise<Session> {
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
    turns.push(w.turnOf(t, blocks));
  }
  return w.assemble(session, turns, false);
}

/**
 * `redactSession` in slices: it hands the event loop back every ~12 ms of work (between blocks),
 * so a server running many shares keeps answering while a big session is redacted. Same result.
 */
export async function redactSessionAsync(session: Session, opts: RedactOptions = {}, yieldNow: YieldNow = nextTick): Promise<RedactSessionResult> {
  const w = new Walker(buildRules(opts), opts.keep);
  const out = await walkSliced(w, session, yieldNow);
  return { session: out, counts: w.counts, total: totalCount(w.counts) };
}

/** `collectRedactions` in slices, for a process that serves others meanwhile (the daemon). */
export async function collectRedactionsAsync(session: Session, opts: RedactOptions = {}, yieldNow: YieldNow = nextTick): Promise<{ hits: PlacedHit[]; counts: RedactionCounts }> {
  const w = new Walker(buildRules(opts), opts.keep);
  w.hits = [];
  await walkSliced(w, session, yieldNow);
  return { hits: w.hits, counts: w.counts };
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
