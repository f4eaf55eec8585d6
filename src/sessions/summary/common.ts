/** What the summary readers share: options, the title fallback, head/tail timestamps. */
import { closeSync, openSync, readSync } from "node:fs";

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface SummaryOptions {
  /**
   * Files up to this size are read exactly (every line under GIANT_LINE JSON-parsed); larger ones
   * are scanned at the byte level. See the headers of claude.ts / codex.ts.
   */
  exactMaxBytes?: number;
}

/** Default switch from exact reading to the byte-level scan (tuned with scripts/bench/list.ts). */
export const EXACT_MAX_BYTES = 2 * 1024 * 1024;

/** How much of the first prompt a summary keeps (for the interactive picker's filter and preview). */
export const FIRST_PROMPT_MAX = 1000;

/** The start of a first prompt as a summary keeps it. */
export function firstPromptOf(text: string | undefined): { firstPrompt?: string } {
  const t = text?.trim();
  return t ? { firstPrompt: t.length > FIRST_PROMPT_MAX ? t.slice(0, FIRST_PROMPT_MAX) + "…" : t } : {};
}

/** Title of a session with no title record and no real prompt (the one name used everywhere). */
export { UNTITLED } from "../title.ts";

/** How much of the head and of the tail is read for timestamps. */
export const WINDOW = 64 * 1024;

const TS = /"timestamp":"([^"\\]{10,40})"/g;

/**
 * Earliest timestamp in the head and latest in the tail of a file (64 KB each), as written by the
 * agent; only unescaped `"timestamp":"…"` keys match, never text inside a string.
 */
export function headTailTimestamps(path: string, size: number): { createdAt?: string; updatedAt?: string } {
  const fd = openSync(path, "r");
  try {
    const head = readWindow(fd, 0, Math.min(size, WINDOW));
    const tailStart = Math.max(0, size - WINDOW);
    const tail = tailStart === 0 ? head : readWindow(fd, tailStart, size - tailStart);
    let createdAt: string | undefined;
    for (const m of head.matchAll(TS)) if (createdAt === undefined || m[1] < createdAt) createdAt = m[1];
    let updatedAt: string | undefined;
    for (const m of tail.matchAll(TS)) if (updatedAt === undefined || m[1] > updatedAt) updatedAt = m[1];
    return { createdAt, updatedAt };
  } finally {
    closeSync(fd);
  }
}

function readWindow(fd: number, position: number, length: number): string {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.toString("latin1", 0, got);
}

export function normalizeTs(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString();
}
