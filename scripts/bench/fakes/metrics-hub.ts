/**
 * The metrics servers of every light fake cloudflared (scripts/bench/fakes/cloudflared) in one bun
 * process. Each fake writes SPOOL/<its pid> = "ADDR HOSTNAME"; the hub serves, on ADDR, what
 * cloudflared's metrics server answers (GET /ready 200 {"status":200,"readyConnections":1,...},
 * GET /quicktunnel {"hostname":...}), and closes it once that pid is gone. It leaves when no fake
 * has been alive for a few seconds (removing SPOOL/hub.lock, which the first fake made). Once a
 * fake's address is served it writes SPOOL/<pid>.up (the fake waits for it).
 *   bun metrics-hub.ts start SPOOL   starts the hub detached (its own session) and returns
 *   bun metrics-hub.ts serve SPOOL   is the hub
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, unlinkSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";

const [mode, spool] = process.argv.slice(2) as [string, string];
const lock = join(spool, "hub.lock");

if (mode === "start") {
  Bun.spawn([process.execPath, import.meta.path, "serve", spool], { detached: true, stdio: ["ignore", "ignore", "ignore"] }).unref();
  process.exit(0);
}

const CONNECTOR = "6f1b9a52-2c1d-4b7e-9a0f-3e5d7c9b1a24";
const served = new Map<number, ReturnType<typeof Bun.serve> | null>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}

function serve(addr: string, hostname: string) {
  const at = addr.lastIndexOf(":");
  try {
    return Bun.serve({
      hostname: addr.slice(0, at),
      port: Number(addr.slice(at + 1)),
      fetch(req) {
        const path = new URL(req.url).pathname;
        if (path === "/ready") return new Response(JSON.stringify({ status: 200, readyConnections: 1, connectorId: CONNECTOR }));
        if (path === "/quicktunnel") return new Response(`{"hostname":"${hostname}"}`);
        return new Response("404 page not found\n", { status: 404 });
      },
    });
  } catch {
    return null; // port taken: that fake's health checks fail, as a real one's would
  }
}

function scan(): void {
  for (const name of readdirSync(spool)) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (served.has(pid)) continue;
    try {
      const [addr, hostname] = readFileSync(join(spool, name), "utf8").trim().split(" ");
      served.set(pid, serve(addr!, hostname!));
      writeFileSync(join(spool, `${pid}.up`), "");
    } catch {
      // half written: next round
    }
  }
  for (const [pid, server] of served) {
    if (alive(pid)) continue;
    server?.stop(true);
    served.delete(pid);
    for (const f of [String(pid), `${pid}.up`]) {
      try {
        unlinkSync(join(spool, f));
      } catch {
        // gone
      }
    }
  }
}

let idleSince = Date.now();
setInterval(() => {
  scan();
  if (served.size > 0) idleSince = Date.now();
  else if (Date.now() - idleSince > 3000) {
    // Leave; a fake that registered meanwhile finds no lock and starts the next hub.
    rmdirSync(lock);
    if (readdirSync(spool).some((n) => /^\d+$/.test(n) && alive(Number(n)))) {
      try {
        mkdirSync(lock);
        idleSince = Date.now();
        return;
      } catch {
        // another hub took over
      }
    }
    process.exit(0);
  }
}, 100);
// A new fake is served at once (the interval only notices the gone ones).
watch(spool, () => scan());
scan();
if (!existsSync(lock)) mkdirSync(lock, { recursive: true });
