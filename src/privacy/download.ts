/**
 * A share's download, one raw record at a time: offered only with `--allow-download` (the page
 * shows less than the records hold: IDE selections and opened files, system reminders, CLAUDE.md /
 * AGENTS.md contents and Codex instructions sit in the records and stay in the download, which the
 * share says when it starts). What the download never holds: a secret (every string redacted,
 * arrays of lines as one value, see redact.ts) and `toolUseResult.originalFile`, the whole file
 * before each edit, which no page shows.
 */
import { redactLine, type RedactOptions } from "./redact.ts";

/** Record fields dropped from a download: whole files the page never shows. */
const DROPPED = ["originalFile"] as const;

function dropHidden(line: string): string {
  if (!line.includes('"originalFile"')) return line;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return line;
  }
  const result = (rec as { toolUseResult?: unknown })?.toolUseResult;
  if (!result || typeof result !== "object") return line;
  let dropped = false;
  for (const key of DROPPED) {
    if (key in (result as object)) {
      delete (result as Record<string, unknown>)[key];
      dropped = true;
    }
  }
  return dropped ? JSON.stringify(rec) : line;
}

/** One JSONL line as a share's download serves it. */
export function downloadLine(line: string, opts: RedactOptions = {}): string {
  return redactLine(dropHidden(line), opts).line;
}
