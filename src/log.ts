/**
 * Debug logging: to stderr with -v/--verbose, and appended to the config's log_file when set.
 * Quiet by default; never throws (a log that cannot be written is not a reason to fail).
 */
import { appendFileSync } from "node:fs";

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

function format(level: string, message: string, extra: unknown[]): string {
  const rest = extra.map((x) => (x instanceof Error ? x.stack ?? x.message : typeof x === "string" ? x : JSON.stringify(x)));
  return `${new Date().toISOString()} ${level} ${[message, ...rest].join(" ")}\n`;
}

function emit(level: string, message: string, extra: unknown[], toTerminal: boolean): void {
  const line = format(level, message, extra);
  if (toTerminal) sink(line);
  if (logFile) {
    try {
      appendFileSync(logFile, line);
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
