/**
 * Debug logging: to stderr with -v/--verbose, and appended to the config's log_file when set.
 * Quiet by default; never throws (a log that cannot be written is not a reason to fail).
 *
 * A log holds no way in: the file is created 0600 (and an existing one is narrowed to 0600), and
 * every share token in a line is masked (`/AbCd…/`) before it is written anywhere, so a log shows
 * which share a line is about without letting its reader open it. `maskToken` and `maskTokens` are
 * exported for other logs (the daemon's) to do the same.
 */
import { appendFileSync, chmodSync, closeSync, openSync } from "node:fs";

export interface Logger {
  debug(message: string, ...extra: unknown[]): void;
  /** Writes an error with its stack to the log (not to the user's terminal unless verbose). */
  error(message: string, error?: unknown): void;
}

let verbose = false;
let logFile: string | undefined;
let sink: (line: string) => void = (line) => void process.stderr.write(line);

export function configureLog(opts: { verbose?: boolean; file?: string; sink?: (line: string) => void }): void {
  if (opts.verbose !== undefined) verbose = opts.verbose;
  if (opts.file !== undefined) logFile = opts.file || undefined;
  if (opts.sink) sink = opts.sink;
}

/** The first 4 characters of a share token, then `…`: enough to tell shares apart in a log. */
export function maskToken(token: string): string {
  return token.length <= 4 ? "…" : `${token.slice(0, 4)}…`;
}

/** Share token length: 128 random bits in base64url (see share/share.ts). */
const TOKEN_IN_PATH = /\/([A-Za-z0-9_-]{22})(?=\/|$|[\s?#"'])/g;

/** Every share token in a URL path (`/<22 base64url chars>/`) of `text`, masked. */
export function maskTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, (_, t: string) => `/${maskToken(t)}`);
}

/** Opens `file` for appending, created 0600; an existing file is narrowed to 0600. */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, "a", 0o600));
  chmodSync(file, 0o600);
}

function format(level: string, message: string, extra: unknown[]): string {
  const rest = extra.map((x) => (x instanceof Error ? x.stack ?? x.message : typeof x === "string" ? x : JSON.stringify(x)));
  return maskTokens(`${new Date().toISOString()} ${level} ${[message, ...rest].join(" ")}`) + "\n";
}

let fileReady: string | undefined;

function emit(level: string, message: string, extra: unknown[], toTerminal: boolean): void {
  const line = format(level, message, extra);
  if (toTerminal) sink(line);
  if (logFile) {
    try {
      if (fileReady !== logFile) {
        ensurePrivateFile(logFile);
        fileReady = logFile;
      }
      appendFileSync(logFile, line, { mode: 0o600 });
    } catch {
      // The log is best effort.
    }
  }
}

export const log: Logger = {
  debug: (message, ...extra) => {
    if (verbose || logFile) emit("DEBUG", message, extra, verbose);
  },
  error: (message, error) => emit("ERROR", message, error === undefined ? [] : [error], verbose),
};

export function isVerbose(): boolean {
  return verbose;
}
