#!/usr/bin/env bun
/**
 * The fake ngrok agent (run by test/fakes/ngrok for `ngrok start --none ...`): JSON log lines on
 * stdout as with `--log stdout --log-format json`, levels info/warn/eror/crit, "err":"<nil>" on
 * non-error lines, and the agent API on the first free port from 4040 (FAKE_NGROK_WEB_PORT):
 *   GET /api/tunnels, POST /api/tunnels {"name","proto","addr"} -> 201, DELETE /api/tunnels/NAME -> 204.
 * One session per account: FAKE_NGROK_SESSION_FILE (default $HOME/.fake-ngrok-session) holds the
 * pid of the agent with the session; a second agent gets ERR_NGROK_108 and exits 1, or, with
 * FAKE_NGROK_SECOND=stall, logs nothing more and hangs.
 * FAKE_TUNNEL_MODE: ok | fail (105 bad token) | crit | transient (eror i/o timeout lines, then ok)
 *   | slow | split | die (web port bind error) | ignore-term. No NGROK_AUTHTOKEN: ERR_NGROK_4018.
 * FAKE_TUNNEL_DIE_AFTER=N: exit 1 N seconds after the session is established.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const mode = process.env.FAKE_TUNNEL_MODE ?? "ok";
const token = process.env.NGROK_AUTHTOKEN ?? "";
const t = () => new Date().toISOString().replace("Z", "000000Z");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function emit(fd: 1 | 2, text: string) {
  const out = fd === 1 ? process.stdout : process.stderr;
  if (mode !== "split") {
    out.write(`${text}\n`);
    return;
  }
  const a = Math.floor(text.length / 3), b = Math.floor((2 * text.length) / 3);
  out.write(text.slice(0, a));
  await sleep(50);
  out.write(text.slice(a, b));
  await sleep(50);
  out.write(`${text.slice(b)}\r\n`);
}
const log = (rec: Record<string, unknown>) => emit(1, JSON.stringify({ ...rec, t: t() }));

if (process.env.FAKE_TUNNEL_PIDFILE) writeFileSync(process.env.FAKE_TUNNEL_PIDFILE, `${process.pid}\n`, { flag: "a" });
if (mode === "ignore-term") process.on("SIGTERM", () => {});
else process.on("SIGTERM", () => finish(0));

const sessionFile = process.env.FAKE_NGROK_SESSION_FILE || join(process.env.HOME ?? "/tmp", ".fake-ngrok-session");
function finish(code: number): never {
  try {
    if (readFileSync(sessionFile, "utf8").trim() === String(process.pid)) rmSync(sessionFile, { force: true });
  } catch {
    // no session held
  }
  process.exit(code);
}

const cfg = join(process.env.HOME ?? "", ".config/ngrok/ngrok.yml");
await log({ lvl: "info", msg: "no configuration paths supplied", obj: "config" });
await log({ lvl: "info", msg: "using configuration at default config path", obj: "config", path: cfg });
await log({ err: "<nil>", lvl: "info", msg: "open config file", obj: "config", path: cfg });

let counter = 0;
const tunnels = new Map<string, { name: string; addr: string; public_url: string }>();
let server: ReturnType<typeof Bun.serve> | null = null;
const base = Number(process.env.FAKE_NGROK_WEB_PORT ?? 4040);
if (mode !== "die") {
  for (let port = base; port < base + 20 && !server; port++) {
    try {
      server = Bun.serve({ hostname: "127.0.0.1", port, fetch: api });
    } catch {
      // taken: the real agent moves on to the next port too
    }
  }
}
if (!server) {
  await emit(2, `ERROR:  listen tcp 127.0.0.1:${base}: bind: address already in use`);
  finish(1);
}
await log({ addr: `127.0.0.1:${server.port}`, lvl: "info", msg: "starting web service", obj: "web" });

function holderAlive(): boolean {
  if (!existsSync(sessionFile)) return false;
  const pid = Number(readFileSync(sessionFile, "utf8").trim());
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const AUTH_108 =
  "authentication failed: Your account is limited to 1 simultaneous ngrok agent sessions.\nYou can run multiple simultaneous tunnels from a single agent session by defining the tunnels in your agent configuration file and starting them with the command `ngrok start --all`.\nRead more about the agent configuration file: https://ngrok.com/docs/secure-tunnels/ngrok-agent/reference/config\nYou can view your current agent sessions in the dashboard:\nhttps://dashboard.ngrok.com/agents\r\n\r\nERR_NGROK_108\r\n";
const AUTH_4018 =
  "authentication failed: Usage of ngrok requires a verified account and authtoken.\n\nSign up for an account: https://dashboard.ngrok.com/signup\nInstall your authtoken: https://dashboard.ngrok.com/get-started/your-authtoken\r\n\r\nERR_NGROK_4018\r\n";
const AUTH_105 = `authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.\nYour authtoken: ${token}\nInstructions to install your authtoken are on your ngrok dashboard:\nhttps://dashboard.ngrok.com/get-started/your-authtoken\r\n\r\nERR_NGROK_105\r\n`;

async function authFail(err: string): Promise<never> {
  await log({ err, lvl: "eror", msg: "failed to reconnect session", obj: "tunnels.session" });
  for (const line of err.replace(/\r/g, "").split("\n")) await emit(2, `ERROR:  ${line}`);
  finish(1);
}

if (holderAlive()) {
  if (process.env.FAKE_NGROK_SECOND === "stall") await new Promise(() => {});
  await authFail(AUTH_108);
}
if (!token) await authFail(AUTH_4018);
if (mode === "fail") await authFail(AUTH_105);
if (mode === "crit") {
  await log({ err: "open /etc/ngrok.yml: permission denied", lvl: "crit", msg: "command failed", obj: "app" });
  finish(1);
}
if (mode === "transient") {
  for (let i = 0; i < 2; i++) {
    await log({ err: "failed to send authentication request: dial tcp: i/o timeout", lvl: "eror", msg: "failed to reconnect session", obj: "tunnels.session" });
    await sleep(300);
  }
}
if (mode === "slow") await sleep(Number(process.env.FAKE_TUNNEL_DELAY ?? 5) * 1000);
writeFileSync(sessionFile, String(process.pid));
await log({ err: "<nil>", lvl: "info", msg: "client session established", obj: "tunnels.session" });
await log({ lvl: "info", msg: "tunnel session started", obj: "tunnels.session" });
if (process.env.FAKE_TUNNEL_DIE_AFTER) setTimeout(() => finish(1), Number(process.env.FAKE_TUNNEL_DIE_AFTER) * 1000);

async function api(req: Request): Promise<Response> {
  const path = new URL(req.url).pathname;
  if (path === "/api/tunnels" && req.method === "GET") {
    return Response.json({ tunnels: [...tunnels.values()].map((x) => ({ ...x, proto: "https", config: { addr: x.addr, inspect: true } })), uri: "/api/tunnels" });
  }
  if (path === "/api/tunnels" && req.method === "POST") {
    const body = (await req.json()) as { name: string; proto: string; addr: string };
    if (tunnels.has(body.name)) {
      return Response.json({ error_code: 102, status_code: 400, msg: "invalid tunnel configuration", details: { err: `a tunnel named ${body.name} already exists` } }, { status: 400 });
    }
    const host = process.env.FAKE_TUNNEL_URL ?? `https://ab12-3-4-${(counter++).toString(16)}${process.pid.toString(16)}.ngrok-free.app`;
    const tunnel = { name: body.name, addr: `http://${body.addr}`, public_url: host };
    tunnels.set(body.name, tunnel);
    await log({ addr: tunnel.addr, lvl: "info", msg: "started tunnel", name: body.name, obj: "tunnels", url: host });
    return Response.json({ ...tunnel, uri: `/api/tunnels/${body.name}`, proto: "https", config: { addr: tunnel.addr, inspect: true } }, { status: 201 });
  }
  const m = /^\/api\/tunnels\/(.+)$/.exec(path);
  if (m && req.method === "DELETE") {
    const name = decodeURIComponent(m[1]!);
    if (!tunnels.delete(name)) return Response.json({ error_code: 104, status_code: 404, msg: "tunnel not found", details: { err: `tunnel ${name} not found` } }, { status: 404 });
    await log({ lvl: "info", msg: "stopped tunnel", name, obj: "tunnels" });
    return new Response(null, { status: 204 });
  }
  return Response.json({ error_code: 100, status_code: 404, msg: "not found" }, { status: 404 });
}
