/**
 * The machinery every provider shares: spawn the tunnel executable, read its output line by line,
 * wait for the public URL (or a failure line, an early exit, a timeout, an abort), and stop it.
 *
 * Exported (stable):
 *   startTunnelProcess(opts: TunnelProcessOptions): Promise<Tunnel>
 *   interface OutputParser { line(text, stream): LineVerdict; exit?(code, recent): string | undefined }
 *   type LineVerdict = { url: string } | { fail: string; details?: string[] } | null | undefined
 *   class LineSplitter        chunks in, whole lines out (a line split across chunks is ONE line; \r\n ok)
 *   stopAllTunnels(): Promise<void>     stop every tunnel this process started (daemon shutdown)
 *   liveTunnelPids(): number[]          pids of the tunnels still running (diagnostics, tests)
 *   DEFAULT_START_TIMEOUT_MS = 30_000, DEFAULT_GRACE_MS = 3_000
 *
 * No child outlives panko. Bun.spawn has no parent-death signal, so the executable is not spawned
 * directly: it runs under a tiny POSIX `sh` watchdog (WATCHDOG_SCRIPT below) whose stdin is a pipe
 * that only panko holds open. When panko dies for any reason, SIGKILL included, the kernel closes
 * that pipe; the watchdog's reader sees EOF and sends the tunnel SIGTERM, then SIGKILL after the
 * grace period. The watchdog is spawned detached (its own process group), so stop() signals the
 * group: SIGTERM, then SIGKILL after the grace period, reaching anything the tunnel forked too;
 * panko only signals that group while its leader is not yet reaped, so never a reused pid. On top of that,
 * panko's own "exit" and SIGINT/SIGTERM/SIGHUP stop every live tunnel (when panko has no other
 * listener for that signal, it then exits with 128+N as the default action would).
 * POSIX only (macOS, Linux): the watchdog needs /bin/sh.
 */
import { constants as osConstants } from "node:os";
import { PankoError } from "../errors.ts";
import type { Env, ProviderName, Tunnel } from "./provider.ts";

export const DEFAULT_START_TIMEOUT_MS = 30_000;
export const DEFAULT_GRACE_MS = 3_000;
const RECENT_LINES = 50;
const DETAIL_LINES = 12;
const MAX_LINE = 64 * 1024;

export type Stream = "stdout" | "stderr";
export type LineVerdict = { url: string } | { fail: string; details?: string[] } | null | undefined;

/** Reads a provider's output. May keep state between lines; one parser per start. */
export interface OutputParser {
  line(text: string, stream: Stream): LineVerdict;
  /** The process exited before any verdict: the error message to give (default: a generic one). */
  exit?(code: number | null, recent: string[]): string | undefined;
}

export interface TunnelProcessOptions {
  provider: ProviderName;
  displayName: string;
  /** argv[0] is the executable's path. */
  argv: string[];
  env?: Env;
  parser: OutputParser;
  timeoutMs?: number;
  graceMs?: number;
  signal?: AbortSignal;
  onOutput?: (line: string, stream: Stream) => void;
  /** Extra lines added to the details of every start error (hints). */
  hints?: string[];
}

/**
 * $1 = grace seconds, $2.. = the tunnel's argv. panko spawns this detached (setsid), so the shell
 * leads a process group that holds the tunnel and anything the tunnel forks. It runs the tunnel in
 * the background (stdin /dev/null), reports its pid as the first stderr line, relays
 * TERM/INT/HUP to it, and keeps a reader on panko's pipe (fd 3) that, at EOF (panko gone), sends
 * SIGTERM to the whole group, then SIGKILL after the grace period. When the tunnel exits on its
 * own, the shell sweeps the group (leftover children), stops the reader and exits with the
 * tunnel's status.
 */
export const WATCHDOG_SCRIPT = `
grace="$1"; shift
pid=""; stopping=""
trap 'stopping=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT HUP
exec 3<&0 0</dev/null
sh -c 'echo "panko-tunnel-pid $$" >&2; exec "$@"' panko-tunnel "$@" 3<&- &
pid=$!
[ -n "$stopping" ] && kill -TERM "$pid" 2>/dev/null
(
  trap '' TERM INT HUP
  while read -r _ <&3; do :; done
  kill -TERM 0 2>/dev/null
  sleep "$grace"
  kill -KILL 0 2>/dev/null
) >/dev/null 2>&1 &
watch=$!
exec 3<&-
code=0
while :; do
  wait "$pid"; code=$?
  [ "$code" -eq 127 ] && break
  kill -0 "$pid" 2>/dev/null || break
done
trap '' TERM INT HUP
kill -TERM 0 2>/dev/null
kill -KILL "$watch" 2>/dev/null
exit "$code"
`;

const PID_MARKER = /^panko-tunnel-pid (\d+)$/;

/** Turns chunks of text into whole lines. A trailing \r is dropped; a partial line waits. */
export class LineSplitter {
  private buf = "";

  push(chunk: string): string[] {
    this.buf += chunk;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf("\n")) !== -1) {
      out.push(stripCR(this.buf.slice(0, nl)));
      this.buf = this.buf.slice(nl + 1);
    }
    if (this.buf.length > MAX_LINE) {
      out.push(this.buf);
      this.buf = "";
    }
    return out;
  }

  /** Whatever is left once the stream has ended (a last line without a newline). */
  end(): string[] {
    const rest = this.buf;
    this.buf = "";
    return rest.length > 0 ? [stripCR(rest)] : [];
  }
}

function stripCR(s: string): string {
  return s.endsWith("\r") ? s.slice(0, -1) : s;
}

async function pumpLines(stream: ReadableStream<Uint8Array>, name: Stream, onLine: (line: string, stream: Stream) => void) {
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const line of splitter.push(decoder.decode(value, { stream: true }))) onLine(line, name);
    }
  } catch {
    // a broken pipe ends the stream like EOF does
  }
  for (const line of splitter.push(decoder.decode())) onLine(line, name);
  for (const line of splitter.end()) onLine(line, name);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves true if p settled within ms, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function statusOf(proc: { exitCode: number | null; signalCode: string | number | null }): number | null {
  if (proc.exitCode !== null) return proc.exitCode;
  const sig = proc.signalCode;
  if (typeof sig === "number") return 128 + sig;
  if (typeof sig === "string") {
    const n = (osConstants.signals as Record<string, number>)[sig];
    if (n) return 128 + n;
  }
  return null;
}

// ---- every live tunnel of this process, so panko's own exit takes them along ----

interface Live {
  stopSync(): void;
  stop(): Promise<void>;
  tunnelPid(): number | null;
}

const live = new Set<Live>();
let hooksInstalled = false;

function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const l of live) l.stopSync();
  });
  const signals: [NodeJS.Signals, number][] = [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ];
  for (const [sig, code] of signals) {
    const handler = () => {
      for (const l of live) l.stopSync();
      // Only ours: do what the default action would have done.
      if (process.listenerCount(sig) <= 1) process.exit(code);
    };
    process.on(sig, handler);
  }
}

/** Stops every tunnel this process started and waits until they are gone. */
export async function stopAllTunnels(): Promise<void> {
  await Promise.all([...live].map((l) => l.stop()));
}

/** Pids of the tunnel processes still running (as far as this process knows). */
export function liveTunnelPids(): number[] {
  return [...live].map((l) => l.tunnelPid()).filter((p): p is number => p !== null);
}

/**
 * Spawns argv under the watchdog and resolves with a Tunnel when the parser finds the URL.
 * Rejects with PankoError("tunnel") on a failure line, an early exit, the timeout or an abort;
 * in every rejecting case the process is stopped (and gone) before the promise settles.
 */
export async function startTunnelProcess(o: TunnelProcessOptions): Promise<Tunnel> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const graceMs = o.graceMs ?? DEFAULT_GRACE_MS;
  const name = o.displayName;
  if (o.signal?.aborted) throw new PankoError("tunnel", `Starting ${name} was cancelled.`);

  installExitHooks();
  const graceSeconds = Math.max(1, Math.ceil(graceMs / 1000));
  const proc = Bun.spawn(["/bin/sh", "-c", WATCHDOG_SCRIPT, "panko-watchdog", String(graceSeconds), ...o.argv], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    env: o.env ?? process.env,
    detached: true, // its own process group: stop() signals the tunnel and everything it forked
  });

  const recent: string[] = [];
  let pid: number | null = null;
  let pidKnown!: () => void;
  const pidPromise = new Promise<void>((resolve) => (pidKnown = resolve));
  let verdict: LineVerdict = null;
  let onVerdict: (() => void) | null = null;

  const onLine = (line: string, stream: Stream) => {
    if (pid === null && stream === "stderr") {
      const m = PID_MARKER.exec(line);
      if (m) {
        pid = Number(m[1]);
        pidKnown();
        return;
      }
    }
    recent.push(line);
    if (recent.length > RECENT_LINES) recent.shift();
    try {
      o.onOutput?.(line, stream);
    } catch {
      // a logging hook must not break the tunnel
    }
    if (verdict) return;
    const v = o.parser.line(line, stream);
    if (v) {
      verdict = v;
      onVerdict?.();
    }
  };

  const readers = Promise.all([
    pumpLines(proc.stdout as ReadableStream<Uint8Array>, "stdout", onLine),
    pumpLines(proc.stderr as ReadableStream<Uint8Array>, "stderr", onLine),
  ]);
  const shExited: Promise<number | null> = proc.exited.then(
    () => statusOf(proc),
    () => statusOf(proc),
  );
  let gone = false;
  void shExited.then(() => {
    gone = true;
    live.delete(handle);
    closeStdin();
  });

  let stdinClosed = false;
  function closeStdin() {
    if (stdinClosed) return;
    stdinClosed = true;
    try {
      void proc.stdin.end();
    } catch {
      // already closed
    }
  }

  /** Signals the watchdog's whole process group (tunnel, its children, watchdog). */
  function signal(sig: NodeJS.Signals) {
    if (gone) return; // the group leader is reaped: its pgid may be reused, never signal it
    try {
      process.kill(-proc.pid, sig);
    } catch {
      try {
        proc.kill(sig);
      } catch {
        // already gone
      }
    }
  }

  let stopping: Promise<void> | null = null;
  function stop(): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      if (!gone) {
        signal("SIGTERM");
        if (!(await within(shExited, graceMs))) signal("SIGKILL");
      }
      closeStdin();
      await shExited;
      // The pipes close once the tunnel is gone; do not wait forever on a grandchild holding them.
      await within(readers, 1000);
    })();
    return stopping;
  }

  const handle: Live = {
    stop,
    stopSync() {
      signal("SIGTERM");
      closeStdin();
    },
    tunnelPid: () => (gone ? null : pid),
  };
  live.add(handle);

  const fail = (message: string, details: string[] = []) => {
    const output = lastLines(recent);
    return new PankoError("tunnel", message, {
      details: [...details, ...(output.length > 0 ? [`Last output of ${o.argv[0]}:`, ...output] : []), ...(o.hints ?? [])],
    });
  };

  // ---- wait for the first of: verdict, exit, timeout, abort ----
  type Outcome = { kind: "verdict" } | { kind: "exit" } | { kind: "timeout" } | { kind: "abort" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abortListener: (() => void) | undefined;
  const outcome = await new Promise<Outcome>((resolve) => {
    onVerdict = () => resolve({ kind: "verdict" });
    if (verdict) resolve({ kind: "verdict" });
    void shExited.then(() => resolve({ kind: "exit" }));
    timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
    if (o.signal) {
      abortListener = () => resolve({ kind: "abort" });
      o.signal.addEventListener("abort", abortListener, { once: true });
    }
  });
  clearTimeout(timer);
  onVerdict = null;
  if (abortListener) o.signal?.removeEventListener("abort", abortListener);

  if (outcome.kind === "exit") {
    // The last lines may still sit in the pipes: read them before judging.
    await within(readers, 1000);
  }

  const v = verdict as LineVerdict;
  if (v && "url" in v) {
    // The pid marker is the very first stderr line, but stdout may win the race.
    await within(pidPromise, 2000);
    if (pid === null) {
      await stop();
      throw fail(`${name} printed a URL but its process could not be tracked.`);
    }
    const tunnelPid: number = pid;
    return {
      provider: o.provider,
      publicUrl: v.url,
      pid: tunnelPid,
      exited: shExited,
      stop,
      recentOutput: () => [...recent],
    };
  }

  await stop();
  if (v && "fail" in v) throw fail(v.fail, v.details);
  switch (outcome.kind) {
    case "timeout":
      throw fail(`${name} did not print a public URL within ${formatSeconds(timeoutMs)}.`);
    case "abort":
      throw new PankoError("tunnel", `Starting ${name} was cancelled.`);
    default: {
      const code = await shExited;
      const message =
        o.parser.exit?.(code, [...recent]) ??
        `${name} exited${code === null ? "" : ` with code ${code}`} before printing a public URL.`;
      throw fail(message);
    }
  }
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function lastLines(recent: string[]): string[] {
  return recent
    .filter((l) => l.trim() !== "")
    .slice(-DETAIL_LINES)
    .map((l) => `  ${l}`);
}
