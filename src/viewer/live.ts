/**
 * The session a viewer holds in memory, kept current. While someone listens (an open events
 * stream), the session file is watched — fs.watch for speed, a poll as the fallback for file
 * systems and editors where fs.watch says nothing (or stops after a rename) — and a change,
 * debounced, re-parses the file and tells the listeners which turns changed. The poll also looks
 * at the session's other inputs (its sub-agents' transcripts, where new ones appear:
 * sessions/parse.ts sessionInputs), which grow while the session file waits for a sub-agent.
 */
import { watch, type FSWatcher } from "node:fs";
import { stat } from "node:fs/promises";
import { log } from "../log.ts";
import type { Block, Session, Turn } from "../sessions/model.ts";
import { sessionInputs } from "../sessions/parse.ts";

export interface Update {
  previous: Session;
  session: Session;
  /** Indexes (in `session.turns`) of turns that are new or differ from the previous parse. */
  changed: number[];
  generation: number;
  /** The file shrank, was replaced, or lost turns: a page must start over, not patch what it holds. */
  reset: boolean;
}

/** What changed since a generation: turn indexes to re-send, or "reset" when only a fresh page is correct. */
export type Changes = number[] | "reset";

/** How many past updates a LiveSession remembers for `changesSince`. */
const HISTORY = 64;

export interface LiveOptions {
  path: string;
  load(): Promise<Session>;
  /** Delay between a change being seen and the re-parse, ms (default 75); changes within it are coalesced. */
  debounceMs?: number;
  /** Poll interval while watching, ms (default 1000). */
  pollMs?: number;
}

interface FileState {
  size: number;
  mtimeMs: number;
  ino: number;
}

async function fileState(path: string): Promise<FileState | undefined> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
  } catch {
    return undefined;
  }
}

const sameState = (a: FileState | undefined, b: FileState | undefined) =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/** What the other inputs look like: one string to compare (their paths and states), and the latest mtime. */
async function inputsState(paths: string[]): Promise<{ signature: string; mtimeMs: number }> {
  let signature = "";
  let mtimeMs = 0;
  for (const p of paths) {
    const s = await fileState(p);
    signature += s ? `${p}\0${s.size}\0${s.mtimeMs}\0${s.ino}\n` : `${p}\0-\n`;
    if (s && s.mtimeMs > mtimeMs) mtimeMs = s.mtimeMs;
  }
  return { signature, mtimeMs };
}

export class LiveSession {
  #opts: LiveOptions;
  #session: Session;
  #state: FileState | undefined;
  /** The session's other inputs, and how they looked before the parse that read them. */
  #inputs: string[];
  #inputsSignature = "";
  #fingerprints: string[];
  #generation = 0;
  #loadedAt: number;
  #listeners = new Set<(u: Update) => void>();
  #watcher: FSWatcher | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | undefined;
  /** How long the last parse took, and when it ended (performance.now()). */
  #lastLoadMs = 0;
  #lastEnd = 0;
  #again = false;
  #stopped = false;
  #history: { generation: number; changed: number[]; reset: boolean }[] = [];
  #gone = false;

  private constructor(opts: LiveOptions, session: Session, state: FileState | undefined) {
    this.#opts = opts;
    this.#session = session;
    this.#state = state;
    this.#inputs = sessionInputs(session);
    this.#fingerprints = session.turns.map(turnFingerprint);
    this.#loadedAt = state?.mtimeMs ?? Date.now();
  }

  /** Parses the session once (before the server listens, so the first page is fast). */
  static async open(opts: LiveOptions): Promise<LiveSession> {
    const state = await fileState(opts.path);
    const started = performance.now();
    const wallStart = Date.now();
    const session = await opts.load();
    const live = new LiveSession(opts, session, state);
    // The inputs are known only once parsed: one that changed while the parse ran (its mtime is
    // not before the start) is left unmatched, so the first poll parses again.
    const inputs = await inputsState(live.#inputs);
    live.#inputsSignature = inputs.mtimeMs >= wallStart - 1 ? "" : inputs.signature;
    live.#lastEnd = performance.now();
    live.#lastLoadMs = live.#lastEnd - started;
    return live;
  }

  /** The session file this holds. */
  get path(): string {
    return this.#opts.path;
  }

  get session(): Session {
    return this.#session;
  }

  /** Bumped on every re-parse that changed something. */
  get generation(): number {
    return this.#generation;
  }

  /** When the file was last seen to change (its mtime), as an ISO string. */
  get updatedAt(): string {
    return new Date(this.#loadedAt).toISOString();
  }

  get watching(): boolean {
    return this.#watcher !== undefined || this.#poll !== undefined;
  }

  /**
   * Re-parses when the file changed since the last parse; resolves to whether the session
   * changed. Calls made while one runs share it (and one more runs after, if asked meanwhile).
   */
  refresh(): Promise<boolean> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = async (): Promise<boolean> => {
      let changed = false;
      do {
        this.#again = false;
        changed = (await this.#reloadIfChanged()) || changed;
      } while (this.#again && !this.#stopped);
      return changed;
    };
    this.#refreshing = run().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #reloadIfChanged(): Promise<boolean> {
    const state = await fileState(this.#opts.path);
    if (state === undefined) {
      // The file went away: keep the last state, and say so once (pages show it; a share keeps serving).
      if (this.#gone || this.#stopped) return false;
      this.#gone = true;
      this.#announce(this.#session, []);
      return true;
    }
    const cameBack = this.#gone;
    const inputs = await inputsState(this.#inputs);
    if (sameState(state, this.#state) && inputs.signature === this.#inputsSignature && !cameBack) return false;
    this.#gone = false;
    let session: Session;
    const started = performance.now();
    try {
      session = await this.#opts.load();
    } catch (e) {
      // A half-written file or a transient error: keep what we have, try again on the next change.
      log.debug(`viewer: re-parse of ${this.#opts.path} failed`, e);
      return false;
    } finally {
      this.#lastEnd = performance.now();
      this.#lastLoadMs = this.#lastEnd - started;
    }
    if (this.#stopped) return false;
    const previous = this.#session;
    const before = this.#state;
    const fingerprints = session.turns.map(turnFingerprint);
    const changed: number[] = [];
    // A live page draws its last turn whole (render/turn.ts): the one that stops being last is sent again.
    const wasLast = this.#fingerprints.length - 1;
    for (let i = 0; i < fingerprints.length; i++) {
      if (fingerprints[i] !== this.#fingerprints[i] || (i === wasLast && fingerprints.length > this.#fingerprints.length)) changed.push(i);
    }
    this.#state = state;
    this.#loadedAt = Math.max(state.mtimeMs, inputs.mtimeMs);
    this.#session = session;
    this.#fingerprints = fingerprints;
    // The inputs as they were before this parse: if the parse names other ones, the next poll
    // sees another signature and parses once more, with their states from before it.
    const paths = sessionInputs(session);
    this.#inputsSignature = paths.join("\0") === this.#inputs.join("\0") ? inputs.signature : "";
    this.#inputs = paths;
    const metaChanged =
      previous.turns.length !== session.turns.length || previous.title !== session.title || previous.endedAt !== session.endedAt;
    // A shorter file, another inode or fewer turns: the file was rewritten, not appended to.
    const reset =
      before !== undefined && (state.size < before.size || state.ino !== before.ino || session.turns.length < previous.turns.length);
    if (changed.length === 0 && !metaChanged && !reset && !cameBack) return false;
    this.#announce(previous, changed, reset);
    return true;
  }

  #announce(previous: Session, changed: number[], reset = false): void {
    this.#generation++;
    this.#history.push({ generation: this.#generation, changed, reset });
    if (this.#history.length > HISTORY) this.#history.shift();
    const update: Update = { previous, session: this.#session, changed, generation: this.#generation, reset };
    for (const listener of this.#listeners) {
      try {
        listener(update);
      } catch (e) {
        log.error("viewer: live listener failed", e);
      }
    }
  }

  /** The session file is gone (the session as last read is kept). */
  get gone(): boolean {
    return this.#gone;
  }

  /**
   * The turns that changed after generation `g` (sorted), or "reset" when a page at `g` cannot be
   * patched: the file was rewritten since, `g` is older than the remembered history, or `g` comes
   * from another process (a restarted viewer counts from 0 again).
   */
  changesSince(g: number): Changes {
    if (!Number.isInteger(g) || g > this.#generation) return "reset";
    if (g === this.#generation) return [];
    const first = this.#history[0];
    if (!first || first.generation > g + 1) return "reset";
    const out = new Set<number>();
    for (const h of this.#history) {
      if (h.generation <= g) continue;
      if (h.reset) return "reset";
      for (const i of h.changed) out.add(i);
    }
    const n = this.#session.turns.length;
    return [...out].filter((i) => i < n).sort((a, b) => a - b);
  }

  /** Listens for updates; the file is watched while at least one listener is subscribed. */
  subscribe(listener: (u: Update) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#stopped) this.#startWatching();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopWatching();
    };
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /**
   * A change was seen: re-parse soon. Changes that arrive meanwhile join the pending run (the timer
   * is not pushed back, so a file written without pause is still picked up), and the next run
   * waits at least as long as the last parse took, so a huge session that never stops growing
   * costs at most about half a core, not all of it.
   */
  #schedule = () => {
    if (this.#debounce || this.#stopped) return;
    const sinceLast = performance.now() - this.#lastEnd;
    const delay = Math.max(this.#opts.debounceMs ?? 75, this.#lastLoadMs - sinceLast);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      void this.refresh();
    }, delay);
  };

  #startWatching(): void {
    if (this.watching) return;
    try {
      this.#watcher = watch(this.#opts.path, { persistent: false }, this.#schedule);
      this.#watcher.on("error", (e) => {
        log.debug("viewer: fs.watch failed, polling only", e);
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch (e) {
      log.debug("viewer: fs.watch unavailable, polling only", e);
    }
    this.#poll = setInterval(this.#schedule, this.#opts.pollMs ?? 1000);
    this.#poll.unref?.();
  }

  #stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = undefined;
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#debounce = undefined;
  }

  stop(): void {
    this.#stopped = true;
    this.#listeners.clear();
    this.#stopWatching();
  }
}

/**
 * A cheap summary of what a turn shows: enough to notice a turn that grew (new blocks, a longer
 * text, a tool result arriving) without rendering or serialising it.
 */
export function turnFingerprint(turn: Turn): string {
  let s = `${turn.id}|${turn.abandoned ? 1 : 0}|${turn.blocks.length}`;
  for (const b of turn.blocks) s += `|${b.id}:${blockSize(b)}`;
  return s;
}

function blockSize(b: Block): string {
  switch (b.kind) {
    case "prompt":
    case "text":
    case "thinking":
    case "notice":
      return String(b.text.length);
    case "command":
      return `${b.args?.length ?? 0}.${b.output?.length ?? 0}`;
    case "image":
      return String(b.data?.length ?? b.url?.length ?? 0);
    case "compaction":
      return String(b.summary?.length ?? 0);
    case "tool": {
      const r = b.result;
      const lastTurn = b.subAgent?.turns.at(-1);
      const lastBlock = lastTurn?.blocks.at(-1);
      const sub = b.subAgent ? `${b.subAgent.turns.length}.${lastTurn?.blocks.length ?? 0}.${lastBlock ? blockSize(lastBlock) : ""}` : "-";
      return `${r ? `${r.text.length}.${r.images.length}.${r.isError ? 1 : 0}` : "-"}.${b.edits?.length ?? 0}.${sub}`;
    }
    case "unknown":
      return b.recordType;
  }
}
