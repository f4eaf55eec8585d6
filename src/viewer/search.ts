/**
 * Find on the server: which turns of a session hold a text, searched in the session model (every
 * string a turn shows: prompts, answers, thinking, tool inputs and results, diffs, sub-agent
 * transcripts), so a page finds text in parts it has not fetched yet. Case-insensitive, plain text.
 */
import type { Block, Session, Turn } from "../sessions/model.ts";

/** At most this many turns are answered (the page then finds within them). */
export const SEARCH_MAX_TURNS = 500;

/** Indexes of the turns that contain `query` (lower-cased compare), in order, at most `max`. */
export function searchTurns(session: Session, query: string, max = SEARCH_MAX_TURNS): { turns: number[]; capped: boolean } {
  const needle = query.toLowerCase();
  const turns: number[] = [];
  if (!needle) return { turns, capped: false };
  for (const t of session.turns) {
    if (turnHas(t, needle)) {
      turns.push(t.index);
      if (turns.length >= max) return { turns, capped: true };
    }
  }
  return { turns, capped: false };
}

const has = (s: string | undefined, needle: string): boolean => s !== undefined && s.length >= needle.length && s.toLowerCase().includes(needle);

function turnHas(turn: Turn, needle: string): boolean {
  for (const b of turn.blocks) if (blockHas(b, needle)) return true;
  return false;
}

function valueHas(v: unknown, needle: string, depth = 0): boolean {
  if (typeof v === "string") return has(v, needle);
  if (typeof v === "number" || typeof v === "boolean") return has(String(v), needle);
  if (depth > 20 || v === null || typeof v !== "object") return false;
  if (Array.isArray(v)) return v.some((x) => valueHas(x, needle, depth + 1));
  for (const [k, x] of Object.entries(v)) if (has(k, needle) || valueHas(x, needle, depth + 1)) return true;
  return false;
}

function blockHas(b: Block, needle: string): boolean {
  switch (b.kind) {
    case "prompt":
    case "text":
    case "thinking":
      return has(b.text, needle);
    case "notice":
      return has(b.text, needle) || has(b.subtype, needle);
    case "command":
      return has(b.name, needle) || has(b.args, needle) || has(b.output, needle);
    case "compaction":
      return has(b.summary, needle);
    case "image":
      return false;
    case "unknown":
      return has(b.recordType, needle) || valueHas(b.raw, needle);
    case "tool": {
      // The call's id too: a permalink to a tool call inside a part not fetched yet is found by it.
      if (has(b.name, needle) || has(b.toolUseId, needle) || valueHas(b.input, needle) || has(b.result?.text, needle)) return true;
      for (const e of b.edits ?? []) {
        if (has(e.path, needle)) return true;
        for (const h of e.hunks) for (const l of h.lines) if (has(l.text, needle)) return true;
      }
      return b.subAgent ? b.subAgent.turns.some((t) => turnHas(t, needle)) : false;
    }
  }
}
