/**
 * A stand-in for panko, run as its own process by process.test.ts: starts cloudflare tunnels with
 * the fake cloudflared (env knobs pass through), prints {"pids":[...],"records":[...]} on stdout,
 * then, by argv[2]:
 *   hang  - waits forever (the test SIGKILLs or SIGTERMs this process)
 *   exit  - calls process.exit(0) at once
 * argv[3] = how many tunnels (default 1); argv[4] = a lease file: the tunnels run under that lease
 * (2 s grace) and survive this process while the test renews it.
 */
import { cloudflare } from "../../src/tunnels/cloudflare.ts";

const how = process.argv[2] ?? "hang";
const count = Number(process.argv[3] ?? "1");
const leaseFile = process.argv[4];
const tunnels = [];
for (let i = 0; i < count; i++) {
  tunnels.push(
    await cloudflare.start("http://127.0.0.1:45678", { config: {}, graceMs: 1000, lease: leaseFile ? { file: leaseFile, graceMs: 2000 } : undefined }),
  );
}
process.stdout.write(`${JSON.stringify({ pids: tunnels.map((t) => t.pid), records: tunnels.map((t) => t.record) })}\n`);
if (how === "exit") process.exit(0);
setInterval(() => {}, 1 << 30);
