/**
 * One typed error family. Every failure a user can meet is a PankoError with a message they can
 * act on and an exit code; the top level prints the message (no stack) and logs the stack.
 */

export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

export type ErrorCode =
  | "usage"
  | "config"
  | "not-found"
  | "ambiguous"
  | "not-a-session"
  | "io"
  | "port"
  | "tunnel"
  | "daemon"
  | "internal";

export class PankoError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** Extra lines shown under the message (candidates, hints). */
  readonly details: string[];

  constructor(code: ErrorCode, message: string, opts: { exitCode?: number; details?: string[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "PankoError";
    this.code = code;
    this.exitCode = opts.exitCode ?? (code === "usage" ? ExitCode.usage : ExitCode.failure);
    this.details = opts.details ?? [];
  }
}

export const usageError = (message: string, details?: string[]) => new PankoError("usage", message, { details });

export function isPankoError(e: unknown): e is PankoError {
  return e instanceof PankoError;
}

/** A short, single-line description of any thrown value. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOENT: "the folder does not exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EEXIST: "it exists already",
  EMFILE: "too many open files",
};

/**
 * Why a file operation failed, in words and without the paths Node puts in its messages (a
 * temporary file's name means nothing to the user; the caller names the file they asked for).
 */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && FS_REASONS[code]) return FS_REASONS[code];
  const message = describeError(e).replace(/,\s*(open|rename|write|unlink|mkdir|close)\s+'[^']*'(\s*->\s*'[^']*')?/g, "");
  return code ? `${message.replace(new RegExp(`^${code}:\\s*`), "")} (${code})` : message;
}
