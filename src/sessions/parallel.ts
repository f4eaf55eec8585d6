/**
 * Summaries of many files on two cores: a Worker (summary/worker.ts) reads about half of the
 * bytes while this thread reads the rest. Used by a cold (or largely stale) `panko list`; small
 * batches are read here alone, where a worker's start would cost more than it saves.
 */
import { log } from "../log.ts";
import { workerEntry } from "../runtime.ts";
import type { SessionFile } from "./discover.ts";
import type { SessionSummary } from "./model.ts";
import { summarizeFile, type SummaryOptions } from "./summary/index.ts";

/** Below this many bytes to read, one thread is quicker than starting a worker. */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

function readHere(files: SessionFile[], options?: SummaryOptions): (SessionSummary | null)[] {
  return files.map((f) => {
    try {
      return summarizeFile(f.path, f.source, { size: f.size, mtimeMs: f.mtimeMs }, options);
    } catch {
      return null; // unreadable now: cached as negative until the file changes
    }
  });
}

/** Splits files into two sets of about equal bytes (largest first, each to the lighter set). */
export function splitBySize(files: SessionFile[]): [SessionFile[], SessionFile[]] {
  const order = files.map((f, i) => i).sort((a, b) => files[b].size - files[a].size);
  const sets: [number[], number[]] = [[], []];
  const bytes = [0, 0];
  for (const i of order) {
    const k = bytes[0] <= bytes[1] ? 0 : 1;
    sets[k].push(i);
    bytes[k] += files[i].size;
  }
  return [sets[0].sort((a, b) => a - b).map((i) => files[i]), sets[1].sort((a, b) => a - b).map((i) => files[i])];
}

/**
 * The summary of each file (null: not a session), in the order given. `workers: false` reads
 * everything on this thread. A worker that fails to start or dies leaves its files to this thread.
 */
export async function summarizeFiles(files: SessionFile[], opts: { options?: SummaryOptions; workers?: boolean } = {}): Promise<(SessionSummary | null)[]> {
  const total = files.reduce((n, f) => n + f.size, 0);
  const cores = navigator.hardwareConcurrency ?? 1;
  if (opts.workers === false || cores < 2 || files.length < 2 || total < PARALLEL_MIN_BYTES) return readHere(files, opts.options);

  const [theirs, mine] = splitBySize(files);
  let worker: Worker | undefined;
  const fromWorker = new Promise<(SessionSummary | null)[] | undefined>((resolve) => {
    try {
      worker = new Worker(workerEntry("sessions/summary/worker.ts"));
    } catch (e) {
      log.debug("summary worker did not start", e);
      return resolve(undefined);
    }
    worker.onmessage = (e: MessageEvent<(SessionSummary | null)[]>) => resolve(e.data);
    worker.onerror = (e) => {
      log.debug("summary worker failed", e.message);
      resolve(undefined);
    };
    worker.postMessage({ files: theirs, options: opts.options });
  });
  const here = readHere(mine, opts.options);
  let there = await fromWorker;
  worker?.terminate();
  if (there === undefined || there.length !== theirs.length) there = readHere(theirs, opts.options);
  else log.debug(`summarized ${theirs.length} of ${files.length} files in a worker`);

  const byPath = new Map<string, SessionSummary | null>();
  theirs.forEach((f, i) => byPath.set(f.path, there![i]));
  mine.forEach((f, i) => byPath.set(f.path, here[i]));
  return files.map((f) => byPath.get(f.path) ?? null);
}
