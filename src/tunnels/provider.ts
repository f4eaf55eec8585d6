/**
 * The contract every tunnel provider (cloudflared, ngrok, tailscale) keeps.
 *
 * Exported (stable, used by the daemon's supervisor and by `panko share` / `panko tunnel ...`):
 *   type ProviderName = "cloudflare" | "ngrok" | "tailscale"
 *   interface TunnelConfig      the plain options object taken from panko's config
 *   interface StartOptions      what start() accepts besides the local URL
 *   interface Tunnel            a running tunnel: publicUrl, pid, exited, stop(), recentOutput()
 *   interface TunnelProvider    name, displayName, binaryName, configKey, locate(), version(), start()
 *   type Env
 *
 * Shape of a start: `start("http://127.0.0.1:PORT", { config })` spawns the provider's executable
 * (through the watchdog in process.ts, so it never outlives panko), reads its output line by line
 * and resolves with a Tunnel once the public URL is printed, or rejects with a PankoError("tunnel")
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

export interface StartOptions {
  config: TunnelConfig;
  /** Aborting it before the URL is known stops the process and rejects the start. */
  signal?: AbortSignal;
  /** How long to wait for the public URL. Default 30 000 ms. */
  timeoutMs?: number;
  /** SIGTERM -> SIGKILL grace used by stop(). Default 3 000 ms. */
  graceMs?: number;
  /** Environment for locating and running the executable. Default process.env. */
  env?: Env;
  /** Every output line, for the daemon log (the tunnel keeps printing after the start). */
  onOutput?: (line: string, stream: "stdout" | "stderr") => void;
}

export interface Tunnel {
  provider: ProviderName;
  /** Public origin, no trailing slash. */
  publicUrl: string;
  /** Pid of the provider's own process (not of the watchdog shell around it). */
  pid: number;
  /**
   * Resolves when the tunnel process is gone, with its exit code (128+N when killed by signal N),
   * or null when unknown. A supervisor awaits it to notice a dead tunnel. Never rejects.
   */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after the grace period. Idempotent; resolves once the process is gone. */
  stop(): Promise<void>;
  /** The last lines the process printed (both streams), oldest first. */
  recentOutput(): string[];
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
}
