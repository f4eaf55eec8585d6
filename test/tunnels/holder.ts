/**
 * A stand-in for panko, run as its own process by process.test.ts: starts cloudflare tunnels with
 * the fake cloudflared (env knobs pass through), prints {"pids":[...]} on stdout, then, by argv[2]:
 *   hang  - waits forever (the test SIGKILLs or SIGTERMs this process)
 *   exit  - calls process.exit(0) at once
 * argv[3] = how many tunnels (default 1).
 */
import { cloudflare } from "../../src/tunnels/cloudflare.ts";

const how = process.argv[2] ?? "hang";
const count = Number(process.argv[3] ?? "1");
const pids: number[] = [];
for (let i = 0; i < count; i++) {
  const t = await cloudflare.start("http://127.0.0.1:45678", { config: {}, graceMs: 1000 });
  pids.push(t.pid);
}
process.stdout.write(`${JSON.stringify({ pids })}\n`);
if (how === "exit") process.exit(0);
setInterval(() => {}, 1 << 30);
