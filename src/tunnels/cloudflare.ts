/**
 * Cloudflare quick tunnels. No account needed; the URL is random and lives as long as the process.
 *
 *   cloudflared tunnel --config <panko's own {} file> --no-autoupdate --metrics 127.0.0.1:<port>
 *                      --grace-period 1s --url http://127.0.0.1:PORT
 * with every TUNNEL_* variable removed from the environment: a user's ~/.cloudflared/config.yml
 * (ingress rules override --url; loglevel can hide the banner) and TUNNEL_* variables (each flag's
 * EnvVars) must not apply. An empty config file logs an ERR line, so it holds `{}`. cloudflared's
 * SIGTERM waits up to --grace-period (default 30 s) while any request is open, and a viewer's
 * event stream always is: 1 s keeps stop() quick without SIGKILL.
 *
 * Exported (stable):
 *   cloudflare: TunnelProvider                 the default instance
 *   createCloudflare(deps?: { pickPort? }): TunnelProvider   pickPort picks the metrics port (tests)
 *   parseQuickTunnelUrl(line): string | null      the https://<name>.trycloudflare.com on a line
 *   createCloudflareParser(): OutputParser & { state: { bindFailed: boolean } }
 *   RATE_LIMIT_MESSAGE
 *
 * Ready = reachable. The URL box is printed before any edge connection exists, so the box alone
 * is not ready. The metrics server answers GET /ready 200 once a connection is registered (503
 * before; body {"status","readyConnections","connectorId"}) and GET /quicktunnel
 * {"hostname":"<words>.trycloudflare.com"}; start() polls both and resolves on 200. The log is the
 * fallback: the URL from the box, ready at `INF Registered tunnel connection connIndex=0 ...`.
 * A taken metrics port makes cloudflared exit with `failed to bind to address (...)`: start()
 * retries with another port. ready() is the same GET /ready (the daemon's health check).
 *
 * Failures: the last line of a failed start is plain stderr (no time, no level), exit 1:
 *   failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": ...
 *   failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value
 * before which a rate limit logs
 *   ERR Error unmarshaling QuickTunnel response: error code: 1015 error="..." status_code="429 Too Many Requests"
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PankoError } from "../errors.ts";
import { dataDir } from "../paths.ts";
import { cleanTunnelEnv, requireExecutable, tunnelHandle } from "./handle.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import { adoptTunnelProcess, startTunnelProcess, type OutputParser } from "./process.ts";
import type { Env, StartOptions, Tunnel, TunnelProvider, TunnelRecord } from "./provider.ts";
import { localOrigin, pickFreePort, probeHttp } from "./url.ts";

const QUICK_URL = /https:\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.trycloudflare\.com(?![a-z0-9.\-/])/gi;
const RESERVED = new Set(["api", "www"]);
const LEVEL = /^\S+\s+(INF|WRN|ERR|FTL|DBG)\s+(.*)$/;
const FATAL = /^failed to \w+ quick ?tunnel|^error unmarshal\w* quick ?tunnel/i;
const BIND_FAILED = /failed to bind to address/i;
const RATE_LIMITED = /429 Too Many Requests|error code: 1015/i;
const REGISTERED = /^Registered tunnel connection\b/;
const BIND_ATTEMPTS = 3;

export const RATE_LIMIT_MESSAGE = "Cloudflare is rate-limiting quick tunnels from this address; wait a few minutes and share again.";

/** The quick-tunnel URL on a line, if any; never api.trycloudflare.com. */
export function parseQuickTunnelUrl(line: string): string | null {
  for (const m of line.matchAll(QUICK_URL)) {
    const label = m[1]!.toLowerCase();
    if (!RESERVED.has(label)) return `https://${label}.trycloudflare.com`;
  }
  return null;
}

/** Strips "<time> ERR " from a cloudflared log line. */
function message(line: string): { level: string | null; text: string } {
  const m = LEVEL.exec(line.trim());
  return m ? { level: m[1]!, text: m[2]! } : { level: null, text: line.trim() };
}

export function createCloudflareParser(): OutputParser & { state: { bindFailed: boolean } } {
  const state = { bindFailed: false };
  let lastError: string | null = null;
  let rateLimited = false;
  return {
    state,
    line(line) {
      const { level, text } = message(line);
      if (!text) return null;
      if (RATE_LIMITED.test(text)) rateLimited = true;
      if (BIND_FAILED.test(text)) {
        state.bindFailed = true;
        return { fail: `cloudflared could not open its metrics port: ${text}` };
      }
      if (level === "ERR" || level === "FTL" || (level === null && /^(failed|error) /i.test(text))) {
        lastError = text;
        if (FATAL.test(text)) {
          if (rateLimited) return { fail: RATE_LIMIT_MESSAGE, details: [`cloudflared: ${text}`] };
          return { fail: `Cloudflare could not create a quick tunnel: ${text}`, details: ["Check the network connection (api.trycloudflare.com must be reachable) and share again."] };
        }
        return null;
      }
      if (REGISTERED.test(text)) return { ready: true };
      // The URL sits inside the box, between "|" borders.
      if (text.includes("|")) {
        const url = parseQuickTunnelUrl(text);
        if (url) return { url };
      }
      return null;
    },
    exit(code) {
      if (rateLimited) return RATE_LIMIT_MESSAGE;
      if (lastError) return `cloudflared exited${code === null ? "" : ` with code ${code}`}: ${lastError}`;
      return undefined;
    },
    timeout(recent, seconds) {
      if (recent.some((l) => /Failed to dial a quic connection|failed to dial to edge/i.test(l))) {
        return {
          message: `cloudflared got a URL but could not connect to Cloudflare within ${seconds}.`,
          details: ["Outbound UDP 7844 (QUIC) may be blocked here; cloudflared falls back to TCP 7844 (http2) only if that port is open."],
        };
      }
      return undefined;
    },
  };
}

/** panko's own cloudflared config: `{}` (an empty file logs an ERR line). */
function ownConfigFile(env: Env): string {
  const dir = dataDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, "cloudflared.yml");
  writeFileSync(file, "{}\n", { mode: 0o600 });
  return file;
}

async function metricsReady(healthUrl: string): Promise<boolean> {
  const r = await probeHttp(healthUrl);
  return r?.status === 200;
}

async function metricsHostname(metricsOrigin: string): Promise<string | null> {
  const r = await probeHttp(`${metricsOrigin}/quicktunnel`);
  if (r?.status !== 200) return null;
  try {
    const host = (JSON.parse(r.body) as { hostname?: unknown }).hostname;
    return typeof host === "string" && host ? parseQuickTunnelUrl(`https://${host.replace(/^https:\/\//, "")}`) : null;
  } catch {
    return null;
  }
}

export function createCloudflare(deps: { pickPort?: () => number } = {}): TunnelProvider {
  const pickPort = deps.pickPort ?? pickFreePort;
  return {
    name: "cloudflare",
    displayName: "Cloudflare Tunnel",
    binaryName: "cloudflared",
    configKey: "cloudflared_path",

    async locate(config, env) {
      return locateExecutable({ binaryName: "cloudflared", configKey: "cloudflared_path", configured: config.cloudflared_path, env });
    },

    async version(path, env) {
      return readVersion([path, "--version"], /cloudflared version (\S+)/, env);
    },

    async problem() {
      return null;
    },

    async start(localUrl: string, opts: StartOptions): Promise<Tunnel> {
      const env = opts.env ?? process.env;
      const bin = await requireExecutable(this, opts.config, env, ["Install it with: panko tunnel install cloudflared", "or set its path: panko config set cloudflared_path <path>"]);
      const origin = localOrigin(localUrl);
      const config = ownConfigFile(env);
      for (let attempt = 1; ; attempt++) {
        const metrics = `http://127.0.0.1:${pickPort()}`;
        const healthUrl = `${metrics}/ready`;
        const parser = createCloudflareParser();
        try {
          const started = await startTunnelProcess({
            provider: "cloudflare",
            displayName: "cloudflared",
            argv: [bin, "tunnel", "--config", config, "--no-autoupdate", "--metrics", metrics.slice("http://".length), "--grace-period", "1s", "--url", origin],
            env: cleanTunnelEnv(env),
            parser,
            needReady: true,
            async probe() {
              const ready = await metricsReady(healthUrl);
              return { ready, url: ready ? await metricsHostname(metrics) : null };
            },
            timeoutMs: opts.timeoutMs,
            graceMs: opts.graceMs,
            signal: opts.signal,
            onOutput: opts.onOutput,
            lease: opts.lease,
          });
          return tunnelHandle(started.process, {
            provider: "cloudflare",
            publicUrl: started.url,
            localUrl: origin,
            ready: () => metricsReady(healthUrl),
            extra: { healthUrl },
          });
        } catch (e) {
          if (!parser.state.bindFailed || attempt >= BIND_ATTEMPTS) throw e;
        }
      }
    },

    async adopt(record: TunnelRecord, opts) {
      if (record.provider !== "cloudflare" || !record.healthUrl) return null;
      const proc = adoptTunnelProcess(record, { graceMs: opts.graceMs, onOutput: opts.onOutput });
      if (!proc) return null;
      const healthUrl = record.healthUrl;
      if (!(await metricsReady(healthUrl))) {
        await proc.stop(); // alive but not serving: a new start replaces it
        return null;
      }
      return tunnelHandle(proc, { provider: "cloudflare", publicUrl: record.publicUrl, localUrl: record.localUrl, ready: () => metricsReady(healthUrl), extra: { healthUrl } });
    },
  };
}

/** The default instance (stateless: every owner may share it). */
export const cloudflare: TunnelProvider = createCloudflare();
