/**
 * Tailscale Funnel: `tailscale funnel --https=<public port> http://127.0.0.1:PORT` in the
 * foreground; the Funnel is removed by tailscaled when the process ends.
 *
 * Exported (stable):
 *   createTailscale(): TunnelProvider     one instance per owner (it knows which ports its tunnels hold)
 *   tailscale: TunnelProvider             the default instance (the foreground CLI)
 *   FUNNEL_PORTS = [443, 8443, 10000]
 *   createTailscaleParser(): OutputParser & { state: { portBusy: boolean; allowedPorts: number[] | null } }
 *   parseFunnelPortsCap(capMap): number[] | null   ports from Self.CapMap's funnel-ports attribute
 *   funnelListed(statusJson, host, port): boolean  `tailscale funnel status --json` holds host:port
 *
 * Output facts (stdout):
 *   Available on the internet:
 *   <blank>
 *   https://host.tailnet.ts.net/            (":8443" / ":10000" before the "/" on other ports)
 *   |-- proxy http://127.0.0.1:PORT
 *   <blank>
 *   Press Ctrl+C to exit.
 * Failures (ipn/serve.go, ipn/ipnlocal/serve.go, client/local of tailscale 1.9x):
 *   Funnel not available; "funnel" node attribute not set. See https://tailscale.com/s/no-funnel.
 *   port N is not allowed for funnel; allowed ports are: 443,8443     (then try those ports)
 *   Funnel is not enabled on your tailnet. / To enable, visit: / <URL>  (then it waits: we stop it)
 *   Access denied: ...           (hint: sudo tailscale set --operator=$USER)
 *   sending serve config: updating config: listener already exists for port 443   (1.92+: busy)
 *   foreground already exists under this port                                   (older: busy)
 *
 * Ready: start() resolves once the URL is printed AND `tailscale funnel status --json` lists the
 * Funnel; ready() asks the same (the ServeConfig; a foreground Funnel sits under
 * "Foreground": {session: {"AllowFunnel": {"host:port": true}}}). A new Funnel name can take
 * minutes to resolve publicly: Tunnel.notes says so.
 *
 * Concurrent shares — the decision: tailscale allows only ONE foreground Funnel per public port
 * (a second one is refused as "listener already exists for port N", even with a different
 * --set-path), and Funnel only listens on 443, 8443 and 10000. So each share
 * gets its own public port: start() takes the first of FUNNEL_PORTS not used by a live tailscale
 * tunnel of this instance, and if tailscale says that port is taken (another program's Funnel),
 * tries the next. With all three taken it refuses clearly. --set-path is not used: the public URL
 * is the port's root, like the other providers, and the caller appends the viewer's token path.
 */
import { PankoError } from "../errors.ts";
import { requireExecutable, tunnelHandle } from "./handle.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import { adoptTunnelProcess, startTunnelProcess, type OutputParser } from "./process.ts";
import type { Env, StartOptions, Tunnel, TunnelProvider, TunnelRecord } from "./provider.ts";
import { localOrigin } from "./url.ts";

export const FUNNEL_PORTS = [443, 8443, 10000] as const;

const OPERATOR_HINT = "Let your user change Funnel settings (once): sudo tailscale set --operator=$USER";
const PORT_BUSY = /listener already exists for port|foreground already exists under this port|background configuration already exists|already serving/i;
const NOT_ENABLED = /^(\w+) is not enabled on your tailnet|^Funnel is enabled, but .*does not include/i;
const NO_ATTR = /^Funnel not available; (.*)$/;
const NOT_ALLOWED = /port (\d+) is not allowed for funnel(?:; allowed ports are: ([\d, ]+))?/i;
const FUNNEL_PORTS_CAP = "https://tailscale.com/cap/funnel-ports";
const NAME_NOTE = "A new Tailscale Funnel name can take a few minutes to resolve publicly: if the link does not open yet, wait and retry.";

function parsePortList(s: string): number[] {
  return s
    .split(/[,\s]+/)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** The ports in Self.CapMap's "https://tailscale.com/cap/funnel-ports?ports=443,8443" key. */
export function parseFunnelPortsCap(capMap: unknown): number[] | null {
  if (!capMap || typeof capMap !== "object") return null;
  for (const key of Object.keys(capMap)) {
    if (!key.startsWith(FUNNEL_PORTS_CAP)) continue;
    try {
      const ports = new URL(key).searchParams.get("ports");
      if (ports) return parsePortList(ports);
    } catch {
      // not a URL: ignore
    }
  }
  return null;
}

/** Whether a ServeConfig (`tailscale funnel status --json`) publishes host:port through Funnel. */
export function funnelListed(statusJson: string, host: string, port: number): boolean {
  let sc: { AllowFunnel?: Record<string, boolean>; Foreground?: Record<string, { AllowFunnel?: Record<string, boolean> }> };
  try {
    sc = JSON.parse(statusJson);
  } catch {
    return false;
  }
  const key = `${host}:${port}`;
  if (sc.AllowFunnel?.[key]) return true;
  return Object.values(sc.Foreground ?? {}).some((fg) => fg?.AllowFunnel?.[key] === true);
}

export function createTailscaleParser(): OutputParser & { state: { portBusy: boolean; allowedPorts: number[] | null } } {
  const state = { portBusy: false, allowedPorts: null as number[] | null };
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
      const noAttr = NO_ATTR.exec(text);
      if (noAttr) {
        return {
          fail: "Tailscale Funnel is not allowed for this machine: its \"funnel\" node attribute is not set.",
          details: [`tailscale: ${text}`, "An admin of your tailnet can grant it in the access controls (nodeAttrs); see https://tailscale.com/s/no-funnel."],
        };
      }
      const na = NOT_ALLOWED.exec(text);
      if (na) {
        state.allowedPorts = na[2] ? parsePortList(na[2]) : [];
        return {
          fail: `Tailscale Funnel does not allow public port ${na[1]} for this machine${na[2] ? `; allowed: ${state.allowedPorts.join(", ")}` : ""}.`,
        };
      }
      if (NOT_ENABLED.test(text)) {
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

async function run(argv: string[], env: Env): Promise<string | null> {
  try {
    const p = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore", stdin: "ignore", env });
    const timer = setTimeout(() => p.kill("SIGKILL"), 5000);
    const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
    clearTimeout(timer);
    return code === 0 ? out : null;
  } catch {
    return null;
  }
}

/** The funnel ports `tailscale status --json` allows (Self.CapMap), or null when it cannot tell. */
async function allowedPortsFromStatus(bin: string, env: Env): Promise<number[] | null> {
  const out = await run([bin, "status", "--json"], env);
  if (!out) return null;
  try {
    return parseFunnelPortsCap((JSON.parse(out) as { Self?: { CapMap?: unknown } }).Self?.CapMap);
  } catch {
    return null;
  }
}

function readyCheck(bin: string, env: Env, publicUrl: string, port: number) {
  const host = new URL(publicUrl).hostname;
  return async () => {
    const out = await run([bin, "funnel", "status", "--json"], env);
    return out !== null && funnelListed(out, host, port);
  };
}

export function createTailscale(): TunnelProvider {
  /** Public ports taken by live tailscale tunnels of this instance. */
  const portsInUse = new Set<number>();
  const hold = (port: number, exited: Promise<unknown>) => {
    portsInUse.add(port);
    void exited.then(() => portsInUse.delete(port));
  };
  return {
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
      // First line of `tailscale version` is the bare version, e.g. "1.92.1".
      return readVersion([path, "version"], /^\s*v?(\d+\.\d+(?:\.\d+)?\S*)/m, env);
    },

    async problem() {
      return null;
    },

    async start(localUrl: string, opts: StartOptions): Promise<Tunnel> {
      const env = opts.env ?? process.env;
      const bin = await requireExecutable(this, opts.config, env, ["Get it from https://tailscale.com/download, or set its path: panko config set tailscale_path <path>"]);
      const target = localOrigin(localUrl);
      const refused: string[] = [];
      let candidates: number[] = [...FUNNEL_PORTS];
      const tried = new Set<number>();
      for (let i = 0; i < candidates.length; i++) {
        const port = candidates[i]!;
        if (portsInUse.has(port) || tried.has(port)) continue;
        tried.add(port);
        portsInUse.add(port);
        const parser = createTailscaleParser();
        try {
          const started = await startTunnelProcess({
            provider: "tailscale",
            displayName: "tailscale funnel",
            argv: [bin, "funnel", `--https=${port}`, target],
            env,
            parser,
            needReady: true,
            probe: async (url) => ({ ready: url !== null && (await readyCheck(bin, env, url, port)()) }),
            timeoutMs: opts.timeoutMs,
            graceMs: opts.graceMs,
            signal: opts.signal,
            onOutput: opts.onOutput,
            lease: opts.lease,
          });
          hold(port, started.process.exited);
          return tunnelHandle(started.process, {
            provider: "tailscale",
            publicUrl: started.url,
            localUrl: target,
            ready: readyCheck(bin, env, started.url, port),
            notes: [NAME_NOTE],
            extra: { port },
          });
        } catch (e) {
          portsInUse.delete(port);
          if (parser.state.allowedPorts !== null) {
            const allowed = parser.state.allowedPorts.length > 0 ? parser.state.allowedPorts : ((await allowedPortsFromStatus(bin, env)) ?? []);
            const next = allowed.filter((p) => !tried.has(p));
            if (next.length === 0) {
              throw new PankoError("tunnel", e instanceof Error ? e.message : String(e), {
                details: [
                  allowed.length > 0 ? `Ports allowed for Funnel here: ${allowed.join(", ")} (all tried or in use).` : "No port is allowed for Funnel on this machine.",
                  "An admin can change the allowed ports in the tailnet's access controls (funnel-ports node attribute).",
                ],
              });
            }
            candidates = [...candidates.slice(0, i + 1), ...next];
            continue;
          }
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

    async adopt(record: TunnelRecord, opts) {
      if (record.provider !== "tailscale" || !record.port) return null;
      const env = opts.env ?? process.env;
      const bin = await this.locate(opts.config, env).catch(() => null);
      if (!bin) return null;
      const proc = adoptTunnelProcess(record, { graceMs: opts.graceMs, onOutput: opts.onOutput });
      if (!proc) return null;
      const ready = readyCheck(bin, env, record.publicUrl, record.port);
      if (!(await ready())) {
        await proc.stop();
        return null;
      }
      hold(record.port, proc.exited);
      return tunnelHandle(proc, { provider: "tailscale", publicUrl: record.publicUrl, localUrl: record.localUrl, ready, notes: [NAME_NOTE], extra: { port: record.port } });
    },
  };
}

/** The default instance, for the foreground CLI. */
export const tailscale: TunnelProvider = createTailscale();
