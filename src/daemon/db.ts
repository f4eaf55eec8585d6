/**
 * The daemon's state: `state.db` (bun:sqlite, WAL, busy timeout). Migrations are ordered SQL steps;
 * `PRAGMA user_version` says how many have run. Every write is synchronous, so a state change is on
 * disk (in the WAL) before the daemon acknowledges it.
 */
import { Database } from "bun:sqlite";
import { chmodSync, existsSync } from "node:fs";
import { PankoError } from "../errors.ts";
import type { RedactionSettings, ShareStatus } from "./protocol.ts";

/** Ordered steps; never edit a released one, add the next. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE shares (
     id TEXT PRIMARY KEY,
     session_path TEXT NOT NULL,
     session_name TEXT NOT NULL,
     public_url TEXT,
     provider_name TEXT NOT NULL,
     local_port INTEGER,
     started_at TEXT NOT NULL,
     status TEXT NOT NULL,
     token TEXT NOT NULL,
     expires_at TEXT,
     redaction TEXT NOT NULL,
     redactions TEXT NOT NULL DEFAULT '{}',
     tunnel_record TEXT,
     tunnel_pid INTEGER,
     tunnel_pid_start TEXT,
     tunnel_health_url TEXT,
     last_error TEXT,
     restarts INTEGER NOT NULL DEFAULT 0,
     views INTEGER NOT NULL DEFAULT 0,
     last_viewed_at TEXT,
     notes TEXT NOT NULL DEFAULT '[]',
     ended_at TEXT,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX shares_status ON shares (status);`,
  `ALTER TABLE shares ADD COLUMN allow_download INTEGER NOT NULL DEFAULT 0;`,
  // The tunnel executable the client located (absolute path), used for every start of the share; null: the daemon looks it up.
  `ALTER TABLE shares ADD COLUMN tunnel_executable TEXT;`,
];

export interface ShareRow {
  id: string;
  session_path: string;
  session_name: string;
  public_url: string | null;
  provider_name: string;
  local_port: number | null;
  started_at: string;
  status: ShareStatus;
  token: string;
  expires_at: string | null;
  /** JSON RedactionSettings */
  redaction: string;
  /** JSON Record<kind, count> */
  redactions: string;
  /** JSON TunnelRecord (what adoption needs), or null */
  tunnel_record: string | null;
  tunnel_pid: number | null;
  tunnel_pid_start: string | null;
  tunnel_health_url: string | null;
  last_error: string | null;
  restarts: number;
  views: number;
  last_viewed_at: string | null;
  /** JSON string[] */
  notes: string;
  ended_at: string | null;
  updated_at: string;
  allow_download: number;
  /** The provider executable to run (absolute), or null: the daemon locates it itself. */
  tunnel_executable: string | null;
}

export type NewShare = Pick<ShareRow, "id" | "session_path" | "session_name" | "provider_name" | "started_at" | "token" | "expires_at" | "allow_download"> & {
  tunnel_executable?: string | null;
  redaction: RedactionSettings;
};

export class StateDb {
  readonly db: Database;

  constructor(path: string) {
    const fresh = !existsSync(path);
    try {
      this.db = new Database(path, { create: true, strict: true });
      if (fresh) chmodSync(path, 0o600);
      this.db.exec("PRAGMA busy_timeout = 5000");
      this.db.exec("PRAGMA journal_mode = WAL");
      this.db.exec("PRAGMA synchronous = NORMAL");
      this.db.exec("PRAGMA foreign_keys = ON");
      migrate(this.db);
    } catch (e) {
      if (e instanceof PankoError) throw e;
      throw new PankoError("daemon", `cannot open the daemon's state ${path}: ${(e as Error).message}`, {
        cause: e,
        details: ["If the file is damaged, move it aside; panko starts a new one (the shares in it are lost)."],
      });
    }
  }

  insert(s: NewShare, now: string): ShareRow {
    this.db
      .query(
        `INSERT INTO shares (id, session_path, session_name, provider_name, started_at, status, token, expires_at, redaction, allow_download, tunnel_executable, updated_at)
         VALUES ($id, $session_path, $session_name, $provider_name, $started_at, 'starting', $token, $expires_at, $redaction, $allow_download, $tunnel_executable, $now)`,
      )
      .run({ ...s, tunnel_executable: s.tunnel_executable ?? null, redaction: JSON.stringify(s.redaction), now });
    return this.get(s.id)!;
  }

  get(id: string): ShareRow | null {
    return (this.db.query("SELECT * FROM shares WHERE id = ?").get(id) as ShareRow | null) ?? null;
  }

  all(): ShareRow[] {
    return this.db.query("SELECT * FROM shares ORDER BY started_at, id").all() as ShareRow[];
  }

  /** Rows the daemon runs (or should run again after a restart). */
  live(): ShareRow[] {
    return this.db.query("SELECT * FROM shares WHERE status IN ('starting','active','restarting') ORDER BY started_at, id").all() as ShareRow[];
  }

  /** Sets the given columns (and updated_at). */
  update(id: string, fields: Partial<Omit<ShareRow, "id">>, now: string): void {
    const keys = Object.keys(fields).filter((k) => COLUMNS.has(k));
    if (keys.length === 0) return;
    const sql = `UPDATE shares SET ${keys.map((k) => `${k} = $${k}`).join(", ")}, updated_at = $updated_at WHERE id = $id`;
    const params: Record<string, string | number | null> = { id, updated_at: now };
    for (const k of keys) params[k] = (fields as Record<string, string | number | null>)[k] ?? null;
    this.db.query(sql).run(params);
  }

  /** Forgets a share (one whose start failed: it never served, and the caller was told why). */
  remove(id: string): void {
    this.db.query("DELETE FROM shares WHERE id = ?").run(id);
  }

  /** Adds page views counted in memory since the last flush. */
  addViews(id: string, views: number, lastViewedAt: string): void {
    this.db.query("UPDATE shares SET views = views + ?, last_viewed_at = ? WHERE id = ?").run(views, lastViewedAt, id);
  }

  /** Drops ended shares older than `before` (ISO), keeping the table small. */
  prune(before: string): void {
    this.db.query("DELETE FROM shares WHERE status IN ('stopped','expired','error') AND COALESCE(ended_at, updated_at) < ?").run(before);
  }

  integrity(): string {
    return String((this.db.query("PRAGMA integrity_check").get() as Record<string, unknown>)?.integrity_check);
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // already closed
    }
  }
}

const COLUMNS = new Set([
  "session_path", "session_name", "public_url", "provider_name", "local_port", "started_at", "status", "token", "expires_at",
  "redaction", "redactions", "tunnel_record", "tunnel_pid", "tunnel_pid_start", "tunnel_health_url", "last_error", "restarts",
  "views", "last_viewed_at", "notes", "ended_at", "tunnel_executable",
]);

/** Runs the steps after the stored user_version, each in its own transaction. */
export function migrate(db: Database): void {
  const current = Number((db.query("PRAGMA user_version").get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new PankoError("daemon", `the daemon's state was written by a newer panko (schema ${current}, this one knows ${MIGRATIONS.length})`, {
      details: ["Upgrade panko, or move state.db aside to start afresh."],
    });
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}
