/**
 * See before you publish: every value a share or export would hide, with where it sits and a
 * masked preview (`ghp_…k3`). `panko redact` and `panko share --dry-run` print it; the
 * interactive flow shows it in its confirm step. Data, not text: format it where it is shown.
 */
import type { Session } from "../sessions/model.ts";
import { totalCount, type RedactOptions, type RedactionCounts } from "./engine.ts";
import type { PlacedHit } from "./walker.ts";
import { collectRedactions, collectRedactionsAsync, type YieldNow } from "./redact.ts";

export interface RedactionItem {
  kind: string;
  /** 1-based turn; 0 for session-level values such as the title. */
  turn: number;
  /** 1-based block within the turn; 0 when not in a block. */
  block: number;
  /** "title", "prompt", "assistant text", "thinking", "tool input", "tool result", "diff", "sub-agent: <name> <field>", ... */
  field: string;
  /** Masked: the first 4 and last 2 characters (fewer for short values), never 16 of the secret. */
  preview: string;
}

export interface RedactionReport {
  items: RedactionItem[];
  counts: RedactionCounts;
  total: number;
}

/** `ghp_…k3`: 4 + 2 characters of a long value, 2 of a shorter one, none of a short one; one line. */
export function maskPreview(value: string): string {
  const v = value.replace(/[\x00-\x1f\x7f-\x9f\s]+/g, " ").trim();
  if (v.length >= 16) return `${v.slice(0, 4)}…${v.slice(-2)}`;
  if (v.length >= 8) return `${v.slice(0, 2)}…`;
  return "…";
}

export function findRedactions(session: Session, opts: RedactOptions = {}): RedactionReport {
  return report(collectRedactions(session, opts));
}

/** `findRedactions` without holding the event loop more than ~12 ms at a time (for the daemon). */
export async function findRedactionsAsync(session: Session, opts: RedactOptions = {}, yieldNow?: YieldNow): Promise<RedactionReport> {
  return report(await collectRedactionsAsync(session, opts, yieldNow));
}

function report({ hits, counts }: { hits: PlacedHit[]; counts: RedactionCounts }): RedactionReport {
  const items = hits.map((h) => ({ kind: h.kind, turn: h.turn, block: h.block, field: h.field.trim(), preview: maskPreview(h.value) }));
  // in reading order (the walk finds them rule by rule within a value); stable within a place
  items.sort((a, b) => a.turn - b.turn || a.block - b.block);
  return { items, counts, total: totalCount(counts) };
}

/** Where an item is, for people: "title", "turn 3 · block 2 · tool input". */
export function formatPlace(item: RedactionItem): string {
  if (item.turn === 0) return item.field;
  return `turn ${item.turn} · block ${item.block} · ${item.field}`;
}
