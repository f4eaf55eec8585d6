/**
 * Cloudflare quick tunnels: `cloudflared tunnel --url http://127.0.0.1:PORT --no-autoupdate`.
 * No account needed; the URL is random and lives as long as the process.
 *
 * Exported (stable):
 *   cloudflare: TunnelProvider
 *   parseQuickTunnelUrl(line): string | null      the https://<name>.trycloudflare.com on a line
 *   createCloudflareParser(): OutputParser
 *
 * Output facts (all on stderr, each line "<RFC3339 time> <LVL> <text>"):
 *   INF Thank you for trying Cloudflare Tunnel. ... Terms of Use (https://www.cloudflare.com/website-terms/) ...
 *   INF Requesting new quick Tunnel on trycloudflare.com...
 *   INF +------------------------------------------------------------+
 *   INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |
 *   INF |  https://four-dashed-word-url.trycloudflare.com              |
 *   INF +------------------------------------------------------------+
 * Failure: `ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": ...`
 * then exit 1. Only a one-label https://<name>.trycloudflare.com (never api.) counts as the URL.
 */
import { PankoError } from "../errors.ts";
import { startTunnelProcess, type OutputParser } from "./process.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import type { StartOptions, Tunnel, TunnelProvider } from "./provider.ts";
import { localOrigin } from "./url.ts";

const QUICK_URL = /https:\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\.trycloudflare\.com(?![a-z0-9.\-/])/gi;
const RESERVED = new Set(["api", "www"]);
const LEVEL = /^\S+\s+(INF|WRN|ERR|FTL|DBG)\s+(.*)$/;
const FATAL = /failed to \w+ quick ?tunnel|error unmarshal\w* quick ?tunnel/i;

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

export function createCloudflareParser(): OutputParser {
  let lastError: string | null = null;
  return {
    line(line) {
      const { level, text } = message(line);
      if (level === "ERR" || level === "FTL" || /^failed to /i.test(text)) {
        lastError = text;
        if (FATAL.test(text)) return { fail: `Cloudflare could not create a quick tunnel: ${text}` };
        return null;
      }
      // The URL sits inside the box, between "|" borders.
      if (text.includes("|")) {
        const url = parseQuickTunnelUrl(text);
        if (url) return { url };
      }
      return null;
    },
    exit(code) {
      if (lastError) return `cloudflared exited${code === null ? "" : ` with code ${code}`}: ${lastError}`;
      return undefined;
    },
  };
}

export const cloudflare: TunnelProvider = {
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
    const bin = await this.locate(opts.config, env);
    if (!bin) {
      throw new PankoError("tunnel", "cloudflared is not installed.", {
        details: ["Install it with: panko tunnel install cloudflared", "or set its path: panko config set cloudflared_path <path>"],
      });
    }
    return startTunnelProcess({
      provider: "cloudflare",
      displayName: "cloudflared",
      argv: [bin, "tunnel", "--url", localOrigin(localUrl), "--no-autoupdate"],
      env,
      parser: createCloudflareParser(),
      timeoutMs: opts.timeoutMs,
      graceMs: opts.graceMs,
      signal: opts.signal,
      onOutput: opts.onOutput,
    });
  },
};
