/** `panko unshare ID|PREFIX|--all`: stop shares. */
import { usageError } from "../errors.ts";
import { connectDaemon, daemonStatus } from "../daemon/client.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";

const LIVE = new Set(["starting", "active", "restarting"]);

export default defineCommand({
  name: "unshare",
  summary: "Stop a share (by id or id prefix), or every share with --all",
  usage: "panko unshare ID|PREFIX... | panko unshare --all",
  options: {
    all: { type: "boolean", description: "Stop every running share" },
    json: { type: "boolean", description: "Print the stopped shares as a JSON array" },
  },
  positionals: { min: 0, max: Infinity },
  examples: ["panko unshare 0193a1b2", "panko unshare --all"],
  async run({ values, positionals, io }) {
    if (!values.all && positionals.length === 0) throw usageError("panko unshare: give a share id (see `panko shares`) or --all");
    if (values.all && positionals.length > 0) throw usageError("panko unshare: give ids or --all, not both");
    if (values.all && !(await daemonStatus(io.env)).running) {
      if (values.json) io.out("[]\n");
      else io.err("No shares are running (the daemon is not running).\n");
      return;
    }
    const client = await connectDaemon({ env: io.env });
    const stopped = [];
    try {
      const ids = values.all ? (await client.listShares()).filter((s) => LIVE.has(s.status)).map((s) => s.id) : positionals;
      for (const id of ids) {
        const before = values.all ? undefined : (await client.listShares()).find((s) => s.id === id || s.id.startsWith(id));
        const info = await client.stopShare(id);
        stopped.push(info);
        if (!values.json) {
          const was = before && !LIVE.has(before.status) ? ` (it was already ${before.status})` : "";
          io.err(`Stopped ${info.id} ${terminalSafe(info.sessionName)}${was}\n`);
        }
      }
      if (values.all && ids.length === 0 && !values.json) io.err("No shares are running.\n");
    } finally {
      client.close();
    }
    if (values.json) io.out(JSON.stringify(stopped) + "\n");
  },
});
