/**
 * Session text on the terminal: every title, prompt, project and path the flow prints goes through
 * `safe` or `line` (privacy's terminalSafe: control characters and escape sequences removed, so a
 * session cannot retitle the window or write the clipboard), and is cut to fit a line.
 */
import { formatAgo, formatBytes, formatElapsed, truncate } from "../cli/format.ts";
import { tildePath } from "../cli/list.ts";
import { plural } from "../plural.ts";
import { terminalSafe } from "../terminal-text.ts";

export { formatAgo, formatBytes, formatElapsed, plural, tildePath, truncate };

/** Text without control characters or escape sequences (line breaks kept). */
export function safe(text: string): string {
  return terminalSafe(text, { newlines: true });
}

/** Safe text on one line (line breaks and tabs become spaces, runs of spaces one). */
export function line(text: string): string {
  return terminalSafe(text).replace(/\s+/g, " ").trim();
}
