/**
 * The contract every tunnel provider (cloudflared, ngrok, tailscale) keeps.
 *
 * Exported (stable, used by the daemon's supervisor and by `panko share` / `panko tunnel ...`):
 *   type ProviderName = "cloudflare" | "ngrok" | "tailscale"
 *   interface TunnelConfig      the plain options object taken from panko's config
 *   interface StartOptions      what start() accepts besides the local URL
 *   interface Tunnel            a running tunnel: publicUrl, pid, record, notes, exited, ready(), stop(),
 *                               detach(), recentOutput()
 *   interface TunnelRecord      JSON-serialisable facts to adopt a tunnel later (the daemon stores it)
 *   interface Lease             { file, graceMs }: the tunnel outlives its owner while the file is renewed
 *   interface AdoptOptions      what adopt() accepts
 *   interface TunnelProvider    name, displayName, binaryName, configKey, locate(), version(), problem(),
 *                               start(), adopt()
 *   type Env
 *
 * Nothing is process-wide: whoever starts a tunnel owns it and stops it (or detaches it under a
 * lease). Providers with shared state (ngrok's single agent) are instances: see createProviders()
 * in registry.ts; the daemon keeps one set for its lifetime.
 *
 * Shape of a start: `start("http://127.0.0.1:PORT", { config })` spawns the provider's executable
 * (through the watchdog in process.ts, so it never outlives panko), reads its output line by line
 * and resolves with a Tunnel once the tunnel is reachable (start = ready: cloudflared's
 * metrics /ready answers 200, ngrok's agent API lists the tunnel, tailscale printed its Funnel URL), or rejects with a PankoError("tunnel")
 * whose message is the provider's own failure line and whose details hold its last output lines.
 *
 * URLs: only the origin of `localUrl` (scheme, host, port) is forwarded; any path is ignored.
 * `publicUrl` is the public origin WITHOUT a trailing slash (e.g. "https://a-b-c.trycloudflare.com",
 * "https://host.tailnet.ts.net:8443"); the caller appends its own path (the viewer's token).
 */

export type ProviderName = "cloudflare" | "ngrok" | "tailscale";

export type Env = Record<string, string | undefined>;

/** The subset of panko's config the tunnels read. config.ts owns the real file; pass a plain object. */
export interface TunnelConfig {
  cloudflared_path?: string;
  ngrok_path?: string;
  tailscale_path?: string;
  ngrok_token?: string;
  default_provider?: ProviderName | string;
}

export interface Lease {
  /**
   * A file the owner renews (touches: its mtime changes) every few seconds; one file may serve all
   * of an owner's tunnels. renewLease() in lease.ts creates or touches it.
   */
  file: string;
  /** The tunnel stops by itself once the file has not changed for this long. */
  graceMs: number;
}

export interface StartOptions {
  config: TunnelConfig;
  /** Aborting it before the tunnel is ready stops the process and rejects the start. */
  signal?: AbortSignal;
  /** How long to wait for the tunnel to be ready. Default 30 000 ms. */
  timeoutMs?: number;
  /** SIGTERM -> SIGKILL grace used by stop(). Default 3 000 ms. */
  graceMs?: number;
  /** Environment for locating and running the executable. Default process.env. */
  env?: Env;
  /** Every output line, for the daemon log (the tunnel keeps printing after the start). */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
  /**
   * Without it the tunnel dies with its owner (even on SIGKILL: a pipe only the owner holds).
   * With it the tunnel survives its owner while the lease file is renewed, and its output goes to
   * files next to the lease (record.logBase) instead of pipes, so a later owner can adopt it.
   */
  lease?: Lease;
}

/**
 * What a later owner needs to find a tunnel again (JSON-serialisable; the daemon stores it).
 * A pid alone is not enough: pidStart (the start time as /proc/<pid>/stat field 22 on Linux, or
 * `ps -o lstart=` elsewhere) tells a live tunnel from a reused pid.
 */
export interface TunnelRecord {
  provider: ProviderName;
  /** The provider's process (cloudflared, tailscale; for ngrok the agent). */
  pid: number;
  pidStart: string;
  /** The watchdog shell that leads the tunnel's process group (stop() signals the group). */
  groupPid: number;
  groupStart: string;
  /** Public origin, no trailing slash. */
  publicUrl: string;
  /** The origin the tunnel forwards to. */
  localUrl: string;
  /** The provider's own health endpoint when it has one (cloudflared: http://127.0.0.1:P/ready). */
  healthUrl?: string;
  /** ngrok: the agent's API origin (http://127.0.0.1:4040) and this tunnel's name in it. */
  agent?: { apiUrl: string; tunnelName: string };
  /** tailscale: the public Funnel port (443, 8443 or 10000). */
  port?: number;
  /** Under a lease: output goes to `${logBase}.out` and `${logBase}.err` (removed when it stops). */
  logBase?: string;
  /** Under a lease: the file its watchdog watches (fixed at start; an adopter renews this one). */
  leaseFile?: string;
}

export interface Tunnel {
  provider: ProviderName;
  /** Public origin, no trailing slash. */
  publicUrl: string;
  /** Pid of the provider's own process (not of the watchdog shell around it). */
  pid: number;
  /** Facts to adopt it later (see TunnelRecord). */
  record: TunnelRecord;
  /**
   * Caveats for the user, in words ready to print ("ngrok's free domains show visitors a warning
   * page first..."). Empty when there is nothing to say.
   */
  notes: string[];
  /**
   * Resolves when the tunnel process is gone, with its exit code (128+N when killed by signal N),
   * or null when unknown (e.g. an adopted tunnel, not our child). Never rejects.
   */
  exited: Promise<number | null>;
  /** Health from the provider's own API. Never throws: false when it does not answer. */
  ready(): Promise<boolean>;
  /** SIGTERM, then SIGKILL after the grace period. Idempotent; resolves once the process is gone. */
  stop(): Promise<void>;
  /**
   * Stop owning it without stopping it (an owner that exits for an upgrade or restart): only
   * meaningful under a lease, whose watchdog then stops the tunnel if nobody renews the lease.
   * Without a lease the tunnel still dies with its owner. `exited` no longer resolves after it.
   */
  detach(): void;
  /** The last lines the process printed (both streams), oldest first. */
  recentOutput(): string[];
}

export interface AdoptOptions {
  config: TunnelConfig;
  env?: Env;
  /** The lease the adopting owner renews (usually the same file as before). */
  lease?: Lease;
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
  /** SIGTERM -> SIGKILL grace used by stop(). Default 3 000 ms. */
  graceMs?: number;
}

export interface TunnelProvider {
  name: ProviderName;
  /** For people: "Cloudflare Tunnel", "ngrok", "Tailscale Funnel". */
  displayName: string;
  /** The executable's name on PATH / in binDir(): "cloudflared", "ngrok", "tailscale". */
  binaryName: string;
  /** The config key that overrides where the executable is: "cloudflared_path", ... */
  configKey: "cloudflared_path" | "ngrok_path" | "tailscale_path";
  /**
   * The executable's path: the configured path (which must exist and be executable, else a
   * PankoError naming the key), else binDir()/<binaryName>, else PATH. null when not found.
   */
  locate(config: TunnelConfig, env?: Env): Promise<string | null>;
  /** The version the executable reports ("2025.8.1"), or null when it cannot tell. */
  version(path: string, env?: Env): Promise<string | null>;
  /**
   * Why this provider cannot be used even though its executable exists (e.g. ngrok without an
   * auth token), or null when it is ready.
   */
  problem(config: TunnelConfig, env?: Env): Promise<string | null>;
  start(localUrl: string, opts: StartOptions): Promise<Tunnel>;
  /**
   * A handle for a tunnel started earlier (by this or another process) from its record: null when
   * it is gone (pid dead or reused, health check not answering). Never throws for "gone".
   */
  adopt(record: TunnelRecord, opts: AdoptOptions): Promise<Tunnel | null>;
}
