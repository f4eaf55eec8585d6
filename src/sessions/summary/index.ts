/**
 * Summaries of session files: one entry point over the Claude Code and Codex readers.
 * See claude.ts / codex.ts for how each reads a file cheaply and what it counts.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import type { SessionSummary, Source } from "../model.ts";
import { summarizeClaude } from "./claude.ts";
import { summarizeCodex } from "./codex.ts";
import type { FileStat, SummaryOptions } from "./common.ts";

export { summarizeClaude } from "./claude.ts";
export { summarizeCodex } from "./codex.ts";
export { EXACT_MAX_BYTES, UNTITLED, type FileStat, type SummaryOptions } from "./common.ts";

/**
 * Builds the summary of a session file, or null when it holds no session. `source` is sniffed from
 * the first line when not given; `stat` is taken when not given. Throws on I/O errors.
 */
export function summarizeFile(path: string, source?: Source, stat?: FileStat, opts: SummaryOptions = {}): SessionSummary | null {
  const st = stat ?? statSync(path);
  const src = source ?? sniffSource(path);
  if (!src) return null;
  const fileStat = { size: st.size, mtimeMs: st.mtimeMs };
  return src === "codex" ? summarizeCodex(path, fileStat, opts) : summarizeClaude(path, fileStat, opts);
}

/** Which agent wrote a JSONL file, from its first 4 KB; undefined when it does not look like either. */
export function sniffSource(path: string): Source | undefined {
  const fd = openSync(path, "r");
  let head: string;
  try {
    const buf = Buffer.allocUnsafe(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    head = buf.toString("utf8", 0, n);
  } finally {
    closeSync(fd);
  }
  if (!head.trimStart().startsWith("{")) return undefined;
  if (/^\s*\{"timestamp":"[^"]*","type":"[a-z_]+","payload":/.test(head) || head.includes('"type":"session_meta"')) return "codex";
  if (/"(sessionId|parentUuid|leafUuid|isSidechain)":/.test(head) || /"type":"(user|assistant|summary|queue-operation|file-history-snapshot|session-id|custom-title|ai-title)"/.test(head)) {
    return "claude";
  }
  if (/^\s*\{"id":"[^"]*","timestamp":"/.test(head)) return "codex"; // old rollout meta line
  return undefined;
}
