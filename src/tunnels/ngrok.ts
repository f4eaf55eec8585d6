/**
 * ngrok: ONE agent for all of an owner's ngrok tunnels (free accounts allow one agent session at a
 * time; a second `ngrok http` fails with ERR_NGROK_108). The agent runs as
 *   ngrok start --none --log stdout --log-format json --log-level info
 * with the auth token in the environment variable NGROK_AUTHTOKEN (never on the command line,
 * where `ps` would show it); `--log-level info` keeps a user's log_level from hiding the lines read.
 * Its API address comes from the `starting web service` line (`addr`: 4040 is only the first
 * choice; a second agent moves to 4041), and tunnels are added and removed through that API:
 *   POST /api/tunnels {"name","proto":"http","addr"} -> 201 {"name","public_url",...}
 *   DELETE /api/tunnels/NAME -> 204;   GET /api/tunnels -> {"tunnels":[{"name","public_url"}...]}
 * The agent is ready at `client session established`. It stops when its owner's last tunnel is
 * stopped; under a lease it outlives its owner like any tunnel (adopt() finds it again).
 *
 * Exported (stable):
 *   createNgrok(): TunnelProvider      one instance (one agent) per owner: the daemon keeps one
 *   ngrok: TunnelProvider              the default instance, for the foreground CLI
 *   createNgrokAgentParser(): OutputParser
 *   findNgrokToken(config, env): string | null    config ngrok_token, else $NGROK_AUTHTOKEN
 *   ngrokConfigHasToken(env): boolean             an authtoken in ngrok's own ngrok.yml
 *   FREE_DOMAIN_NOTE
 *
 * Log facts (stdout, one JSON object per line): levels `info`, `warn`, `eror`, `crit`; non-error
 * lines carry "err":"<nil>". The agent retries transient network errors itself (eror lines such
 * as `failed to send authentication request: dial tcp: i/o timeout`): only `crit`, an exit, or a
 * known permanent error fails a start: ERR_NGROK_4018 (no token), 105/107 (bad token), 108 (one
 * session: another agent of the user's holds it). A second agent may also just stall: the start
 * times out saying so. On a fatal error ngrok also prints plain `ERROR:  ...` lines on stderr.
 *
 * Token decision: a token in panko's config or in $NGROK_AUTHTOKEN, or one saved by
 * `ngrok config add-authtoken` in ngrok's own config file, all count; with none of them, start()
 * and problem() say how to set one (`panko config set ngrok_token <token>`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PankoError } from "../errors.ts";
import { home } from "../paths.ts";
import { requireExecutable, tunnelHandle } from "./handle.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import { adoptTunnelProcess, startTunnelProcess, type OutputParser, type TunnelProcess } from "./process.ts";
import type { AdoptOptions, Env, StartOptions, Tunnel, TunnelConfig, TunnelProvider, TunnelRecord } from "./provider.ts";
import { parseLocalUrl, probeHttp } from "./url.ts";

export const FREE_DOMAIN_NOTE =
  "ngrok's free domains show visitors a warning page first: they click \u201cVisit Site\u201d once to reach the share.";
const FREE_DOMAIN = /\.ngrok-free\.(app|dev)$|\.ngrok\.(app|dev|io)$/i;
const PERMANENT = /ERR_NGROK_(4018|105|107|108)\b/;
const ONE_SESSION_HINTS = [
  "Free ngrok accounts allow one agent session at a time, and another ngrok agent of yours holds it",
  "(a `ngrok http` in another terminal, or on another machine). Stop that agent and share again;",
  "panko runs all of its own ngrok shares through one agent. See https://dashboard.ngrok.com/agents",
];

const TOKEN_HINTS = [
  "Get a token at https://dashboard.ngrok.com/get-started/your-authtoken, then:",
  "  panko config set ngrok_token <token>",
];

export function findNgrokToken(config: TunnelConfig, env: Env = process.env): string | null {
  const t = config.ngrok_token?.trim() || env.NGROK_AUTHTOKEN?.trim();
  return t ? t : null;
}

/** Where ngrok v3 (and v2) keep their config file. */
function ngrokConfigFiles(env: Env): string[] {
  const h = home(env);
  const files: string[] = [];
  if (env.NGROK_CONFIG) files.push(...env.NGROK_CONFIG.split(/[,:]/).filter(Boolean));
  files.push(join(env.XDG_CONFIG_HOME || join(h, ".config"), "ngrok", "ngrok.yml"));
  files.push(join(h, "Library", "Application Support", "ngrok", "ngrok.yml"));
  files.push(join(h, ".ngrok2", "ngrok.yml"));
  return files;
}

export function ngrokConfigHasToken(env: Env = process.env): boolean {
  for (const file of ngrokConfigFiles(env)) {
    try {
      if (existsSync(file) && /^\s*authtoken:\s*["']?[A-Za-z0-9_\-]{8,}/m.test(readFileSync(file, "utf8"))) return true;
    } catch {
      // unreadable: ignore
    }
  }
  return false;
}

/** "authentication failed: X\r\n\r\nERR_NGROK_4018\r\n" -> "authentication failed: X (ERR_NGROK_4018)". */
function cleanNgrokError(err: string): string {
  const lines = err
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const code = lines.find((l) => /^ERR_NGROK_\d+$/.test(l));
  const text = lines.filter((l) => l !== code);
  const main = text[0] ?? "unknown error";
  return code ? `${main} (${code})` : main;
}

function isAuthProblem(text: string): boolean {
  return /ERR_NGROK_(105|107|4018)\b/.test(text) || (/authtoken|authentication failed/i.test(text) && !/ERR_NGROK_108/.test(text));
}

function failFor(reason: string): { fail: string; details?: string[] } {
  if (/ERR_NGROK_108\b/.test(reason)) {
    return { fail: `ngrok refused a second agent session: another ngrok agent of yours holds the session (${reason})`, details: ONE_SESSION_HINTS };
  }
  if (/ERR_NGROK_4018\b/.test(reason)) return { fail: `ngrok needs an auth token: ${reason}`, details: TOKEN_HINTS };
  if (/ERR_NGROK_10[57]\b/.test(reason)) return { fail: `ngrok rejected the auth token: ${reason}`, details: TOKEN_HINTS };
  return { fail: `ngrok failed: ${reason}`, details: isAuthProblem(reason) ? TOKEN_HINTS : [] };
}

/** Reads the agent's log: its API address, its session, its permanent failures. */
export function createNgrokAgentParser(): OutputParser {
  const plainErrors: string[] = [];
  let lastEror: string | null = null;
  return {
    line(line, stream) {
      const trimmed = line.trim();
      if (trimmed.startsWith("{")) {
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(trimmed);
        } catch {
          return null;
        }
        const err = typeof rec.err === "string" && rec.err !== "<nil>" && rec.err ? cleanNgrokError(rec.err) : null;
        if (rec.msg === "starting web service" && typeof rec.addr === "string" && rec.addr) {
          return { url: `http://${rec.addr.replace(/^https?:\/\//, "")}` };
        }
        if (rec.msg === "client session established") return { ready: true };
        if (rec.lvl === "crit") return failFor(err ?? String(rec.msg ?? "unknown error"));
        if (rec.lvl === "eror") {
          const reason = err ?? String(rec.msg ?? "unknown error");
          lastEror = reason;
          if (PERMANENT.test(reason)) return failFor(reason);
        }
        return null;
      }
      if (stream === "stderr" && /^ERROR:\s+/.test(trimmed)) {
        const text = trimmed.replace(/^ERROR:\s*/, "");
        if (text) plainErrors.push(text);
      }
      return null;
    },
    exit(code) {
      const reason = plainErrors.length > 0 ? cleanNgrokError(plainErrors.join("\n")) : lastEror;
      if (!reason) return undefined;
      const f = failFor(reason);
      return `ngrok exited${code === null ? "" : ` with code ${code}`}: ${f.fail}`;
    },
    timeout(recent, seconds) {
      return {
        message: `ngrok did not establish its session within ${seconds}: another ngrok agent of yours may hold the session.`,
        details: [...ONE_SESSION_HINTS, ...(lastEror ? [`Its last error: ${lastEror}`] : [])],
      };
    },
  };
}

interface Agent {
  apiUrl: string;
  process: TunnelProcess;
  /** Tunnels this owner holds in it (by name). */
  owned: Set<string>;
  gone: boolean;
}

interface ApiTunnel {
  name?: string;
  public_url?: string;
}

async function listTunnels(apiUrl: string): Promise<ApiTunnel[] | null> {
  const r = await probeHttp(`${apiUrl}/api/tunnels`);
  if (r?.status !== 200) return null;
  try {
    const body = JSON.parse(r.body) as { tunnels?: ApiTunnel[] };
    return Array.isArray(body.tunnels) ? body.tunnels : null;
  } catch {
    return null;
  }
}

function apiError(status: number, body: string): string {
  try {
    const j = JSON.parse(body) as { msg?: string; details?: { err?: string } };
    const parts = [j.msg, j.details?.err].filter((x): x is string => typeof x === "string" && x !== "");
    if (parts.length) return cleanNgrokError(parts.join(": "));
  } catch {
    // not JSON
  }
  return `HTTP ${status}${body.trim() ? `: ${body.trim().slice(0, 200)}` : ""}`;
}

function tunnelName(): string {
  return `panko-${crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), "")}`;
}

export function createNgrok(): TunnelProvider {
  let agentP: Promise<Agent> | null = null;

  function watch(agent: Agent) {
    void agent.process.exited.then(() => {
      agent.gone = true;
      if (agentP && current === agent) {
        agentP = null;
        current = null;
      }
    });
  }
  let current: Agent | null = null;

  async function ensureAgent(bin: string, token: string | null, opts: StartOptions): Promise<Agent> {
    if (current && !current.gone) return current;
    agentP ??= (async () => {
      const env = opts.env ?? process.env;
      const started = await startTunnelProcess({
        provider: "ngrok",
        displayName: "ngrok",
        argv: [bin, "start", "--none", "--log", "stdout", "--log-format", "json", "--log-level", "info"],
        env: token ? { ...env, NGROK_AUTHTOKEN: token } : env,
        parser: createNgrokAgentParser(),
        needReady: true,
        timeoutMs: opts.timeoutMs,
        graceMs: opts.graceMs,
        signal: opts.signal,
        onOutput: opts.onOutput,
        lease: opts.lease,
      });
      const agent: Agent = { apiUrl: started.url, process: started.process, owned: new Set(), gone: false };
      current = agent;
      watch(agent);
      return agent;
    })();
    try {
      return await agentP;
    } catch (e) {
      agentP = null;
      throw e;
    }
  }

  /** The agent stops with its owner's last tunnel; a detached last tunnel detaches it instead. */
  async function release(agent: Agent, name: string, how: "stop" | "detach") {
    agent.owned.delete(name);
    if (agent.owned.size > 0 || agent.gone) return;
    if (current === agent) {
      current = null;
      agentP = null;
    }
    if (how === "stop") await agent.process.stop();
    else agent.process.detach();
  }

  function handle(agent: Agent, name: string, publicUrl: string, localUrl: string): Tunnel {
    agent.owned.add(name);
    let resolveRemoved!: () => void;
    const removed = new Promise<null>((resolve) => (resolveRemoved = () => resolve(null)));
    let done = false;
    const proc: TunnelProcess = {
      ...agent.process,
      exited: Promise.race([agent.process.exited, removed]),
      async stop() {
        if (done) return;
        done = true;
        if (!agent.gone) {
          await fetch(`${agent.apiUrl}/api/tunnels/${encodeURIComponent(name)}`, { method: "DELETE", signal: AbortSignal.timeout(5000) }).catch(() => {});
        }
        resolveRemoved();
        await release(agent, name, "stop");
      },
      detach() {
        if (done) return;
        done = true;
        void release(agent, name, "detach");
      },
    };
    const host = new URL(publicUrl).hostname;
    return tunnelHandle(proc, {
      provider: "ngrok",
      publicUrl,
      localUrl,
      async ready() {
        if (agent.gone) return false;
        return (await listTunnels(agent.apiUrl))?.some((t) => t.name === name && typeof t.public_url === "string") ?? false;
      },
      notes: FREE_DOMAIN.test(host) ? [FREE_DOMAIN_NOTE] : [],
      extra: { agent: { apiUrl: agent.apiUrl, tunnelName: name } },
    });
  }

  return {
    name: "ngrok",
    displayName: "ngrok",
    binaryName: "ngrok",
    configKey: "ngrok_path",

    async locate(config, env) {
      return locateExecutable({ binaryName: "ngrok", configKey: "ngrok_path", configured: config.ngrok_path, env });
    },

    async version(path, env) {
      return readVersion([path, "version"], /ngrok version (\S+)/, env);
    },

    async problem(config, env = process.env) {
      if (findNgrokToken(config, env) || ngrokConfigHasToken(env)) return null;
      return "no auth token (panko config set ngrok_token <token>)";
    },

    async start(localUrl: string, opts: StartOptions): Promise<Tunnel> {
      const env = opts.env ?? process.env;
      const bin = await requireExecutable(this, opts.config, env, ["Get it from https://ngrok.com/download, or set its path: panko config set ngrok_path <path>"]);
      const token = findNgrokToken(opts.config, env);
      if (!token && !ngrokConfigHasToken(env)) {
        throw new PankoError("tunnel", "ngrok needs an auth token, and none is configured.", { details: TOKEN_HINTS });
      }
      const url = parseLocalUrl(localUrl);
      const addr = url.protocol === "https:" ? url.origin : `${url.hostname}:${url.port || "80"}`;
      const agent = await ensureAgent(bin, token, opts);
      const name = tunnelName();
      agent.owned.add(name); // keeps the agent while this tunnel is being added
      let res: Response;
      let body: string;
      try {
        res = await fetch(`${agent.apiUrl}/api/tunnels`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name, proto: "http", addr }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        });
        body = await res.text();
      } catch (e) {
        await release(agent, name, "stop");
        throw new PankoError("tunnel", `ngrok's agent API (${agent.apiUrl}) did not answer: ${e instanceof Error ? e.message : String(e)}`);
      }
      let publicUrl: string | null = null;
      if (res.ok) {
        try {
          const t = JSON.parse(body) as ApiTunnel;
          if (typeof t.public_url === "string" && t.public_url.startsWith("https://")) publicUrl = t.public_url.replace(/\/+$/, "");
        } catch {
          // handled below
        }
      }
      if (!publicUrl) {
        await release(agent, name, "stop");
        const reason = res.ok ? "its answer had no https public_url" : apiError(res.status, body);
        const f = failFor(reason);
        throw new PankoError("tunnel", `ngrok could not add the tunnel: ${f.fail}`, { details: f.details ?? [] });
      }
      return handle(agent, name, publicUrl, addr);
    },

    async adopt(record: TunnelRecord, opts: AdoptOptions) {
      if (record.provider !== "ngrok" || !record.agent) return null;
      const { apiUrl, tunnelName: name } = record.agent;
      let agent: Agent | null = current && !current.gone && current.process.pid === record.pid ? current : null;
      let fresh = false;
      if (!agent) {
        const proc = adoptTunnelProcess(record, { graceMs: opts.graceMs, onOutput: opts.onOutput });
        if (!proc) return null;
        agent = { apiUrl, process: proc, owned: new Set(), gone: false };
        fresh = true;
      }
      const listed = (await listTunnels(apiUrl))?.find((t) => t.name === name && typeof t.public_url === "string");
      if (!listed) {
        if (fresh) agent.process.detach(); // not ours to judge: its lease decides
        return null;
      }
      if (fresh) {
        if (current && !current.gone) {
          // An agent of our own already runs: this one is another; keep it only for this tunnel.
        } else {
          current = agent;
          agentP = Promise.resolve(agent);
        }
        watch(agent);
      }
      return handle(agent, name, record.publicUrl, record.localUrl);
    },
  };
}

/** The default instance, for the foreground CLI. */
export const ngrok: TunnelProvider = createNgrok();
