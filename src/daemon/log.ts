/**
 * daemon.log: appended, 0600, rotated to daemon.log.1 at 10 MB. Share tokens never appear in it
 * whole: every known token (and anything shaped like one after a URL's host) is masked.
 */
import { appendFileSync, chmodSync, existsSync, renameSync, statSync } from "node:fs";

export const ROTATE_BYTES = 10 * 1024 * 1024;

export interface DaemonLog {
  info(message: string): void;
  error(message: string, e?: unknown): void;
  /** Tokens to mask from now on. */
  addSecret(token: string): void;
}

/** `AbCd…` : the first four characters of a token. */
export function maskToken(token: string): string {
  return token.length <= 4 ? "…" : `${token.slice(0, 4)}…`;
}

// A 128-bit base64url token is 22 characters; mask such a path segment right after a host.
const TOKEN_IN_URL = /(https?:\/\/[^/\s]+\/)([A-Za-z0-9_-]{20,})(?=\/|\s|$)/g;

export function createDaemonLog(path: string, opts: { echo?: (line: string) => void; rotateBytes?: number; now?: () => Date } = {}): DaemonLog {
  const secrets = new Set<string>();
  const rotateAt = opts.rotateBytes ?? ROTATE_BYTES;
  const now = opts.now ?? (() => new Date());
  let written = existsSync(path) ? statSync(path).size : 0;
  if (existsSync(path)) chmodSync(path, 0o600);

  const mask = (text: string) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(maskToken(s));
    return out.replace(TOKEN_IN_URL, (_m, pre: string, tok: string) => pre + maskToken(tok));
  };

  const write = (level: string, message: string) => {
    const line = `${now().toISOString()} ${level} ${mask(message)}\n`;
    try {
      if (written + line.length > rotateAt && written > 0) {
        renameSync(path, `${path}.1`);
        written = 0;
      }
      const fresh = written === 0 && !existsSync(path);
      appendFileSync(path, line, { mode: 0o600 });
      if (fresh) chmodSync(path, 0o600);
      written += Buffer.byteLength(line);
    } catch {
      // the log is best effort
    }
    opts.echo?.(line);
  };

  return {
    info: (m) => write("INFO", m),
    error: (m, e) => write("ERROR", e === undefined ? m : `${m}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    addSecret: (t) => {
      if (t.length >= 8) secrets.add(t);
    },
  };
}
