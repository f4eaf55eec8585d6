/**
 * Tailscale Funnel: `tailscale funnel --https=<public port> http://127.0.0.1:PORT` in the
 * foreground; the Funnel is removed by tailscaled when the process ends.
 *
 * Exported (stable):
 *   tailscale: TunnelProvider
 *   FUNNEL_PORTS = [443, 8443, 10000]
 *   createTailscaleParser(): OutputParser & { state: { portBusy: boolean } }
 *
 * Output facts (stdout):
 *   Available on the internet:
 *   <blank>
 *   https://host.tailnet.ts.net/            (":8443" / ":10000" before the "/" on other ports)
 *   |-- proxy http://127.0.0.1:PORT
 *   <blank>
 *   Press Ctrl+C to exit.
 * Failures: "Funnel is not enabled on your tailnet." + "To enable, visit:" + the enable URL (and
 * then it waits, so we stop it); "Access denied: serve config denied" (hint: sudo tailscale set
 * --operator=$USER); "foreground already exists under this port" when that public port is taken.
 *
 * Concurrent shares — the decision: tailscale allows only ONE foreground Funnel per public port
 * (its validateConfig refuses a second one with "foreground already exists under this port", even
 * with a different --set-path), and Funnel only listens on 443, 8443 and 10000. So each share
 * gets its own public port: start() takes the first of FUNNEL_PORTS not used by a live tailscale
 * tunnel of this process, and if tailscale says that port is taken (another program's Funnel),
 * tries the next. With all three taken it refuses clearly. --set-path is not used: the public URL
 * is the port's root, like the other providers, and the caller appends the viewer's token path.
 */
import { PankoError } from "../errors.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import { startTunnelProcess, type OutputParser } from "./process.ts";
import type { StartOptions, Tunnel, TunnelProvider } from "./provider.ts";
import { localOrigin } from "./url.ts";

export const FUNNEL_PORTS = [443, 8443, 10000] as const;

const OPERATOR_HINT = "Let your user change Funnel settings (once): sudo tailscale set --operator=$USER";
const PORT_BUSY = /foreground already exists under this port|background configuration already exists|already serving/i;
const NOT_ENABLED = /^(\w+) is not enabled on your tailnet|^Funnel is enabled, but .*does not include/i;

/** Public ports taken by live tailscale tunnels of this process. */
const portsInUse = new Set<number>();

export function createTailscaleParser(): OutputParser & { state: { portBusy: boolean } } {
  const state = { portBusy: false };
  let header = false;
  let notEnabled: string | null = null;
  let lastStderr: string | null = null;
  return {
    state,
    line(line, stream) {
      const text = line.trim();
      if (!text) return null;
      if (stream === "stderr") lastStderr = text;
      if (text === "Available on the internet:") {
        header = true;
        return null;
      }
      if (text === "Available within your tailnet:") {
        return { fail: "tailscale set up a tailnet-only share, not a public Funnel." };
      }
      if (header) {
        const m = /^(https:\/\/[a-z0-9.-]+\.ts\.net(?::\d+)?)(\/\S*)?$/i.exec(text);
        if (m) return { url: m[1]!.toLowerCase() };
      }
      const ne = NOT_ENABLED.exec(text);
      if (ne) {
        notEnabled = text;
        return null;
      }
      if (notEnabled) {
        const url = /https:\/\/login\.tailscale\.com\/\S+/.exec(text);
        if (url) {
          return {
            fail: `Tailscale Funnel is not enabled for this machine: ${notEnabled}`,
            details: [`Enable it at ${url[0]} and share again.`],
          };
        }
      }
      if (/access denied/i.test(text)) {
        return { fail: `tailscale refused: ${text}`, details: [OPERATOR_HINT] };
      }
      if (PORT_BUSY.test(text)) {
        state.portBusy = true;
        return { fail: `tailscale refused: ${text}` };
      }
      return null;
    },
    exit(code) {
      if (notEnabled) return `Tailscale Funnel is not enabled for this machine: ${notEnabled}`;
      if (lastStderr) return `tailscale exited${code === null ? "" : ` with code ${code}`}: ${lastStderr}`;
      return undefined;
    },
  };
}

export const tailscale: TunnelProvider = {
  name: "tailscale",
  displayName: "Tailscale Funnel",
  binaryName: "tailscale",
  configKey: "tailscale_path",

  async locate(config, env) {
    return locateExecutable({
      binaryName: "tailscale",
      configKey: "tailscale_path",
      configured: config.tailscale_path,
      env,
      extraCandidates: process.platform === "darwin" ? ["/Applications/Tailscale.app/Contents/MacOS/Tailscale"] : [],
    });
  },

  async version(path, env) {
    // First line of `tailscale version` is the bare version, e.g. "1.84.3".
    return readVersion([path, "version"], /^\s*v?(\d+\.\d+(?:\.\d+)?\S*)/m, env);
  },

  async problem() {
    return null;
  },

  async start(localUrl: string, opts: StartOptions): Promise<Tunnel> {
    const env = opts.env ?? process.env;
    const bin = await this.locate(opts.config, env);
    if (!bin) {
      throw new PankoError("tunnel", "tailscale is not installed.", {
        details: ["Get it from https://tailscale.com/download, or set its path: panko config set tailscale_path <path>"],
      });
    }
    const target = localOrigin(localUrl);
    const refused: string[] = [];
    for (const port of FUNNEL_PORTS) {
      if (portsInUse.has(port)) continue;
      portsInUse.add(port);
      const parser = createTailscaleParser();
      try {
        const tunnel = await startTunnelProcess({
          provider: "tailscale",
          displayName: "tailscale funnel",
          argv: [bin, "funnel", `--https=${port}`, target],
          env,
          parser,
          timeoutMs: opts.timeoutMs,
          graceMs: opts.graceMs,
          signal: opts.signal,
          onOutput: opts.onOutput,
        });
        void tunnel.exited.then(() => portsInUse.delete(port));
        return tunnel;
      } catch (e) {
        portsInUse.delete(port);
        if (!parser.state.portBusy) throw e;
        refused.push(`port ${port}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    throw new PankoError("tunnel", "Tailscale Funnel has no free public port: it offers only 443, 8443 and 10000, and all are in use.", {
      details: [
        ...refused,
        "Stop another share (or your own `tailscale funnel`) first, or share this one with another provider (--provider cloudflare).",
      ],
    });
  },
};
