/** `panko serve-stop`: stop every share (status `stopped`) and the daemon. */
import { PankoError } from "../errors.ts";
import { connectDaemon, daemonStatus, waitForExit } from "../daemon/client.ts";
import { isLiveStatus } from "../daemon/share-ids.ts";
import { plural } from "../plural.ts";
import { defineCommand } from "./command.ts";

export default defineCommand({
  name: "serve-stop",
  summary: "Stop every share and the daemon",
  usage: "panko serve-stop",
  options: {},
  async run({ io }) {
    const st = await daemonStatus(io.env);
    if (!st.running) {
      io.err("The panko daemon is not running.\n");
      return;
    }
    const client = await connectDaemon({ env: io.env, autoStart: false });
    const pid = client.daemon.pid;
    const live = (await client.listShares()).filter((s) => isLiveStatus(s.status)).length;
    try {
      await client.shutdown({ stopShares: true });
    } finally {
      client.close();
    }
    if (!(await waitForExit(pid, 30_000))) throw new PankoError("daemon", `the daemon (pid ${pid}) did not exit within 30 s`);
    io.err(live === 0 ? `Stopped the panko daemon (pid ${pid}); no share was running.\n` : `Stopped ${plural(live, "share")} and the panko daemon (pid ${pid}).\n`);
  },
});
