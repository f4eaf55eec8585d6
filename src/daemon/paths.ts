/**
 * The daemon's files, all in the data dir (`$XDG_DATA_HOME/panko/`), and the check that the folder
 * is ours: owned by this user, mode 0700 (created so when missing; tightened when ours and wider).
 * A socket in a folder another user owns could be swapped for theirs; panko refuses to use it.
 */
import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { PankoError } from "../errors.ts";
import { dataDir, stateDb } from "../paths.ts";

type Env = Record<string, string | undefined>;

export interface DaemonPaths {
  dir: string;
  socket: string;
  db: string;
  lock: string;
  log: string;
  /** Touched by the daemon every few seconds; its tunnels outlive it while it is fresh. */
  lease: string;
}

export function daemonPaths(env: Env = process.env): DaemonPaths {
  const dir = dataDir(env);
  return {
    dir,
    socket: join(dir, "daemon.sock"),
    db: stateDb(env),
    lock: join(dir, "daemon.lock"),
    log: join(dir, "daemon.log"),
    lease: join(dir, "tunnels.lease"),
  };
}

/** Linux allows 108 bytes in a socket path (macOS 104), the terminating NUL included. */
const MAX_SOCKET_PATH = process.platform === "darwin" ? 103 : 107;

/**
 * Creates the folder 0700 when missing; refuses one that another user owns or that group/others
 * may enter. Also refuses a socket path the kernel cannot bind.
 */
export function ensureDaemonDir(paths: DaemonPaths): void {
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new PankoError("daemon", `cannot create ${paths.dir}: ${(e as Error).message}`, { cause: e });
  }
  checkDaemonDir(paths.dir);
  if (Buffer.byteLength(paths.socket) > MAX_SOCKET_PATH) {
    throw new PankoError("daemon", `the daemon's socket path is too long for the system (${Buffer.byteLength(paths.socket)} bytes): ${paths.socket}`, {
      details: ["Point XDG_DATA_HOME at a shorter folder."],
    });
  }
}

export function checkDaemonDir(dir: string): void {
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new PankoError("daemon", `${dir} is not a folder; panko keeps its daemon's socket there`);
  if (uid !== undefined && st.uid !== uid) {
    throw new PankoError("daemon", `${dir} belongs to another user (uid ${st.uid}); panko will not put its daemon's socket there`, {
      details: ["Point XDG_DATA_HOME at a folder of your own, or fix the owner."],
    });
  }
  if ((st.mode & 0o077) !== 0) {
    // Ours but wider (e.g. made 0755 by a `mkdir -p` of a sub-folder): tighten it rather than fail.
    if (uid !== undefined && st.uid === uid) {
      try {
        chmodSync(dir, 0o700);
        return;
      } catch {
        // fall through to the refusal
      }
    }
    throw new PankoError("daemon", `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); panko needs it to be 0700`, {
      details: [`Fix it with: chmod 700 ${dir}`],
    });
  }
}
