/**
 * Process identity and leases: what lets a tunnel outlive its owner safely.
 *
 * Exported (stable):
 *   processStart(pid): string | null   the process's start time: /proc/<pid>/stat field 22 (clock
 *                                       ticks since boot) on Linux, `ps -o lstart= -p PID` elsewhere;
 *                                       null when there is no such process. With the pid it names one
 *                                       process for good: a reused pid has another start time.
 *   isSameProcess(pid, start): boolean  alive (not a zombie) and started at `start`
 *   renewLease(file, now?): void        create the lease file or set its mtime to now (the owner
 *                                       calls it every few seconds; the watchdogs watch the mtime)
 */
import { closeSync, openSync, readFileSync, utimesSync } from "node:fs";

export function processStart(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === "linux") {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return null;
    }
    // "pid (comm) state ppid ..." — comm may hold spaces and parens: split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const state = fields[0];
    if (state === "Z" || state === "X") return null;
    return fields[19] ?? null; // field 22 overall = index 19 after "pid (comm)"
  }
  const r = Bun.spawnSync(["ps", "-o", "stat=,lstart=", "-p", String(pid)], { stdout: "pipe", stderr: "ignore" });
  const out = r.stdout.toString().trim();
  if (r.exitCode !== 0 || !out) return null;
  const [state, ...rest] = out.split(/\s+/);
  if (state?.startsWith("Z")) return null;
  return rest.join(" ") || null;
}

export function isSameProcess(pid: number, start: string): boolean {
  return processStart(pid) === start;
}

export function renewLease(file: string, now: Date = new Date()): void {
  try {
    utimesSync(file, now, now);
  } catch {
    closeSync(openSync(file, "a", 0o600));
    utimesSync(file, now, now);
  }
}
