/**
 * `panko shares`: the shares that run or need attention (active, starting, restarting, error),
 * with id, status, tunnel, views, age, expiry, session and URL; `--all` adds the ended ones
 * (stopped, expired: kept 7 days). The ID column follows daemon/share-ids.ts: the shortest
 * hyphen-free prefix that names the share among those listed, which `panko unshare` accepts.
 */
import { existsSync } from "node:fs";
import { connectDaemon, daemonStatus } from "../daemon/client.ts";
import { daemonPaths } from "../daemon/paths.ts";
import { isListedStatus, isLiveStatus, shortShareIds } from "../daemon/share-ids.ts";
import { plural } from "../plural.ts";
import { terminalSafe } from "../terminal-text.ts";
import type { ShareInfo } from "../daemon/protocol.ts";
import { defineCommand } from "./command.ts";
import { formatAgo, formatElapsed, truncate } from "./format.ts";
import type { Io } from "./io.ts";

export function expiryLabel(expiresAt: string | null, now = Date.now()): string {
  if (!expiresAt) return "never";
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? "now" : `in ${formatElapsed(left)}`;
}

/** The shares a listing shows: the live and failed ones, or every one with `all`. */
export function listedShares(shares: ShareInfo[], all = false): ShareInfo[] {
  return all ? shares : shares.filter((s) => isListedStatus(s.status));
}

/** The table of `shares` (already filtered: see listedShares); `hidden` ended shares are mentioned. */
export function sharesTable(shares: ShareInfo[], io: Io, opts: { now?: number; hidden?: number } = {}): string {
  const c = io.colors;
  const now = opts.now ?? Date.now();
  const hidden = opts.hidden ?? 0;
  const more = hidden > 0 ? `${plural(hidden, "ended share")} not shown: \`panko shares --all\` lists ${hidden === 1 ? "it" : "them"}.\n` : "";
  if (shares.length === 0) return `No shares running. Start one with \`panko share SESSION\`.\n${more}`;
  const short = shortShareIds(shares.map((s) => s.id));
  const rows = shares.map((s) => [
    short.get(s.id)!,
    s.status,
    s.provider,
    String(s.views),
    formatAgo(s.startedAt, now) || "?",
    isLiveStatus(s.status) ? expiryLabel(s.expiresAt, now) : "-",
    terminalSafe(s.sessionName),
    s.publicUrl ?? "",
  ]);
  const head = ["ID", "STATUS", "TUNNEL", "VIEWS", "STARTED", "EXPIRES", "SESSION", "URL"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 6 ? Math.min(40, r[i]!.length) : r[i]!.length))));
  const line = (cells: string[]) => cells.map((x, i) => (i === cells.length - 1 ? x : truncate(x, widths[i]!).padEnd(widths[i]!))).join("  ").trimEnd();
  const indent = " ".repeat(widths[0]! + 2);
  const out = [c.bold(line(head))];
  shares.forEach((s, k) => {
    const text = line(rows[k]!);
    out.push(isLiveStatus(s.status) ? text : c.dim(text));
    if (s.status === "error") {
      out.push(c.red(`${indent}error: ${terminalSafe(s.lastError ?? "unknown")}`));
      out.push(c.dim(`${indent}clear it with \`panko unshare ${short.get(s.id)}\`, or share the session again`));
    } else if (s.lastError && isLiveStatus(s.status)) out.push(c.dim(`${indent}last error: ${terminalSafe(s.lastError)}`));
    for (const note of isLiveStatus(s.status) ? s.notes : []) out.push(c.dim(`${indent}note: ${terminalSafe(note)}`));
  });
  return out.join("\n") + "\n" + (more ? `\n${c.dim(more.trimEnd())}\n` : "");
}

export default defineCommand({
  name: "shares",
  summary: "List the shares the daemon runs (--all: also the ended ones)",
  usage: "panko shares [--all] [--json]",
  description:
    "Lists the shares that are active, starting, restarting, or in error (a tunnel that failed too often:\n" +
    "the reason is shown). --all also lists the stopped and expired ones of the last 7 days. The ID\n" +
    "column is the shortest prefix of the share's id (without hyphens) that names it: give it to\n" +
    "`panko unshare`.",
  options: {
    all: { type: "boolean", description: "Also list stopped and expired shares" },
    json: { type: "boolean", description: "Print the same shares as a JSON array" },
  },
  examples: ["panko shares", "panko shares --all", "panko shares --json"],
  async run({ values, io }) {
    const shares = await knownShares(io);
    const shown = listedShares(shares, values.all === true);
    if (values.json) io.out(JSON.stringify(shown) + "\n");
    else io.out(sharesTable(shown, io, { hidden: shares.length - shown.length }));
  },
});

/**
 * Every share the daemon knows. The daemon is started when it is not running, since it brings
 * back the shares that ran; but where no state database exists no share was ever started, and a
 * listing should not leave a daemon behind for nothing.
 */
async function knownShares(io: Io): Promise<ShareInfo[]> {
  if (!existsSync(daemonPaths(io.env).db) && !(await daemonStatus(io.env)).running) return [];
  const client = await connectDaemon({ env: io.env });
  try {
    return await client.listShares();
  } finally {
    client.close();
  }
}
