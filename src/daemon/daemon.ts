/**
 * The daemon process (`panko serve --foreground`; `panko serve` spawns it detached): takes the
 * user's lock, clears a stale socket, opens the state, restores the shares, renews the tunnels'
 * lease, and answers on the socket until Shutdown or a signal.
 *
 * Signals (SIGTERM, SIGINT, SIGHUP: logout, systemd stop) leave the shares active and their
 * tunnels under the lease, like an upgrade does: the next daemon adopts them or, after a reboot,
 * starts them again. `Shutdown {stopShares: true}` (`panko serve-stop`) stops every share.
 */
import { existsSync, unlinkSync } from "node:fs";
import { REDACTION_KEYS, loadConfig, loadConfigFor } from "../config.ts";
import { PankoError, describeError } from "../errors.ts";
import { renewLease } from "../tunnels/lease.ts";
import { createProviders, getProvider, pickProvider } from "../tunnels/registry.ts";
import type { Env, Lease } from "../tunnels/provider.ts";
import { VERSION } from "../version.ts";
import { StateDb } from "./db.ts";
import { tryLock, type DaemonLock } from "./lock.ts";
import { createDaemonLog, type DaemonLog } from "./log.ts";
import { daemonPaths, ensureDaemonDir, type DaemonPaths } from "./paths.ts";
import { PROTOCOL_VERSION, type Response } from "./protocol.ts";
import { listenIpc, type IpcServer } from "./server.ts";
import { Supervisor } from "./supervisor.ts";

export const DEFAULT_LEASE_GRACE_MS = 60_000;
const LEASE_RENEW_MS = 2_000;
/** Ended shares stay listed (`panko shares`) this long. */
const KEEP_ENDED_MS = 7 * 86_400_000;

export interface DaemonOptions {
  env?: Env;
  /** Reported in Pong (tests pretend to be another version with PANKO_DAEMON_VERSION). */
  version?: string;
  /** Also print log lines here (foreground in a terminal). */
  echo?: (line: string) => void;
  /** How long tunnels outlive a daemon that stops renewing their lease. */
  leaseGraceMs?: number;
  /** How long to wait for the lock (a replaced daemon may still be exiting). */
  lockWaitMs?: number;
}

export interface RunningDaemon {
  paths: DaemonPaths;
  /** Resolves when the daemon has shut down. */
  done: Promise<void>;
  shutdown(stopShares: boolean): Promise<void>;
}

/** Another daemon holds the lock: exit quietly (the caller's client talks to that one). */
export class AlreadyRunning extends PankoError {
  constructor(paths: DaemonPaths) {
    super("daemon", `a panko daemon is already running (socket ${paths.socket})`);
  }
}

async function answers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 1000);
    Bun.connect({
      unix: socket,
      socket: {
        open(s) {
          clearTimeout(timer);
          s.end();
          resolve(true);
        },
        data() {},
        connectError() {
          clearTimeout(timer);
          resolve(false);
        },
      },
    }).catch(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

async function acquire(paths: DaemonPaths, waitMs: number): Promise<DaemonLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = tryLock(paths.lock);
    if (lock) return lock;
    if (Date.now() >= deadline || (await answers(paths.socket))) throw new AlreadyRunning(paths);
    await Bun.sleep(50);
  }
}

export async function runDaemon(opts: DaemonOptions = {}): Promise<RunningDaemon> {
  const env = opts.env ?? process.env;
  const version = opts.version ?? VERSION;
  const paths = daemonPaths(env);
  process.umask(0o077);
  ensureDaemonDir(paths);
  const lock = await acquire(paths, opts.lockWaitMs ?? 3000);

  const log: DaemonLog = createDaemonLog(paths.log, { echo: opts.echo });
  // One share's unexpected failure must not take the others down: log it and go on.
  process.on("unhandledRejection", (e) => log.error("unhandled rejection", e));
  process.on("uncaughtException", (e) => log.error("uncaught exception", e));
  let db: StateDb | undefined;
  let ipc: IpcServer | undefined;
  let leaseTimer: ReturnType<typeof setInterval> | undefined;
  try {
    // We hold the lock, so a socket file left there is stale (its daemon died): probe, then unlink.
    if (existsSync(paths.socket)) {
      if (await answers(paths.socket)) throw new PankoError("daemon", `something else answers at ${paths.socket} although panko's lock was free`);
      unlinkSync(paths.socket);
      log.info("removed a stale socket");
    }
    db = new StateDb(paths.db);
    db.prune(new Date(Date.now() - KEEP_ENDED_MS).toISOString());
    const lease: Lease = { file: paths.lease, graceMs: opts.leaseGraceMs ?? DEFAULT_LEASE_GRACE_MS };
    renewLease(lease.file);
    leaseTimer = setInterval(() => renewLease(lease.file), LEASE_RENEW_MS);

    const startedAt = Date.now();
    const providers = createProviders(); // one set for the daemon's life (one ngrok agent)
    const supervisor = new Supervisor({
      db,
      log,
      env,
      config: () => loadConfig().config,
      redactionConfig: () => loadConfigFor(REDACTION_KEYS).config,
      pickProvider: (requested, config, e) => pickProvider(requested, config, e, providers),
      provider: (name) => getProvider(name, providers),
      lease,
    });

    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let shuttingDown: Promise<void> | undefined;
    const shutdown = (stopShares: boolean) => {
      shuttingDown ??= (async () => {
        log.info(`shutting down (${stopShares ? "stopping every share" : "shares stay for the next daemon"})`);
        ipc?.stop();
        await supervisor.shutdown(stopShares);
        if (leaseTimer) clearInterval(leaseTimer);
        if (stopShares) renewLease(lease.file);
        try {
          unlinkSync(paths.socket);
        } catch {
          // already gone
        }
        db?.close();
        lock.release();
        log.info("stopped");
        finish();
      })();
      return shuttingDown;
    };

    const handler = async (req: Parameters<Parameters<typeof listenIpc>[1]>[0]): Promise<Response> => {
      switch (req.method) {
        case "Ping":
          return { status: "Pong", data: { version, protocol: PROTOCOL_VERSION, pid: process.pid, uptime: Date.now() - startedAt } };
        case "StartShare":
          return { status: "ShareStarted", data: await supervisor.start(req.params) };
        case "StopShare":
          return { status: "ShareStopped", data: await supervisor.stop(req.params.share_id) };
        case "ListShares":
          return { status: "ShareList", data: supervisor.list() };
        case "Shutdown":
          // Answer first, then go: the answer must reach the client before the socket closes.
          setTimeout(() => void shutdown(req.params?.stopShares ?? true), 5);
          return { status: "ShuttingDown", data: {} };
      }
    };

    supervisor.markRestoring();
    ipc = listenIpc(paths.socket, handler, (m, e) => log.error(m, e));
    log.info(`daemon ${process.pid} (panko ${version}) listening on ${paths.socket}`);
    await supervisor.restore();
    supervisor.startClocks();
    return { paths, done, shutdown };
  } catch (e) {
    if (leaseTimer) clearInterval(leaseTimer);
    ipc?.stop();
    db?.close();
    lock.release();
    log.error("daemon failed to start", describeError(e));
    throw e;
  }
}
