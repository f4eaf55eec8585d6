/**
 * Talking to the daemon. Front ends (cli/, ui/) never touch its state or spawn tunnels: they ask.
 *
 * Exported (stable; the interactive flow and the CLI rely on these names):
 *   connectDaemon(opts?: { autoStart?; env?; timeoutMs? }): Promise<DaemonClient>
 *       connects to the user's daemon; with autoStart (default true) starts one when none answers
 *       (up to 5 s for its socket to answer), and replaces a daemon of another version (its shares
 *       are adopted by the new one and keep their URLs).
 *   daemonStatus(env?): Promise<DaemonStatus>     never starts a daemon
 *   interface DaemonClient { ping, startShare, stopShare, listShares, shutdown, close }
 * Errors the daemon answers with surface as PankoError carrying the daemon's message and code.
 */
import type { Socket } from "bun";
import { existsSync } from "node:fs";
import { PankoError, type ErrorCode } from "../errors.ts";
import { processStart } from "../tunnels/lease.ts";
import { VERSION } from "../version.ts";
import { ensureDaemonDir, daemonPaths, type DaemonPaths } from "./paths.ts";
import {
  ANSWER,
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  Response,
  describeZodError,
  type Method,
  type Pong,
  type Request,
  type ShareInfo,
  type StartShareParams,
} from "./protocol.ts";
import { spawnDaemon } from "./spawn.ts";

export type { ShareInfo, StartShareParams } from "./protocol.ts";

type Env = Record<string, string | undefined>;

export interface DaemonClient {
  ping(): Promise<Pong>;
  /** Resolves once the share is ready (its tunnel answers), or rejects with the reason. */
  startShare(params: StartShareParams): Promise<ShareInfo>;
  /** `id` is a share id or a unique prefix of one. */
  stopShare(id: string): Promise<ShareInfo>;
  listShares(): Promise<ShareInfo[]>;
  /** Stops the daemon. stopShares (default true) stops every share first; false leaves its tunnels for the next daemon to adopt. */
  shutdown(opts?: { stopShares?: boolean }): Promise<void>;
  close(): void;
  /** What the daemon said to the first Ping. */
  readonly daemon: Pong;
}

export interface DaemonStatus {
  running: boolean;
  pid?: number;
  version?: string;
  uptimeMs?: number;
  shares?: ShareInfo[];
  socket: string;
  db: string;
  log: string;
}

export interface ConnectOptions {
  /** Start a daemon when none answers (default true). */
  autoStart?: boolean;
  env?: Env;
  /** Per-request timeout for quick requests (default 10 s; StartShare allows 90 s). */
  timeoutMs?: number;
  /** Replace a daemon of another version (default true when autoStart). */
  replaceOtherVersion?: boolean;
  /** The version this client expects (default: this panko's). */
  version?: string;
}

const START_WAIT_MS = 5_000;
const SLOW_METHODS: Partial<Record<Method, number>> = { StartShare: 90_000, StopShare: 30_000, Shutdown: 30_000 };

/** One connection; requests are answered in order, so a FIFO of waiters matches answers to them. */
class Connection {
  private buf = "";
  private decoder = new TextDecoder(); // streaming: a character split across chunks stays whole
  private waiters: { resolve(r: Response): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }[] = [];
  private outq: Buffer[] = [];
  private closedError: Error | null = null;

  private constructor(private socket: Socket<undefined>) {}

  static open(path: string): Promise<Connection> {
    return new Promise((resolve, reject) => {
      let conn: Connection | undefined;
      Bun.connect<undefined>({
        unix: path,
        socket: {
          open(s) {
            conn = new Connection(s);
            resolve(conn);
          },
          data(_s, chunk) {
            conn?.onData(chunk);
          },
          drain() {
            conn?.flush();
          },
          close() {
            conn?.fail(new PankoError("daemon", "the daemon closed the connection"));
          },
          error(_s, e) {
            conn?.fail(new PankoError("daemon", `lost the connection to the daemon: ${e.message}`));
          },
          connectError(_s, e) {
            reject(e);
          },
        },
      }).catch(reject);
    });
  }

  private onData(chunk: Uint8Array) {
    this.buf += this.decoder.decode(chunk, { stream: true });
    if (this.buf.length > 64 * MAX_LINE_BYTES) return this.fail(new PankoError("daemon", "the daemon sent an answer too long to read"), true);
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) !== -1) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      const w = this.waiters.shift();
      if (!w) continue;
      clearTimeout(w.timer);
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        w.reject(new PankoError("daemon", "the daemon sent an answer that is not JSON"));
        continue;
      }
      const parsed = Response.safeParse(json);
      if (!parsed.success) w.reject(new PankoError("daemon", `the daemon sent an answer panko does not understand (${describeZodError(parsed.error)})`));
      else w.resolve(parsed.data);
    }
  }

  private flush() {
    while (this.outq.length) {
      const chunk = this.outq[0]!;
      const n = this.socket.write(chunk);
      if (n < 0) return;
      if (n < chunk.length) {
        this.outq[0] = chunk.subarray(n);
        return;
      }
      this.outq.shift();
    }
  }

  fail(e: Error, end = false) {
    this.closedError ??= e;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(e);
    }
    if (end) this.socket.end();
  }

  request(req: Request, timeoutMs: number): Promise<Response> {
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Answers come in order: after a timeout this connection cannot be trusted to match them.
        this.fail(new PankoError("daemon", `the daemon did not answer ${req.method} within ${Math.round(timeoutMs / 1000)} s`), true);
      }, timeoutMs);
      this.waiters.push({ resolve, reject, timer });
      this.outq.push(Buffer.from(JSON.stringify(req) + "\n"));
      this.flush();
    });
  }

  close() {
    this.closedError ??= new PankoError("daemon", "the connection to the daemon is closed");
    this.socket.end();
  }
}

function daemonError(data: { message: string; code: string; details?: string[] }): PankoError {
  const known: ErrorCode[] = ["usage", "config", "not-found", "ambiguous", "not-a-session", "io", "port", "tunnel", "daemon", "internal"];
  const code = (known as string[]).includes(data.code) ? (data.code as ErrorCode) : "daemon";
  // A usage error inside the daemon is not the user's command line: exit 1, not 2.
  return new PankoError(code, data.message, { details: data.details ?? [], exitCode: 1 });
}

function makeClient(conn: Connection, pong: Pong, timeoutMs: number): DaemonClient {
  async function call<M extends Method>(method: M, params?: unknown): Promise<Extract<Response, { status: (typeof ANSWER)[M] }>["data"]> {
    const req = (params === undefined ? { method } : { method, params }) as Request;
    const res = await conn.request(req, SLOW_METHODS[method] ?? timeoutMs);
    if (res.status === "Error") throw daemonError(res.data);
    if (res.status !== ANSWER[method]) throw new PankoError("daemon", `the daemon answered ${method} with ${res.status}`);
    return res.data as never;
  }
  return {
    daemon: pong,
    ping: () => call("Ping"),
    startShare: (params) => call("StartShare", params),
    stopShare: (id) => call("StopShare", { share_id: id }),
    listShares: () => call("ListShares"),
    async shutdown(opts) {
      await call("Shutdown", { stopShares: opts?.stopShares ?? true });
    },
    close: () => conn.close(),
  };
}

/** Connects and pings; null when nobody answers at the socket. */
async function tryConnect(paths: DaemonPaths, timeoutMs: number): Promise<{ conn: Connection; pong: Pong } | null> {
  if (!existsSync(paths.socket)) return null;
  let conn: Connection;
  try {
    conn = await Connection.open(paths.socket);
  } catch {
    return null;
  }
  try {
    const res = await conn.request({ method: "Ping" }, timeoutMs);
    if (res.status !== "Pong") throw new PankoError("daemon", `the daemon answered Ping with ${res.status}`);
    return { conn, pong: res.data };
  } catch (e) {
    conn.close();
    if (e instanceof PankoError && /did not answer/.test(e.message)) throw new PankoError("daemon", `the daemon at ${paths.socket} does not answer`, { details: ["Stop it with `panko serve-stop`, or look at its log: " + paths.log] });
    return null;
  }
}

async function waitForDaemon(paths: DaemonPaths, timeoutMs: number, deadline: number, pidNot?: number) {
  while (Date.now() < deadline) {
    const got = await tryConnect(paths, timeoutMs);
    if (got && got.pong.pid !== pidNot) return got;
    got?.conn.close();
    await Bun.sleep(25);
  }
  return null;
}

export async function connectDaemon(opts: ConnectOptions = {}): Promise<DaemonClient> {
  const env = opts.env ?? process.env;
  const autoStart = opts.autoStart ?? true;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const want = opts.version ?? VERSION;
  const paths = daemonPaths(env);

  let got = await tryConnect(paths, timeoutMs);
  if (got && autoStart && (opts.replaceOtherVersion ?? true) && (got.pong.version !== want || got.pong.protocol !== PROTOCOL_VERSION)) {
    // Another version: ask it to go, leaving its tunnels running for the new daemon to adopt.
    const old = got.pong.pid;
    try {
      const res = await got.conn.request({ method: "Shutdown", params: { stopShares: false } }, 30_000);
      if (res.status === "Error") throw daemonError(res.data);
    } catch (e) {
      got.conn.close();
      throw new PankoError("daemon", `the running daemon (panko ${got.pong.version}) would not stop for this panko ${want}: ${(e as Error).message}`);
    }
    got.conn.close();
    await waitForExit(old, 10_000);
    got = null;
    spawnDaemon(paths, env);
    got = await waitForDaemon(paths, timeoutMs, Date.now() + START_WAIT_MS, old);
    if (!got) throw notStarted(paths);
  }
  if (!got) {
    if (!autoStart) throw new PankoError("daemon", "the panko daemon is not running", { details: ["Start it with `panko serve`."] });
    ensureDaemonDir(paths);
    spawnDaemon(paths, env);
    got = await waitForDaemon(paths, timeoutMs, Date.now() + START_WAIT_MS);
    if (!got) throw notStarted(paths);
  }
  return makeClient(got.conn, got.pong, timeoutMs);
}

function notStarted(paths: DaemonPaths): PankoError {
  return new PankoError("daemon", `the panko daemon did not start within ${START_WAIT_MS / 1000} s`, {
    details: [`Its log may say why: ${paths.log}`, "Or run it in this terminal to see: panko serve --foreground"],
  });
}

/** Waits until pid is gone (or a zombie nobody has reaped yet), up to ms. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (processStart(pid) === null) return true;
    await Bun.sleep(20);
  }
  return false;
}

export async function daemonStatus(env: Env = process.env): Promise<DaemonStatus> {
  const paths = daemonPaths(env);
  const base = { socket: paths.socket, db: paths.db, log: paths.log };
  const got = await tryConnect(paths, 5_000).catch(() => null);
  if (!got) return { running: false, ...base };
  const client = makeClient(got.conn, got.pong, 10_000);
  try {
    const shares = await client.listShares();
    return { running: true, pid: got.pong.pid, version: got.pong.version, uptimeMs: got.pong.uptime, shares, ...base };
  } finally {
    client.close();
  }
}
