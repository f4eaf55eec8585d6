/** The one-line summary of what a pass hid, as `share` and `export` print it. */
import type { RedactionCounts } from "./engine.ts";

/** "hid 3 secrets: 2 github-token, 1 aws-access-key", or "no secrets found". */
export function formatRedactionSummary(counts: RedactionCounts): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return "no secrets found";
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return `hid ${total} secret${total === 1 ? "" : "s"}: ${entries.map(([k, n]) => `${n} ${k}`).join(", ")}`;
}
