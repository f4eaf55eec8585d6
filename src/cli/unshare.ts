/**
 * `panko unshare REF...|--all`: stop shares. A REF is what `panko shares` shows in its ID column,
 * a full id, or any prefix of one (hyphens optional; daemon/share-ids.ts). Stopping a share in
 * `error` clears it (it becomes `stopped`); one that had already ended is said so, exit 0.
 * `--all` stops every share `panko shares` lists: the running ones and those in error.
 */
import { usageError } from "../errors.ts";
import { connectDaemon, daemonStatus } from "../daemon/client.ts";
import { isListedStatus, shortShareIds } from "../daemon/share-ids.ts";
import type { ShareInfo } from "../daemon/protocol.ts";
import { plural } from "../plural.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";

export default defineCommand({
  name: "unshare",
  summary: "Stop a share (by the id `panko shares` shows), or every share with --all",
  usage: "panko unshare ID... | panko unshare --all",
  description:
    "ID is what `panko shares` shows, a full share id, or a unique prefix of one (hyphens optional).\n" +
    "A share in error is cleared (it becomes stopped). --all stops every share that runs or failed.",
  options: {
    all: { type: "boolean", description: "Stop every share `panko shares` lists (running or in error)" },
    json: { type: "boolean", description: "Print the stopped shares as a JSON array" },
  },
  positionals: { min: 0, max: Infinity },
  examples: ["panko unshare 019ad3f26b", "panko unshare --all"],
  async run({ values, positionals, io }) {
    if (!values.all && positionals.length === 0) throw usageError("panko unshare: give a share id (see `panko shares`) or --all");
    if (values.all && positionals.length > 0) throw usageError("panko unshare: give ids or --all, not both");
    if (values.all && !(await daemonStatus(io.env)).running) {
      if (values.json) io.out("[]\n");
      else io.err("No shares are running (the panko daemon is not running).\n");
      return;
    }
    const client = await connectDaemon({ env: io.env });
    const stopped: ShareInfo[] = [];
    try {
      const before = await client.listShares();
      // The ids as `panko shares` shows them (an ended share: as `shares --all` does).
      const short = shortShareIds(before.filter((s) => isListedStatus(s.status)).map((s) => s.id));
      const shortAll = shortShareIds(before.map((s) => s.id));
      const name = (s: ShareInfo) => `${short.get(s.id) ?? shortAll.get(s.id) ?? s.id}  ${terminalSafe(s.sessionName)}`;
      const refs = values.all ? before.filter((s) => isListedStatus(s.status)).map((s) => s.id) : positionals;
      for (const ref of refs) {
        const info = await client.stopShare(ref);
        const was = before.find((s) => s.id === info.id)?.status;
        if (was === "stopped" || was === "expired") {
          if (!values.json) io.err(`Already ${was}, nothing to do: ${name(info)}\n`);
          continue;
        }
        stopped.push(info);
        if (!values.json) io.err(was === "error" ? `Cleared (it had failed): ${name(info)}\n` : `Stopped ${name(info)}\n`);
      }
      if (values.all && !values.json) io.err(refs.length === 0 ? "No shares are running.\n" : `Stopped ${plural(stopped.length, "share")}.\n`);
    } finally {
      client.close();
    }
    if (values.json) io.out(JSON.stringify(stopped) + "\n");
  },
});
