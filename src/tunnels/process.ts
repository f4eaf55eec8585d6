/**
 * The machinery every provider shares: spawn the tunnel executable under a watchdog, read its
 * output line by line, wait until the tunnel is ready (or a failure line, an early exit, a timeout,
 * an abort), stop it, detach from it, or adopt one started earlier.
 *
 * Exported (stable):
 *   startTunnelProcess(opts: TunnelProcessOptions): Promise<StartedProcess>
 *   adoptTunnelProcess(ids, opts): TunnelProcess | null     a handle on a watchdog started earlier
 *   interface TunnelProcess { pid, pidStart, groupPid, groupStart, logBase?, exited, stop(), detach(), recentOutput() }
 *   interface OutputParser { line(text, stream): LineVerdict; exit?(code, recent); timeout?(recent) }
 *   type LineVerdict = { url } | { ready: true } | { url, ready: true } | { fail; details? } | null | undefined
 *   class LineSplitter        chunks in, whole lines out (a line split across chunks is ONE line; \r\n ok)
 *   DEFAULT_START_TIMEOUT_MS = 30_000, DEFAULT_GRACE_MS = 3_000
 *
 * Nothing here is process-wide: each handle is owned by whoever started (or adopted) it.
 *
 * Ready: the start resolves once the URL is known AND, when `needReady` is set, the tunnel said it
 * is ready (a `{ready:true}` verdict) or `probe()` (the provider's own health API) answered ready.
 *
 * Two ways to live (both under a tiny POSIX `sh` watchdog, WATCHDOG_SCRIPT, spawned detached so it
 * leads a process group holding the tunnel and anything it forks; stop() signals that group):
 * - Without a lease, the tunnel dies with its owner: the watchdog's stdin is a pipe only the owner
 *   holds; when the owner dies for any reason, SIGKILL included, the kernel closes it, the
 *   watchdog's reader sees EOF and stops the group (SIGTERM, SIGKILL after the grace period).
 * - With a lease { file, graceMs }, the tunnel survives its owner: the watchdog checks the lease
 *   file's mtime every second (`stat -c %Y`, GNU, falling back to `stat -f %m`, BSD/macOS) and stops
 *   the group once it has not changed for graceMs. Output goes to `<logBase>.out` / `.err` next to
 *   the lease file (a pipe would break when the owner dies, and SIGPIPE would kill the tunnel); the
 *   owner tails those files, so a later owner can too.
 * POSIX only (macOS, Linux): the watchdog needs /bin/sh.
 */
import { existsSync, closeSync, openSync, readSync, fstatSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { constants as osConstants } from "node:os";
import { PankoError } from "../errors.ts";
import { isSameProcess, processStart } from "./lease.ts";
import type { Env, Lease, ProviderName } from "./provider.ts";

export const DEFAULT_START_TIMEOUT_MS = 30_000;
export const DEFAULT_GRACE_MS = 3_000;
const RECENT_LINES = 50;
const DETAIL_LINES = 12;
const MAX_LINE = 64 * 1024;
const PROBE_EVERY_MS = 200;
const TAIL_EVERY_MS = 100;
/** While a leased tunnel starts, its output is read this often (its ready line is what a share waits for). */
const TAIL_STARTING_MS = 10;
const TAIL_STARTING_FOR_MS = 3_000;
const ADOPTED_POLL_MS = 500;
const GONE_POLL_MS = 10;

export type Stream = "stdout" | "stderr";
export type LineVerdict =
  | { url: string; ready?: true }
  | { ready: true }
  | { fail: string; details?: string[] }
  | null
  | undefined;

/** Reads a provider's output. May keep state between lines; one parser per start. */
export interface OutputParser {
  line(text: string, stream: Stream): LineVerdict;
  /** The process exited before any verdict: the error message to give (default: a generic one). */
  exit?(code: number | null, recent: string[]): string | undefined;
  /** The start timed out: the error message to give (default: a generic one). */
  timeout?(recent: string[], seconds: string): { message: string; details?: string[] } | undefined;
}

export interface TunnelProcessOptions {
  provider: ProviderName;
  displayName: string;
  /** argv[0] is the executable's path. */
  argv: string[];
  env?: Env;
  parser: OutputParser;
  /** Wait for a {ready} verdict or a ready probe, not just the URL. */
  needReady?: boolean;
  /**
   * The provider's health API, polled during the start (given the URL once the log showed it):
   * the URL once known, and whether ready.
   */
  probe?: (url: string | null) => Promise<{ url?: string | null; ready: boolean }>;
  timeoutMs?: number;
  graceMs?: number;
  signal?: AbortSignal;
  onOutput?: (line: string, stream: Stream) => void;
  /** Extra lines added to the details of every start error (hints). */
  hints?: string[];
  lease?: Lease;
}

/** What names a watchdog + tunnel for good (pids with their start times) and where its output goes. */
export interface ProcessIds {
  pid: number;
  pidStart: string;
  groupPid: number;
  groupStart: string;
  logBase?: string;
  leaseFile?: string;
}

/** A running tunnel process (ours or adopted). */
export interface TunnelProcess extends ProcessIds {
  exited: Promise<number | null>;
  stop(): Promise<void>;
  detach(): void;
  recentOutput(): string[];
}

export interface StartedProcess {
  url: string;
  process: TunnelProcess;
}

/**
 * $1 = grace seconds, $2 = lease file ("" = none), $3 = lease seconds, $4 = log base, $5.. = argv.
 * Runs the tunnel in the background (stdin /dev/null), reports its pid as the first stderr line,
 * relays TERM/INT/HUP to it, and keeps a watcher: without a lease it reads the owner's pipe (fd 3)
 * until EOF (owner gone); with one it waits until the lease file's mtime has not changed for the
 * lease seconds (and removes the log files nobody reads any more). Then the watcher sends SIGTERM
 * to the whole group, SIGKILL after the grace period.
 * When the tunnel exits on its own, the shell sweeps the group (leftover children), stops the
 * watcher and exits with the tunnel's status.
 */
export const WATCHDOG_SCRIPT = `
grace="$1"; lease="$2"; leasesecs="$3"; logbase="$4"; shift 4
pid=""; stopping=""
trap 'stopping=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM INT HUP
if [ -n "$lease" ]; then
  exec 0</dev/null >>"$logbase.out" 2>>"$logbase.err"
else
  exec 3<&0 0</dev/null
fi
sh -c 'echo "panko-tunnel-pid $$" >&2; exec "$@"' panko-tunnel "$@" 3<&- &
pid=$!
[ -n "$stopping" ] && kill -TERM "$pid" 2>/dev/null
(
  trap '' TERM INT HUP
  if [ -n "$lease" ]; then
    mtime() { stat -c %Y "$lease" 2>/dev/null || stat -f %m "$lease" 2>/dev/null || echo gone; }
    last=$(mtime); idle=0
    while [ "$idle" -lt "$leasesecs" ]; do
      sleep 1
      now=$(mtime)
      if [ "$now" != gone ] && [ "$now" != "$last" ]; then last="$now"; idle=0; else idle=$((idle + 1)); fi
    done
  else
    while read -r _ <&3; do :; done
  fi
  [ -n "$lease" ] && rm -f "$logbase.out" "$logbase.err"
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

/** Follows a growing file from `offset`, line by line, until stopped. */
function tailFile(path: string, name: Stream, onLine: (line: string, stream: Stream) => void, fromEnd: boolean) {
  const decoder = new TextDecoder();
  const splitter = new LineSplitter();
  let fd: number | null = null;
  let pos = 0;
  const buf = Buffer.alloc(64 * 1024);
  const pull = () => {
    if (fd === null) {
      try {
        fd = openSync(path, "r");
        if (fromEnd) pos = fstatSync(fd).size;
      } catch {
        return;
      }
    }
    for (;;) {
      let n = 0;
      try {
        n = readSync(fd, buf, 0, buf.length, pos);
      } catch {
        return;
      }
      if (n <= 0) return;
      pos += n;
      for (const line of splitter.push(decoder.decode(buf.subarray(0, n), { stream: true }))) onLine(line, name);
    }
  };
  // Quick at first (a start waits on these lines), then at the steady pace.
  let timer = setInterval(pull, TAIL_STARTING_MS);
  const slow = setTimeout(() => {
    clearInterval(timer);
    timer = setInterval(pull, TAIL_EVERY_MS);
  }, TAIL_STARTING_FOR_MS);
  pull();
  return {
    /** Reads what is left, then stops. */
    end() {
      clearInterval(timer);
      clearTimeout(slow);
      pull();
      for (const line of splitter.end()) onLine(line, name);
      if (fd !== null) closeSync(fd);
      fd = null;
    },
    stop() {
      clearInterval(timer);
      clearTimeout(slow);
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the process `pid` that started at `start` is gone or a zombie (its parent's to
 * reap); one still there after `ms` gets a SIGKILL of its own and is waited for a little longer.
 */
async function untilGone(pid: number, start: string, ms: number): Promise<void> {
  const gone = async (until: number) => {
    for (;;) {
      if (!isSameProcess(pid, start)) return true;
      if (Date.now() > until) return false;
      await sleep(GONE_POLL_MS);
    }
  };
  if (await gone(Date.now() + ms)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return; // gone meanwhile
  }
  await gone(Date.now() + 5000);
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

/** Keeps the last RECENT_LINES lines and hands each one on. */
function lineLog(onOutput?: (line: string, stream: Stream) => void) {
  const recent: string[] = [];
  return {
    recent,
    add(line: string, stream: Stream) {
      recent.push(line);
      if (recent.length > RECENT_LINES) recent.shift();
      try {
        onOutput?.(line, stream);
      } catch {
        // a logging hook must not break the tunnel
      }
    },
  };
}

function removeLogs(logBase: string | undefined) {
  if (!logBase) return;
  for (const ext of [".out", ".err"]) rmSync(logBase + ext, { force: true });
}

let logCounter = 0;
function newLogBase(lease: Lease): string {
  return join(dirname(lease.file), `tunnel-${process.pid}-${Date.now().toString(36)}-${logCounter++}`);
}

/**
 * Spawns argv under the watchdog and resolves once the parser (and probe) say the tunnel is ready.
 * Rejects with PankoError("tunnel") on a failure line, an early exit, the timeout or an abort;
 * in every rejecting case the process is stopped (and gone) before the promise settles.
 */
export async function startTunnelProcess(o: TunnelProcessOptions): Promise<StartedProcess> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const graceMs = o.graceMs ?? DEFAULT_GRACE_MS;
  const name = o.displayName;
  if (o.signal?.aborted) throw new PankoError("tunnel", `Starting ${name} was cancelled.`);

  const graceSeconds = Math.max(1, Math.ceil(graceMs / 1000));
  const lease = o.lease;
  const logBase = lease ? newLogBase(lease) : undefined;
  const leaseSeconds = lease ? Math.max(1, Math.ceil(lease.graceMs / 1000)) : 0;
  if (logBase) removeLogs(logBase);
  const proc = Bun.spawn(
    ["/bin/sh", "-c", WATCHDOG_SCRIPT, "panko-watchdog", String(graceSeconds), lease?.file ?? "", String(leaseSeconds), logBase ?? "", ...o.argv],
    {
      stdin: lease ? "ignore" : "pipe",
      stdout: lease ? "ignore" : "pipe",
      stderr: lease ? "ignore" : "pipe",
      env: o.env ?? process.env,
      detached: true, // its own process group (and session): stop() signals the tunnel and all it forked
    },
  );
  const groupStart = processStart(proc.pid) ?? "";

  const log = lineLog(o.onOutput);
  let pid: number | null = null;
  /** The tunnel's start time, read when its pid is reported (null: gone already, or not known). */
  let tunnelStart: string | null = null;
  let pidKnown!: () => void;
  const pidPromise = new Promise<void>((resolve) => (pidKnown = resolve));
  let url: string | null = null;
  let ready = false;
  let failure: { fail: string; details?: string[] } | null = null;
  let onChange: (() => void) | null = null;

  const onLine = (line: string, stream: Stream) => {
    if (pid === null && stream === "stderr") {
      const m = PID_MARKER.exec(line);
      if (m) {
        pid = Number(m[1]);
        tunnelStart = processStart(pid);
        pidKnown();
        return;
      }
    }
    log.add(line, stream);
    if (failure || (url && (ready || !o.needReady))) return;
    const v = o.parser.line(line, stream);
    if (!v) return;
    if ("fail" in v) failure = v;
    else {
      if ("url" in v) url ??= v.url;
      if (v.ready) ready = true;
    }
    onChange?.();
  };

  let readers: Promise<unknown>;
  let endReaders: () => void = () => {};
  if (logBase) {
    const tails = [tailFile(`${logBase}.out`, "stdout", onLine, false), tailFile(`${logBase}.err`, "stderr", onLine, false)];
    readers = Promise.resolve();
    endReaders = () => tails.forEach((t) => t.end());
  } else {
    readers = Promise.all([
      pumpLines(proc.stdout as ReadableStream<Uint8Array>, "stdout", onLine),
      pumpLines(proc.stderr as ReadableStream<Uint8Array>, "stderr", onLine),
    ]);
  }
  let detached = false;
  const shExited: Promise<number | null> = proc.exited.then(
    () => statusOf(proc),
    () => statusOf(proc),
  );
  let gone = false;
  void shExited.then(() => {
    gone = true;
    closeStdin();
    if (!detached) {
      endReaders();
      removeLogs(logBase);
    }
  });

  let stdinClosed = false;
  function closeStdin() {
    if (stdinClosed || lease) return;
    stdinClosed = true;
    try {
      void (proc.stdin as import("bun").FileSink).end();
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
      // The watchdog reaped is not the tunnel gone: a SIGKILLed process runs its exit only once
      // it is scheduled again, which on a busy machine can be after the watchdog (killed in the
      // same breath) has been reaped. Resolve once the tunnel itself is gone (or a zombie).
      if (pid !== null && tunnelStart !== null) await untilGone(pid, tunnelStart, graceMs);
      // The pipes close once the tunnel is gone; do not wait forever on a grandchild holding them.
      await within(readers, 1000);
    })();
    return stopping;
  }

  const fail = (message: string, details: string[] = []) => {
    const output = lastLines(log.recent);
    return new PankoError("tunnel", message, {
      details: [...details, ...(output.length > 0 ? [`Last output of ${o.argv[0]}:`, ...output] : []), ...(o.hints ?? [])],
    });
  };

  // ---- wait for the first of: ready, failure, exit, timeout, abort ----
  type Outcome = "settled" | "exit" | "timeout" | "abort";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let abortListener: (() => void) | undefined;
  let probing = true;
  const outcome = await new Promise<Outcome>((resolve) => {
    const check = () => {
      if (failure || (url && (ready || !o.needReady))) resolve("settled");
    };
    onChange = check;
    check();
    void shExited.then(() => resolve("exit"));
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    if (o.signal) {
      abortListener = () => resolve("abort");
      o.signal.addEventListener("abort", abortListener, { once: true });
    }
    if (o.probe) {
      const probe = o.probe;
      void (async () => {
        while (probing && !gone) {
          try {
            const r = await probe(url);
            if (r.url) url ??= r.url;
            if (r.ready) ready = true;
            check();
          } catch {
            // not up yet
          }
          await sleep(PROBE_EVERY_MS);
        }
      })();
    }
  });
  probing = false;
  clearTimeout(timer);
  onChange = null;
  if (abortListener) o.signal?.removeEventListener("abort", abortListener);

  if (outcome === "exit") {
    // The last lines may still sit in the pipes: read them before judging.
    await within(readers, 1000);
    endReaders();
  }

  const f = failure as { fail: string; details?: string[] } | null;
  if (!f && url && (ready || !o.needReady) && outcome !== "exit") {
    // The pid marker is the very first stderr line, but stdout may win the race.
    await within(pidPromise, 2000);
    const tunnelPid = pid as number | null;
    const pidStart = tunnelPid === null ? null : (tunnelStart as string | null);
    if (tunnelPid === null || pidStart === null) {
      await stop();
      throw fail(`${name} said it was ready but its process could not be tracked.`);
    }
    return {
      url,
      process: {
        pid: tunnelPid,
        pidStart,
        groupPid: proc.pid,
        groupStart,
        logBase,
        leaseFile: lease?.file,
        exited: shExited,
        stop,
        detach() {
          // Without a lease the pipe stays open: the tunnel still dies with this process.
          if (detached || gone) return;
          detached = true;
          endReaders();
          proc.unref();
        },
        recentOutput: () => [...log.recent],
      },
    };
  }

  await stop();
  if (f) throw fail(f.fail, f.details);
  switch (outcome) {
    case "timeout": {
      const seconds = formatSeconds(timeoutMs);
      const custom = o.parser.timeout?.([...log.recent], seconds);
      if (custom) throw fail(custom.message, custom.details);
      throw fail(url ? `${name} printed its URL but did not become ready within ${seconds}.` : `${name} did not print a public URL within ${seconds}.`);
    }
    case "abort":
      throw new PankoError("tunnel", `Starting ${name} was cancelled.`);
    default: {
      const code = await shExited;
      const message =
        o.parser.exit?.(code, [...log.recent]) ??
        `${name} exited${code === null ? "" : ` with code ${code}`} before it was ready.`;
      throw fail(message);
    }
  }
}

/**
 * A handle on a watchdog + tunnel started earlier (by this or another process), or null when the
 * tunnel's pid is gone or reused. Its output is followed from the log files' current end; `exited`
 * resolves (null: the code of a process that is not our child is unknown) once the pid is gone.
 */
export function adoptTunnelProcess(ids: ProcessIds, opts: { graceMs?: number; onOutput?: (line: string, stream: Stream) => void }): TunnelProcess | null {
  if (!isSameProcess(ids.pid, ids.pidStart)) return null;
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const log = lineLog(opts.onOutput);
  const tails =
    ids.logBase && existsSync(`${ids.logBase}.err`)
      ? [tailFile(`${ids.logBase}.out`, "stdout", log.add, true), tailFile(`${ids.logBase}.err`, "stderr", log.add, true)]
      : [];
  let detached = false;
  let resolveExit!: (code: number | null) => void;
  const exited = new Promise<number | null>((resolve) => (resolveExit = resolve));
  const alive = () => isSameProcess(ids.pid, ids.pidStart);
  const groupAlive = () => ids.groupStart !== "" && isSameProcess(ids.groupPid, ids.groupStart);
  const poll = setInterval(() => {
    if (alive()) return;
    clearInterval(poll);
    tails.forEach((t) => t.end());
    if (!detached) removeLogs(ids.logBase);
    resolveExit(null);
  }, ADOPTED_POLL_MS);
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (groupAlive()) process.kill(-ids.groupPid, sig);
      else if (alive()) process.kill(ids.pid, sig);
    } catch {
      // gone meanwhile
    }
  };
  let stopping: Promise<void> | null = null;
  return {
    ...ids,
    exited,
    stop() {
      stopping ??= (async () => {
        signal("SIGTERM");
        if (!(await within(exited, graceMs))) {
          signal("SIGKILL");
          await within(exited, 5000);
        }
      })();
      return stopping;
    },
    detach() {
      detached = true;
      clearInterval(poll);
      tails.forEach((t) => t.stop());
    },
    recentOutput: () => [...log.recent],
  };
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
