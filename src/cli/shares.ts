/** `panko shares`: every share the daemon knows, with its URL, status, age, expiry and views. */
import { connectDaemon } from "../daemon/client.ts";
import { terminalSafe } from "../terminal-text.ts";
import type { ShareInfo } from "../daemon/protocol.ts";
import { defineCommand } from "./command.ts";
import { formatAgo, formatElapsed, truncate } from "./format.ts";
import type { Io } from "./io.ts";

const LIVE = new Set(["starting", "active", "restarting"]);

/**
 * The shortest prefix of each id (8 characters at least) that no other id starts with. A uuid v7
 * starts with its time, so shares made within a minute share their first 8 characters.
 */
export function shortIds(ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    let n = 8;
    while (n < id.length && ids.some((o) => o !== id && o.startsWith(id.slice(0, n)))) n++;
    if (id[n - 1] === "-") n++;
    out.set(id, id.slice(0, n));
  }
  return out;
}

export function expiryLabel(expiresAt: string | null, now = Date.now()): string {
  if (!expiresAt) return "never";
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? "now" : `in ${formatElapsed(left)}`;
}

export function sharesTable(shares: ShareInfo[], io: Io, now = Date.now()): string {
  const c = io.colors;
  if (shares.length === 0) return "No shares. Start one with `panko share SESSION`.\n";
  const short = shortIds(shares.map((s) => s.id));
  const rows = shares.map((s) => [
    short.get(s.id)!,
    s.status,
    s.provider,
    String(s.views),
    formatAgo(s.startedAt, now) || "?",
    LIVE.has(s.status) ? expiryLabel(s.expiresAt, now) : "-",
    terminalSafe(s.sessionName),
    s.publicUrl ?? "",
  ]);
  const head = ["ID", "STATUS", "TUNNEL", "VIEWS", "STARTED", "EXPIRES", "SESSION", "URL"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 6 ? Math.min(40, r[i]!.length) : r[i]!.length))));
  const line = (cells: string[]) => cells.map((x, i) => (i === cells.length - 1 ? x : truncate(x, widths[i]!).padEnd(widths[i]!))).join("  ");
  const out = [c.bold(line(head))];
  shares.forEach((s, k) => {
    const text = line(rows[k]!);
    out.push(LIVE.has(s.status) ? text : c.dim(text));
    if (s.lastError && s.status !== "stopped") out.push(c.dim(`          ${s.status === "error" ? "error" : "last error"}: ${terminalSafe(s.lastError)}`));
    for (const note of LIVE.has(s.status) ? s.notes : []) out.push(c.dim(`          note: ${terminalSafe(note)}`));
  });
  return out.join("\n") + "\n";
}

export default defineCommand({
  name: "shares",
  summary: "List the shares the daemon runs (and recently ended ones)",
  usage: "panko shares [--json]",
  options: {
    json: { type: "boolean", description: "Print the shares as a JSON array" },
  },
  examples: ["panko shares", "panko shares --json"],
  async run({ values, io }) {
    const client = await connectDaemon({ env: io.env });
    let shares: ShareInfo[];
    try {
      shares = await client.listShares();
    } finally {
      client.close();
    }
    if (values.json) io.out(JSON.stringify(shares) + "\n");
    else io.out(sharesTable(shares, io));
  },
});
