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
