/**
 * daemon.log: appended, 0600, rotated to daemon.log.1 at 10 MB. Share tokens never appear in it
 * whole: every known token (and anything shaped like one after a URL's host) is masked.
 */
import { appendFileSync, chmodSync, existsSync, renameSync, statSync } from "node:fs";
import { maskToken, maskTokens } from "../log.ts";

export { maskToken };

export const ROTATE_BYTES = 10 * 1024 * 1024;

export interface DaemonLog {
  info(message: string): void;
  error(message: string, e?: unknown): void;
  /** Tokens to mask from now on. */
  addSecret(token: string): void;
}

export function createDaemonLog(path: string, opts: { echo?: (line: string) => void; rotateBytes?: number; now?: () => Date } = {}): DaemonLog {
  const secrets = new Set<string>();
  const rotateAt = opts.rotateBytes ?? ROTATE_BYTES;
  const now = opts.now ?? (() => new Date());
  let written = existsSync(path) ? statSync(path).size : 0;
  if (existsSync(path)) chmodSync(path, 0o600);

  const mask = (text: string) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(maskToken(s));
    return maskTokens(out);
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
