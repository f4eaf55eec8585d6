/**
 * Session text on the terminal: every title, prompt, project and path the flow prints goes through
 * `safe` (control characters and escape sequences removed, so a session cannot retitle the window
 * or write the clipboard), and is cut to fit a line.
 */
import { formatAgo, formatBytes, formatElapsed, truncate } from "../cli/format.ts";
import { tildePath } from "../cli/list.ts";

export { formatAgo, formatBytes, formatElapsed, tildePath, truncate };

// ESC-introduced sequences: CSI (ESC [ ... final), OSC / DCS / SOS / PM / APC (up to BEL or ST), or
// one character; C1 controls; C0 controls but tab and newline (those are made spaces by `line`).
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|[\s\S])?|\x9b[0-?]*[ -/]*[@-~]?|[\x9d\x90\x98\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text without control characters or escape sequences (newlines and tabs kept). */
export function safe(text: string): string {
  return text.replace(ESCAPES, "").replace(CONTROLS, "");
}

/** Safe text on one line (line breaks and tabs become spaces, runs of spaces one). */
export function line(text: string): string {
  return safe(text).replace(/\s+/g, " ").trim();
}

/** "1 message", "3 messages"; "1 reply", "2 replies" with the plural form given. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
