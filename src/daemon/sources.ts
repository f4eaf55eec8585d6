/**
 * Shares of the same file with the same redaction settings share one parsed + redacted copy.
 * A pooled source answers load() with the copy it holds while the file is unchanged (same size,
 * mtime and inode); a change makes the next load parse once for everyone who asks meanwhile.
 * Entries are counted per share and dropped with the last one.
 */
import { stat } from "node:fs/promises";
import type { RedactionCounts } from "../privacy/redact.ts";
import type { Session } from "../sessions/model.ts";
import { shareSource, type ShareSource } from "../share/share.ts";
import { LiveSession } from "../viewer/live.ts";
import { CHILD_PARSE_BYTES, parseInChild, redactOptionsOf } from "./parse-child.ts";
import type { RedactionSettings } from "./protocol.ts";

type Env = Record<string, string | undefined>;

interface Entry {
  refs: number;
  inner: ShareSource;
  stamp: string | null;
  copy: Promise<{ session: Session; counts: RedactionCounts }> | null;
  /** The one LiveSession every viewer of this entry subscribes to (watching, generations, render). */
  live: Promise<LiveSession> | null;
}

export class SourcePool {
  private entries = new Map<string, Entry>();

  /** env: for the child that parses big files (omit to parse every file in this process). */
  constructor(private opts: { env?: Env; childFromBytes?: number } = {}) {}

  static key(path: string, settings: RedactionSettings): string {
    return JSON.stringify([path, settings.redact, settings.patterns, settings.keep]);
  }

  /** A source for one share; call the returned release() when the share stops. */
  acquire(path: string, settings: RedactionSettings): { source: ShareSource; release(): void } {
    const key = SourcePool.key(path, settings);
    let entry = this.entries.get(key);
    if (!entry) {
      const local = shareSource(path, { redact: settings.redact, options: redactOptionsOf(settings) });
      const env = this.opts.env;
      const threshold = this.opts.childFromBytes ?? CHILD_PARSE_BYTES;
      const inner: ShareSource = {
        // A big file is parsed by a child process: the daemon's event loop stays free for the others.
        load: async () => (env && (await fileSize(path)) >= threshold ? parseInChild(path, settings, env) : local.load()),
        rawLine: local.rawLine,
      };
      entry = { refs: 0, inner, stamp: null, copy: null, live: null };
      this.entries.set(key, entry);
    }
    entry.refs++;
    const e = entry;
    let released = false;
    const load = async () => {
      const stamp = await fileStamp(path);
      if (e.copy && stamp !== null && stamp === e.stamp) return e.copy;
      e.stamp = stamp;
      const copy = e.inner.load();
      e.copy = copy;
      copy.catch(() => {
        if (e.copy === copy) {
          e.copy = null;
          e.stamp = null;
        }
      });
      return copy;
    };
    const source: ShareSource = {
      load,
      rawLine: e.inner.rawLine,
      live: () => {
        if (!e.live) {
          const opening = LiveSession.open({ path, load: async () => (await load()).session });
          e.live = opening;
          opening.catch(() => {
            if (e.live === opening) e.live = null;
          });
        }
        return e.live;
      },
    };
    return {
      source,
      release: () => {
        if (released) return;
        released = true;
        if (--e.refs === 0) {
          this.entries.delete(key);
          void e.live?.then((l) => l.stop(), () => {});
        }
      },
    };
  }

  /** Distinct parsed copies held (for tests and status). */
  size(): number {
    return this.entries.size;
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function fileStamp(path: string): Promise<string | null> {
  try {
    const st = await stat(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return null;
  }
}
