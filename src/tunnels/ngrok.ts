/**
 * ngrok: `ngrok http 127.0.0.1:PORT --log stdout --log-format json`, the auth token passed as the
 * environment variable NGROK_AUTHTOKEN (never on the command line, where `ps` would show it).
 *
 * Exported (stable):
 *   ngrok: TunnelProvider
 *   createNgrokParser(): OutputParser
 *   findNgrokToken(config, env): string | null    config ngrok_token, else $NGROK_AUTHTOKEN
 *   ngrokConfigHasToken(env): boolean             an authtoken in ngrok's own ngrok.yml
 *
 * Output facts (stdout, one JSON object per line):
 *   {"addr":"http://localhost:PORT","lvl":"info","msg":"started tunnel","name":"command_line",
 *    "obj":"tunnels","t":"...","url":"https://ab12-3-4.ngrok-free.app"}      <- success
 *   {"err":"authentication failed: ...\r\n\r\nERR_NGROK_4018\r\n","lvl":"eror",...}  <- failure
 *   lines with "lvl":"crit" are failures too; other lines may carry "err":null (not a failure).
 * On a fatal error ngrok also prints plain `ERROR:  ...` lines on stderr and exits 1.
 *
 * Token decision: a token in panko's config or in $NGROK_AUTHTOKEN, or one saved by
 * `ngrok config add-authtoken` in ngrok's own config file, all count; with none of them, start()
 * and problem() say how to set one (`panko config set ngrok_token <token>`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PankoError } from "../errors.ts";
import { home } from "../paths.ts";
import { locateExecutable, readVersion } from "./locate.ts";
import { startTunnelProcess, type OutputParser } from "./process.ts";
import type { Env, StartOptions, Tunnel, TunnelConfig, TunnelProvider } from "./provider.ts";
import { parseLocalUrl } from "./url.ts";

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
  return /authtoken|authentication failed|ERR_NGROK_(105|107|4018)\b/i.test(text);
}

export function createNgrokParser(): OutputParser {
  const plainErrors: string[] = [];
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
        const lvl = rec.lvl;
        if (rec.msg === "started tunnel" && typeof rec.url === "string" && rec.url.startsWith("https://")) {
          return { url: rec.url.replace(/\/+$/, "") };
        }
        if (lvl === "eror" || lvl === "crit") {
          const reason = typeof rec.err === "string" && rec.err ? cleanNgrokError(rec.err) : String(rec.msg ?? "unknown error");
          return { fail: `ngrok failed: ${reason}`, details: isAuthProblem(reason) ? TOKEN_HINTS : [] };
        }
        return null;
      }
      if (stream === "stderr" && /^ERROR:\s+/.test(trimmed)) {
        const text = trimmed.replace(/^ERROR:\s+/, "");
        if (text) plainErrors.push(text);
      }
      return null;
    },
    exit(code) {
      if (plainErrors.length === 0) return undefined;
      return `ngrok exited${code === null ? "" : ` with code ${code}`}: ${cleanNgrokError(plainErrors.join("\n"))}`;
    },
  };
}

export const ngrok: TunnelProvider = {
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
    const bin = await this.locate(opts.config, env);
    if (!bin) {
      throw new PankoError("tunnel", "ngrok is not installed.", {
        details: ["Get it from https://ngrok.com/download, or set its path: panko config set ngrok_path <path>"],
      });
    }
    const token = findNgrokToken(opts.config, env);
    if (!token && !ngrokConfigHasToken(env)) {
      throw new PankoError("tunnel", "ngrok needs an auth token, and none is configured.", { details: TOKEN_HINTS });
    }
    const url = parseLocalUrl(localUrl);
    const target = url.protocol === "https:" ? url.origin : `${url.hostname}:${url.port || "80"}`;
    return startTunnelProcess({
      provider: "ngrok",
      displayName: "ngrok",
      argv: [bin, "http", target, "--log", "stdout", "--log-format", "json"],
      env: token ? { ...env, NGROK_AUTHTOKEN: token } : env,
      parser: createNgrokParser(),
      timeoutMs: opts.timeoutMs,
      graceMs: opts.graceMs,
      signal: opts.signal,
      onOutput: opts.onOutput,
    });
  },
};
