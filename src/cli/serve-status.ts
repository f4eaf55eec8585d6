/** `panko serve-status`: is the daemon running, its pid, version, uptime, files and shares. Never starts it. */
import { daemonStatus } from "../daemon/client.ts";
import { defineCommand } from "./command.ts";
import { formatElapsed } from "./format.ts";
import { listedShares, sharesTable } from "./shares.ts";

/** Running first, then what needs the user, then history. */
const STATUS_ORDER = ["active", "starting", "restarting", "error", "stopped", "expired"];

export default defineCommand({
  name: "serve-status",
  summary: "Show whether the daemon runs, and its shares",
  usage: "panko serve-status [--json]",
  options: {
    json: { type: "boolean", description: "Print the status as JSON" },
  },
  async run({ values, io }) {
    const st = await daemonStatus(io.env);
    const shares = st.shares ?? [];
    const counts: Record<string, number> = {};
    for (const s of shares) counts[s.status] = (counts[s.status] ?? 0) + 1;
    if (values.json) {
      io.out(JSON.stringify({ ...st, counts }) + "\n");
      return;
    }
    const c = io.colors;
    if (!st.running) {
      io.out(`The panko daemon is ${c.bold("not running")}. (\`panko serve\` or \`panko share\` starts it.)\n`);
    } else {
      io.out(`The panko daemon is ${c.bold(c.green("running"))}: pid ${st.pid}, panko ${st.version}, up ${formatElapsed(st.uptimeMs ?? 0)}.\n`);
    }
    io.out(`  socket  ${st.socket}\n  state   ${st.db}\n  log     ${st.log}\n`);
    if (st.running) {
      const summary = STATUS_ORDER.filter((k) => counts[k]).map((k) => `${counts[k]} ${k}`).join(", ") || "none";
      io.out(`  shares  ${summary}\n`);
      const shown = listedShares(shares);
      if (shown.length) io.out(`\n${sharesTable(shown, io, { hidden: shares.length - shown.length })}`);
    }
  },
});
