/**
 * Where a command writes. Passed in (never read from globals inside commands) so tests can capture
 * output and fake a terminal.
 */
import { createColors } from "picocolors";

export type Colors = ReturnType<typeof createColors>;

export interface Io {
  /** Write to stdout as-is. */
  out(text: string): void;
  /** Write to stderr as-is. */
  err(text: string): void;
  /** Is stdout a terminal (tables, QR codes, colours, prompts)? */
  isTTY: boolean;
  /** Is stdin a terminal (may we prompt)? */
  stdinIsTTY: boolean;
  colors: Colors;
  /** Terminal width in columns (a fixed 120 when not a terminal). */
  columns: number;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Colours only on a terminal, never with NO_COLOR, always with FORCE_COLOR. */
export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTTY && env.TERM !== "dumb";
}

/** Writes to a standard stream; a reader that went away (`panko list | head`) ends panko quietly. */
function writer(stream: NodeJS.WriteStream): (text: string) => void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  return (text) => {
    try {
      stream.write(text);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
      throw e;
    }
  };
}

export function processIo(): Io {
  const env = process.env;
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: writer(process.stdout),
    err: writer(process.stderr),
    isTTY,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    colors: createColors(colorEnabled(env, isTTY)),
    columns: (isTTY && process.stdout.columns) || 120,
    env,
    cwd: process.cwd(),
  };
}

/** An Io that records everything, for tests. */
export function memoryIo(opts: { env?: Record<string, string | undefined>; isTTY?: boolean; cwd?: string } = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const isTTY = opts.isTTY ?? false;
  const io: Io = {
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    isTTY,
    stdinIsTTY: isTTY,
    colors: createColors(false),
    columns: 120,
    env: opts.env ?? { ...process.env },
    cwd: opts.cwd ?? process.cwd(),
  };
  return { io, stdout: () => stdout.join(""), stderr: () => stderr.join("") };
}
