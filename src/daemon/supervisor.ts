/**
 * The supervisor: every share the daemon runs is a viewer plus a tunnel, started through
 * share/share.ts and watched here.
 *
 * - A tunnel that exits or stops answering its health check (3 misses in a row) is restarted with
 *   backoff, pm2's rule: the delay starts at 100 ms and grows x1.5 up to 15 s; it resets once a
 *   tunnel has stayed up 30 s; a run shorter than a second counts as a failure, and after
 *   FAILURES_TO_ERROR failures in a row the share is `error` with the reason. A new quick-tunnel
 *   URL is written to the row and logged.
 * - Expiry is checked against the clock every tick (no long timers), so any TTL works and it
 *   survives restarts.
 * - On daemon start, restore() brings back every share that was running: it adopts a tunnel that
 *   is still alive (same URL) and binds the viewer on the same port, else starts a new tunnel
 *   (same token, maybe a new URL).
 * - Page views are counted in memory and flushed to the db now and then (and on stop).
 * Every state change is written to the db before the request that caused it is answered.
 */
import { existsSync, statSync } from "node:fs";
import { basename } from "node:path";
import { v7 as uuidv7 } from "uuid";
import type { Config } from "../config.ts";
import { PankoError, describeError } from "../errors.ts";
import { parseExtraPattern } from "../privacy/redact.ts";
import { cutTitle } from "../sessions/title.ts";
import { newShareToken, startShare, type Share } from "../share/share.ts";
import { processStart } from "../tunnels/lease.ts";
import { isExecutableFile } from "../tunnels/locate.ts";
import type { Env, Lease, ProviderName, Tunnel, TunnelProvider, TunnelRecord } from "../tunnels/provider.ts";
import type { StateDb, ShareRow } from "./db.ts";
import type { DaemonLog } from "./log.ts";
import { RedactionSettings, type ShareInfo, type StartShareParams } from "./protocol.ts";
import { isListedStatus, matchesShareId, shortShareIds } from "./share-ids.ts";
import { SourcePool } from "./sources.ts";

export const FAILURES_TO_ERROR = 5;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 15_000;
const STABLE_MS = 30_000;
const SHORT_RUN_MS = 1_000;
const HEALTH_MISSES = 3;

export interface SupervisorDeps {
  db: StateDb;
  log: DaemonLog;
  env: Env;
  config(): Config;
  /**
   * The config a new share's privacy pass reads: throws when a redaction key is broken, so a typo
   * in `redact_patterns` stops the share instead of quietly dropping the pattern. Default: config().
   */
  redactionConfig?(): Config;
  /** The provider a share asks for (or the default / first available). */
  pickProvider(requested: string | undefined, config: Config, env: Env): Promise<TunnelProvider>;
  provider(name: ProviderName): TunnelProvider;
  lease?: Lease;
  now?: () => number;
  /** Waits between restarts (tests pass their own). */
  sleep?: (ms: number) => Promise<void>;
  timing?: { healthMs?: number; tickMs?: number; flushViewsMs?: number };
}

interface Running {
  id: string;
  token: string;
  path: string;
  share: Share;
  tunnel: Tunnel;
  provider: TunnelProvider;
  /** The config its tunnel starts with (the share's own executable, when the client sent one). */
  tunnelConfig(): Config;
  release(): void;
  upSince: number;
  failures: number;
  delayMs: number;
  healthMisses: number;
  restarting: boolean;
  stopped: boolean;
  checking: boolean;
  pendingViews: number;
  lastViewedAt: string | null;
  expiresAt: number | null;
  fileGone: boolean;
}

export class Supervisor {
  private running = new Map<string, Running>();
  private starting = 0;
  private pool: SourcePool;
  private timers: ReturnType<typeof setInterval>[] = [];
  private now: () => number;
  private closed = false;

  constructor(private deps: SupervisorDeps) {
    this.now = deps.now ?? Date.now;
    this.pool = new SourcePool({ env: deps.env });
  }

  private iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }

  /** Starts the clocks: expiry, health, view flushing. */
  startClocks(): void {
    const t = this.deps.timing ?? {};
    this.timers.push(setInterval(() => this.tick(), t.tickMs ?? 1000));
    this.timers.push(setInterval(() => void this.checkHealth(), t.healthMs ?? 5000));
    this.timers.push(setInterval(() => this.flushViews(), t.flushViewsMs ?? 10_000));
  }

  // ---- information ---------------------------------------------------------------------------

  info(row: ShareRow): ShareInfo {
    const r = this.running.get(row.id);
    const notes = safeJson<string[]>(row.notes, []);
    if (r?.fileGone) notes.push("The session file is gone; the share shows its last state.");
    return {
      id: row.id,
      sessionPath: row.session_path,
      sessionName: row.session_name,
      provider: row.provider_name as ProviderName,
      publicUrl: row.public_url,
      localUrl: row.local_port ? `http://127.0.0.1:${row.local_port}/${row.token}/` : null,
      status: row.status,
      startedAt: row.started_at,
      expiresAt: row.expires_at,
      views: row.views + (r?.pendingViews ?? 0),
      lastViewedAt: r?.lastViewedAt ?? row.last_viewed_at,
      lastError: row.last_error,
      restarts: row.restarts,
      redactions: safeJson<Record<string, number>>(row.redactions, {}),
      redact: safeJson<{ redact?: boolean }>(row.redaction, {}).redact ?? true,
      allowDownload: row.allow_download === 1,
      notes,
    };
  }

  list(): ShareInfo[] {
    return this.deps.db.all().map((row) => this.info(row));
  }

  /** How many shares run now (tests, status). */
  count(): number {
    return this.running.size;
  }

  /** Distinct parsed session copies held. */
  sources(): number {
    return this.pool.size();
  }

  // ---- start -----------------------------------------------------------------------------------

  async start(params: StartShareParams): Promise<ShareInfo> {
    if (this.closed) throw new PankoError("daemon", "the daemon is shutting down");
    const config = this.deps.config();
    const busy = this.running.size + this.starting;
    if (busy >= config.max_shares) {
      throw new PankoError("daemon", `${busy} shares are running, the most max_shares (${config.max_shares}) allows`, {
        details: ["Stop one with `panko unshare ID`, or allow more: panko config set max_shares N"],
      });
    }
    const path = params.sessionPath;
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      // reported below
    }
    if (!isFile) throw new PankoError("not-found", `no session file at ${path}`);
    // The config's patterns always apply; the request adds its own (--redact-pattern, --keep).
    const redaction = (this.deps.redactionConfig ?? this.deps.config)();
    const asked = RedactionSettings.parse(params.redaction ?? { redact: redaction.redact });
    const settings: RedactionSettings = {
      redact: asked.redact,
      patterns: unique([...(redaction.redact_patterns ?? []), ...asked.patterns]),
      keep: unique([...(redaction.redact_keep ?? []), ...asked.keep]),
    };
    // A bad pattern is a clear error before anything starts.
    for (const p of settings.patterns) parseExtraPattern(p);
    for (const p of settings.keep) parseExtraPattern(p, "--keep");
    const ttlMs = params.ttlMs === undefined ? config.share_ttl : (params.ttlMs ?? undefined);

    // The client located the executable with its own PATH and config (this daemon's PATH is that
    // of whichever command started it): run that one, for this start and every later one.
    const executable = params.executable ?? null;
    if (executable !== null && !isExecutableFile(executable)) {
      throw new PankoError("tunnel", `The tunnel executable ${executable} is not an executable file (it may have just been removed).`, {
        details: ["Share again; `panko tunnel status` shows what panko finds."],
      });
    }

    this.starting++;
    try {
      const picking = this.now();
      const provider = await this.deps.pickProvider(params.provider, this.withExecutable(config, params.provider, executable), this.deps.env);
      const id = uuidv7();
      const token = newShareToken();
      this.deps.log.addSecret(token);
      const startedAt = picking;
      const row = this.deps.db.insert(
        {
          id,
          session_path: path,
          session_name: basename(path),
          provider_name: provider.name,
          started_at: this.iso(startedAt),
          token,
          expires_at: ttlMs === undefined ? null : this.iso(startedAt + ttlMs),
          redaction: settings,
          allow_download: params.allowDownload ? 1 : 0,
          tunnel_executable: executable,
        },
        this.iso(),
      );
      this.deps.log.info(`share ${id}: starting ${path} through ${provider.name} (picked in ${this.now() - startedAt} ms)`);
      try {
        await this.launch(row, provider, {});
      } catch (e) {
        // It never served: the caller shows the reason, and no row is left to clear up.
        this.deps.db.remove(id);
        this.deps.log.error(`share ${id}: start failed (not kept)`, describeError(e));
        throw e;
      }
      this.deps.log.info(`share ${id}: ready in ${this.now() - startedAt} ms`);
      return this.info(this.deps.db.get(id)!);
    } finally {
      this.starting--;
    }
  }

  /** Viewer + tunnel for a row (new, or restored); writes the row active. */
  private async launch(row: ShareRow, provider: TunnelProvider, opts: { port?: number; adopted?: Tunnel }): Promise<Running> {
    const tunnelConfig = () => this.tunnelConfig(row);
    const config = tunnelConfig();
    const settings = RedactionSettings.parse(safeJson(row.redaction, {}));
    const { source, release } = this.pool.acquire(row.session_path, settings);
    const counter = { views: 0, last: null as string | null };
    let share: Share;
    try {
      share = await startShare({
        path: row.session_path,
        provider,
        config,
        source,
        token: row.token,
        allowDownload: row.allow_download === 1,
        port: opts.port,
        lease: this.deps.lease,
        env: this.deps.env,
        startTunnel: opts.adopted ? async () => opts.adopted! : undefined,
        onPageView: () => {
          const r = this.running.get(row.id);
          if (r) {
            r.pendingViews++;
            r.lastViewedAt = this.iso();
          } else {
            counter.views++;
            counter.last = this.iso();
          }
        },
        onTunnelOutput: (line) => this.deps.log.info(`share ${row.id}: ${provider.name}: ${line}`),
      });
    } catch (e) {
      release();
      throw e;
    }
    if (this.deps.db.get(row.id)?.status === "stopped" || this.closed) {
      // Stopped (unshare, serve-stop) while it was starting: it does not come up after all.
      await share.stop();
      release();
      throw new PankoError("daemon", "the share was stopped while it was starting");
    }
    const r: Running = {
      id: row.id,
      token: row.token,
      path: row.session_path,
      share,
      tunnel: share.tunnel,
      provider,
      tunnelConfig,
      release,
      upSince: this.now(),
      failures: 0,
      delayMs: FIRST_DELAY_MS,
      healthMisses: 0,
      restarting: false,
      stopped: false,
      checking: false,
      pendingViews: counter.views,
      lastViewedAt: counter.last,
      expiresAt: row.expires_at ? Date.parse(row.expires_at) : null,
      fileGone: false,
    };
    this.running.set(row.id, r);
    const title = share.viewer.session().title;
    this.deps.db.update(
      row.id,
      {
        status: "active",
        session_name: cutTitle(title || basename(row.session_path), 200),
        local_port: share.port,
        redactions: JSON.stringify(share.redactions),
        notes: JSON.stringify(share.tunnel.notes ?? []),
        last_error: null,
        ...this.tunnelFields(share.tunnel, row.token),
      },
      this.iso(),
    );
    if (row.public_url && row.public_url !== `${share.tunnel.publicUrl}/${row.token}/`) {
      this.deps.log.info(`share ${row.id}: public URL changed from ${row.public_url} to ${share.tunnel.publicUrl}/${row.token}/`);
    }
    this.deps.log.info(`share ${row.id}: active at ${share.tunnel.publicUrl}/${row.token}/ (viewer port ${share.port}${opts.adopted ? ", tunnel adopted" : ""})`);
    this.watch(r);
    return r;
  }

  /**
   * The config a share's tunnel starts (and is adopted) with: the current one, with the
   * executable the client sent at StartShare in place of the provider's path key. If that file is
   * gone meanwhile, the daemon's own lookup (config, its PATH) is the best left.
   */
  private tunnelConfig(row: ShareRow): Config {
    const config = this.deps.config();
    const exe = row.tunnel_executable;
    if (!exe) return config;
    if (!isExecutableFile(exe)) {
      this.deps.log.info(`share ${row.id}: its tunnel executable ${exe} is gone; looking for ${row.provider_name}'s again`);
      return config;
    }
    return this.withExecutable(config, row.provider_name as ProviderName, exe);
  }

  /** The config with `executable` as the provider's path key (what its locate() tries first). */
  private withExecutable(config: Config, provider: ProviderName | undefined, executable: string | null): Config {
    if (!provider || executable === null) return config;
    return { ...config, [this.deps.provider(provider).configKey]: executable };
  }

  private tunnelFields(t: Tunnel, token: string): Partial<ShareRow> {
    const rec: TunnelRecord | undefined = t.record;
    return {
      public_url: `${t.publicUrl}/${token}/`,
      tunnel_record: rec ? JSON.stringify(rec) : null,
      tunnel_pid: t.pid,
      tunnel_pid_start: rec?.pidStart ?? null,
      tunnel_health_url: rec?.healthUrl ?? null,
    };
  }

  private watch(r: Running): void {
    const t = r.tunnel;
    void t.exited.then((code) => {
      if (r.tunnel !== t || r.stopped || this.closed) return;
      // An adopted tunnel may not know its exit: confirm it is really gone before restarting.
      if (code === null && processStart(t.pid) !== null) return;
      void this.restart(r, `the tunnel exited${code === null ? "" : ` with code ${code}`}`);
    });
  }

  // ---- restart with backoff ----------------------------------------------------------------

  private async restart(r: Running, why: string): Promise<void> {
    if (r.restarting || r.stopped) return;
    r.restarting = true;
    const old = r.tunnel;
    const ran = this.now() - r.upSince;
    if (ran >= STABLE_MS) {
      r.failures = 0;
      r.delayMs = FIRST_DELAY_MS;
    }
    if (ran < SHORT_RUN_MS) r.failures++;
    this.deps.log.info(`share ${r.id}: ${why} after ${Math.round(ran / 1000)} s; restarting (failure ${r.failures})`);
    const row = this.deps.db.get(r.id);
    this.deps.db.update(r.id, { status: "restarting", last_error: why, restarts: (row?.restarts ?? 0) + 1 }, this.iso());
    await old.stop().catch(() => {});
    let reason = why;
    while (!r.stopped && !this.closed) {
      if (r.failures >= FAILURES_TO_ERROR) {
        await this.end(r, "error", `${reason} (gave up after ${r.failures} failed restarts)`);
        return;
      }
      const delay = r.delayMs;
      r.delayMs = Math.min(MAX_DELAY_MS, Math.round(r.delayMs * 1.5));
      await (this.deps.sleep ?? Bun.sleep)(delay);
      if (r.stopped || this.closed) return;
      try {
        const t = await r.provider.start(`http://127.0.0.1:${r.share.port}`, {
          config: r.tunnelConfig(),
          env: this.deps.env,
          lease: this.deps.lease,
          onOutput: (line) => this.deps.log.info(`share ${r.id}: ${r.provider.name}: ${line}`),
        });
        if (r.stopped || this.closed) {
          await t.stop().catch(() => {});
          return;
        }
        const before = this.deps.db.get(r.id)?.public_url;
        r.tunnel = t;
        r.upSince = this.now();
        r.healthMisses = 0;
        r.restarting = false;
        this.deps.db.update(r.id, { status: "active", notes: JSON.stringify(t.notes ?? []), ...this.tunnelFields(t, r.token) }, this.iso());
        const now = `${t.publicUrl}/${r.token}/`;
        this.deps.log.info(before === now ? `share ${r.id}: tunnel back at the same URL` : `share ${r.id}: tunnel back; public URL changed from ${before} to ${now}`);
        this.watch(r);
        return;
      } catch (e) {
        r.failures++;
        reason = describeError(e);
        this.deps.log.info(`share ${r.id}: restart failed (${r.failures}): ${reason}`);
        this.deps.db.update(r.id, { last_error: reason }, this.iso());
      }
    }
  }

  private async checkHealth(): Promise<void> {
    for (const r of this.running.values()) {
      if (r.restarting || r.stopped || r.checking) continue;
      const t = r.tunnel;
      r.checking = true;
      void (async () => {
        try {
          const ok = await t.ready();
          if (r.tunnel !== t || r.stopped) return;
          r.healthMisses = ok ? 0 : r.healthMisses + 1;
          if (r.healthMisses >= HEALTH_MISSES) void this.restart(r, "the tunnel stopped answering its health check");
        } catch {
          // ready() never throws by contract; a throwing one counts as a miss next time
        } finally {
          r.checking = false;
        }
      })();
    }
  }

  // ---- the clock -------------------------------------------------------------------------------

  tick(): void {
    const now = this.now();
    for (const r of [...this.running.values()]) {
      if (r.expiresAt !== null && now >= r.expiresAt && !r.stopped) {
        this.deps.log.info(`share ${r.id}: its time is up`);
        void this.end(r, "expired", null);
        continue;
      }
      const gone = !existsSync(r.path);
      if (gone !== r.fileGone) {
        r.fileGone = gone;
        this.deps.log.info(`share ${r.id}: the session file ${gone ? "is gone" : "is back"}`);
      }
    }
  }

  flushViews(): void {
    for (const r of this.running.values()) this.flushOne(r);
  }

  private flushOne(r: Running): void {
    if (r.pendingViews === 0) return;
    this.deps.db.addViews(r.id, r.pendingViews, r.lastViewedAt ?? this.iso());
    r.pendingViews = 0;
  }

  // ---- stop ------------------------------------------------------------------------------------

  /** Finds a share by id or unique id prefix. */
  find(ref: string): ShareRow {
    const exact = this.deps.db.get(ref);
    if (exact) return exact;
    const rows = this.deps.db.all().filter((r) => matchesShareId(r.id, ref));
    // What `panko shares` lists (live or failed) comes first: its short ids are unique among them.
    const listed = rows.filter((r) => isListedStatus(r.status));
    const pick = listed.length > 0 ? listed : rows;
    if (pick.length === 1) return pick[0]!;
    if (pick.length === 0) throw new PankoError("not-found", `no share with id ${ref}`, { details: ["See them with `panko shares`."] });
    const short = shortShareIds(pick.map((r) => r.id));
    throw new PankoError("ambiguous", `${pick.length} shares start with ${ref}; give more of the id:`, {
      details: pick.slice(0, 10).map((r) => `${short.get(r.id)}  ${r.status}  ${r.session_name}`),
    });
  }

  async stop(ref: string): Promise<ShareInfo> {
    const row = this.find(ref);
    const r = this.running.get(row.id);
    if (r) await this.end(r, "stopped", null);
    else if (isListedStatus(row.status)) {
      // Starting (its launch sees this and stops it), or restoring, or failed (error): now stopped.
      this.deps.db.update(row.id, { status: "stopped", ended_at: this.iso() }, this.iso());
    }
    return this.info(this.deps.db.get(row.id)!);
  }

  private async end(r: Running, status: "stopped" | "expired" | "error", error: string | null): Promise<void> {
    if (r.stopped) return;
    r.stopped = true;
    this.flushOne(r);
    this.running.delete(r.id);
    await r.tunnel.stop().catch(() => {});
    await r.share.viewer.stop().catch(() => {});
    r.release();
    this.deps.db.update(r.id, { status, ended_at: this.iso(), ...(error === null ? {} : { last_error: error }) }, this.iso());
    this.deps.log.info(`share ${r.id}: ${status}${error ? `: ${error}` : ""}`);
  }

  // ---- restore after a daemon restart ------------------------------------------------------

  /** Before the socket answers: every share to restore says `restarting` until it is back. */
  markRestoring(): void {
    for (const row of this.deps.db.live()) {
      if (row.status !== "restarting") this.deps.db.update(row.id, { status: "restarting" }, this.iso());
    }
  }

  async restore(): Promise<void> {
    const rows = this.deps.db.live();
    if (rows.length === 0) return;
    this.deps.log.info(`restoring ${rows.length} share(s)`);
    await Promise.all(rows.map((row) => this.restoreOne(row)));
  }

  private async restoreOne(row: ShareRow): Promise<void> {
    this.deps.log.addSecret(row.token);
    const record = safeJson<TunnelRecord | null>(row.tunnel_record ?? "null", null);
    let provider: TunnelProvider;
    try {
      provider = this.deps.provider(row.provider_name as ProviderName);
    } catch (e) {
      this.deps.db.update(row.id, { status: "error", last_error: describeError(e), ended_at: this.iso() }, this.iso());
      return;
    }
    const config = this.tunnelConfig(row);
    let adopted: Tunnel | null = null;
    if (record && typeof provider.adopt === "function") {
      adopted = await provider.adopt(record, { config, env: this.deps.env, lease: this.deps.lease }).catch(() => null);
    }
    const expired = row.expires_at !== null && Date.parse(row.expires_at) <= this.now();
    const gone = !existsSync(row.session_path);
    if (expired || gone) {
      await adopted?.stop().catch(() => {});
      const status = expired ? "expired" : "error";
      this.deps.db.update(row.id, { status, ended_at: this.iso(), ...(gone && !expired ? { last_error: "the session file is gone" } : {}) }, this.iso());
      this.deps.log.info(`share ${row.id}: not restored (${expired ? "its time is up" : "the session file is gone"})`);
      return;
    }
    const port = row.local_port ?? undefined;
    if (adopted) {
      try {
        await this.launch(row, provider, { port, adopted });
        return;
      } catch (e) {
        this.deps.log.info(`share ${row.id}: could not take the adopted tunnel's port ${port} back (${describeError(e)}); starting a new tunnel`);
        await adopted.stop().catch(() => {});
      }
    }
    try {
      await this.launch(row, provider, { port }).catch((e) => {
        if (port === undefined) throw e;
        return this.launch(row, provider, {}); // the old port is taken: any port will do for a new tunnel
      });
    } catch (e) {
      this.deps.db.update(row.id, { status: "error", last_error: describeError(e), ended_at: this.iso() }, this.iso());
      this.deps.log.error(`share ${row.id}: could not be restored`, describeError(e));
    }
  }

  // ---- shutdown --------------------------------------------------------------------------------

  /**
   * stopShares: stop every share (status stopped). Otherwise leave the rows active and the
   * tunnels running under their lease, for the next daemon to adopt.
   */
  async shutdown(stopShares: boolean): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.flushViews();
    const all = [...this.running.values()];
    if (stopShares) {
      this.closed = false; // end() writes rows
      await Promise.all(all.map((r) => this.end(r, "stopped", null)));
      this.closed = true;
      return;
    }
    await Promise.all(
      all.map(async (r) => {
        r.stopped = true;
        if (this.deps.lease && typeof r.tunnel.detach === "function") r.tunnel.detach();
        else await r.tunnel.stop().catch(() => {});
        await r.share.viewer.stop().catch(() => {});
        r.release();
      }),
    );
    this.running.clear();
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function safeJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

