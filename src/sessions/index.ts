/**
 * The session index: a bun:sqlite cache of SessionSummary rows at indexDb(), keyed on path and
 * validated by size + mtimeMs. `listSessions` discovers files (one stat each), re-reads only files
 * that are new or changed, drops rows of files that are gone, and returns the summaries.
 *
 * - Files that are not sessions (or cannot be read) are cached as negative rows (summary NULL)
 *   with their size + mtime, so they are skipped without being re-read until they change.
 * - The db is only a cache: if it is corrupt or unreadable it is deleted and rebuilt; if even that
 *   fails, listing works without a cache. It never makes `list` fail.
 * - WAL + busy_timeout; writes go in one IMMEDIATE transaction, and every write is an idempotent
 *   upsert, so two panko processes listing at once neither corrupt it nor lose anything.
 * - Schema versioned with PRAGMA user_version and ordered migration steps. A change to what the
 *   summary readers produce bumps READER_VERSION, which empties the cache (rows are rebuilt).
 */
import { Database } from "bun:sqlite";
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { indexDb } from "../paths.ts";
import { discoverSessionFiles, type SessionFile } from "./discover.ts";
import type { SessionSummary, Source } from "./model.ts";
import { summarizeFiles } from "./parallel.ts";
import { summarizeFile, type SummaryOptions } from "./summary/index.ts";

type Env = Record<string, string | undefined>;

/** Bump when the summary readers change what they produce: cached rows are then re-read. */
export const READER_VERSION = 2;

/** Ordered schema steps; user_version = number of steps applied. */
const MIGRATIONS: string[] = [
  `CREATE TABLE files (
     path TEXT PRIMARY KEY,
     source TEXT NOT NULL,
     size INTEGER NOT NULL,
     mtime_ms REAL NOT NULL,
     summary TEXT
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

export type SessionSort = "newest" | "oldest" | "messages" | "project";

export interface ListOptions {
  source?: Source;
  /** Case-insensitive substring of the project path. */
  project?: string;
  sort?: SessionSort;
  limit?: number;
  env?: Env;
  /** Index location (default indexDb(env)). */
  dbPath?: string;
  /** Reads one file's summary (default summarizeFile); injectable for tests. */
  readSummary?: (file: SessionFile) => SessionSummary | null;
  summaryOptions?: SummaryOptions;
  /** Files to index instead of discovering them (tests, benchmarks). */
  files?: SessionFile[];
}

export function listSessions(opts: ListOptions = {}): SessionSummary[] {
  const env = opts.env ?? process.env;
  const files = opts.files ?? discoverSessionFiles(env, { source: opts.source });
  const read =
    opts.readSummary ?? ((f: SessionFile) => summarizeFile(f.path, f.source, { size: f.size, mtimeMs: f.mtimeMs }, opts.summaryOptions));
  const index = openIndex(opts.dbPath ?? indexDb(env));
  try {
    const summaries = refresh(index, files, read, opts.source);
    return select(summaries, opts);
  } finally {
    index?.close();
  }
}

/** Filters, sorts and limits summaries as listSessions does. */
export function select(summaries: SessionSummary[], opts: Pick<ListOptions, "source" | "project" | "sort" | "limit">): SessionSummary[] {
  let out = summaries;
  if (opts.source) out = out.filter((s) => s.source === opts.source);
  if (opts.project) {
    const needle = opts.project.toLowerCase();
    out = out.filter((s) => (s.project ?? "").toLowerCase().includes(needle));
  }
  out = out.slice().sort(comparator(opts.sort ?? "newest"));
  if (opts.limit !== undefined && opts.limit >= 0) out = out.slice(0, opts.limit);
  return out;
}

/** When a session last changed: its last timestamp, else the file mtime. */
export function sessionTime(s: SessionSummary): number {
  const t = s.updatedAt ? Date.parse(s.updatedAt) : NaN;
  return Number.isNaN(t) ? s.mtimeMs : t;
}

function comparator(sort: SessionSort): (a: SessionSummary, b: SessionSummary) => number {
  const newest = (a: SessionSummary, b: SessionSummary) => sessionTime(b) - sessionTime(a) || a.path.localeCompare(b.path);
  switch (sort) {
    case "oldest":
      return (a, b) => -newest(a, b);
    case "messages":
      return (a, b) => b.prompts + b.assistantMessages - (a.prompts + a.assistantMessages) || newest(a, b);
    case "project":
      return (a, b) => (a.project ?? "\uffff").localeCompare(b.project ?? "\uffff") || newest(a, b);
    default:
      return newest;
  }
}

interface Row {
  path: string;
  source: string;
  size: number;
  mtime_ms: number;
  summary: string | null;
}

/**
 * listSessions for `panko list`: the same, but a cold (or largely stale) index is filled on two
 * cores (sessions/parallel.ts). An injected readSummary reads on this thread.
 */
export async function listSessionsParallel(opts: ListOptions = {}): Promise<SessionSummary[]> {
  if (opts.readSummary) return listSessions(opts);
  const env = opts.env ?? process.env;
  const files = opts.files ?? discoverSessionFiles(env, { source: opts.source });
  const index = openIndex(opts.dbPath ?? indexDb(env));
  try {
    const cached = cachedRows(index);
    const stale = files.filter((f) => cachedSummary(cached.get(f.path), f) === undefined);
    const read = await summarizeFiles(stale, { options: opts.summaryOptions });
    const got = new Map(stale.map((f, i) => [f.path, read[i]]));
    const summaries = refresh(index, files, (f) => (got.has(f.path) ? got.get(f.path)! : summarizeFile(f.path, f.source, { size: f.size, mtimeMs: f.mtimeMs }, opts.summaryOptions)), opts.source, cached);
    return select(summaries, opts);
  } finally {
    index?.close();
  }
}

function cachedRows(db: Database | undefined): Map<string, Row> {
  const cached = new Map<string, Row>();
  if (db) {
    try {
      for (const row of db.query("SELECT path, source, size, mtime_ms, summary FROM files").all() as Row[]) cached.set(row.path, row);
    } catch {
      cached.clear();
    }
  }
  return cached;
}

/** The cached summary of a file when its row is still valid (null: a known non-session); undefined: re-read it. */
function cachedSummary(row: Row | undefined, file: SessionFile): SessionSummary | null | undefined {
  if (!row || row.size !== file.size || row.mtime_ms !== file.mtimeMs || row.source !== file.source) return undefined;
  if (!row.summary) return null;
  try {
    return JSON.parse(row.summary) as SessionSummary;
  } catch {
    return undefined; // unreadable row: re-read the file
  }
}

function refresh(
  db: Database | undefined,
  files: SessionFile[],
  read: (f: SessionFile) => SessionSummary | null,
  source?: Source,
  cached: Map<string, Row> = cachedRows(db),
): SessionSummary[] {
  const out: SessionSummary[] = [];
  const fresh: { file: SessionFile; summary: SessionSummary | null }[] = [];
  const present = new Set<string>();
  for (const file of files) {
    present.add(file.path);
    const known = cachedSummary(cached.get(file.path), file);
    if (known !== undefined) {
      if (known) out.push(known);
      continue; // null: a known non-session
    }
    let summary: SessionSummary | null = null;
    try {
      summary = read(file);
    } catch {
      summary = null; // unreadable now: cached as negative until the file changes
    }
    fresh.push({ file, summary });
    if (summary) out.push(summary);
  }
  const gone = [...cached.values()].filter((r) => !present.has(r.path) && (!source || r.source === source)).map((r) => r.path);
  if (db && (fresh.length || gone.length)) {
    try {
      write(db, fresh, gone);
    } catch {
      // A busy or read-only cache only costs a re-read next time.
    }
  }
  return out;
}

function write(db: Database, fresh: { file: SessionFile; summary: SessionSummary | null }[], gone: string[]) {
  const upsert = db.prepare(
    `INSERT INTO files (path, source, size, mtime_ms, summary) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(path) DO UPDATE SET source = excluded.source, size = excluded.size, mtime_ms = excluded.mtime_ms, summary = excluded.summary`,
  );
  const del = db.prepare("DELETE FROM files WHERE path = ?");
  db.transaction(() => {
    for (const { file, summary } of fresh) {
      upsert.run(file.path, file.source, file.size, file.mtimeMs, summary ? JSON.stringify(summary) : null);
    }
    for (const path of gone) del.run(path);
  }).immediate();
}

/** Opens (creating or rebuilding as needed) the index; undefined when no cache can be had. */
export function openIndex(path: string): Database | undefined {
  try {
    return openOnce(path);
  } catch (e) {
    if (isBusy(e)) return undefined; // another process holds it: list without the cache this time
    removeDb(path);
    try {
      return openOnce(path);
    } catch {
      return undefined;
    }
  }
}

function openOnce(path: string): Database {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    migrate(db);
    // A cheap check that the file really is a healthy db (throws SQLITE_CORRUPT / NOTADB).
    db.query("SELECT count(*) FROM files").get();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Database) {
  const version = () => (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  const readerOk = () => {
    try {
      const row = db.query("SELECT value FROM meta WHERE key = 'reader_version'").get() as { value: string } | null;
      return row?.value === String(READER_VERSION);
    } catch {
      return false;
    }
  };
  if (version() === MIGRATIONS.length && readerOk()) return;
  db.transaction(() => {
    let v = version(); // re-read inside the lock: another process may have migrated meanwhile
    if (v > MIGRATIONS.length) throw new Error(`index schema ${v} is newer than this panko`);
    for (; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    if (!readerOk()) {
      db.exec("DELETE FROM files");
      db.query("INSERT OR REPLACE INTO meta (key, value) VALUES ('reader_version', ?)").run(String(READER_VERSION));
    }
  }).immediate();
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

function removeDb(path: string) {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      rmSync(p, { force: true });
    } catch {
      // nothing more to do: openIndex falls back to no cache
    }
  }
}
