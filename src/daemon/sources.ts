/**
 * Shares of the same file with the same redaction settings share one parsed + redacted copy.
 * A pooled source answers load() with the copy it holds while the file is unchanged (same size,
 * mtime and inode); a change makes the next load parse once for everyone who asks meanwhile.
 * Entries are counted per share and dropped with the last one.
 */
import { stat } from "node:fs/promises";
import { parseExtraPattern } from "../privacy/redact.ts";
import type { RedactionCounts } from "../privacy/redact.ts";
import type { Session } from "../sessions/model.ts";
import { shareSource, type ShareSource } from "../share/share.ts";
import type { RedactionSettings } from "./protocol.ts";

interface Entry {
  refs: number;
  inner: ShareSource;
  stamp: string | null;
  copy: Promise<{ session: Session; counts: RedactionCounts }> | null;
}

export class SourcePool {
  private entries = new Map<string, Entry>();

  static key(path: string, settings: RedactionSettings): string {
    return JSON.stringify([path, settings.redact, settings.patterns, settings.keep]);
  }

  /** A source for one share; call the returned release() when the share stops. */
  acquire(path: string, settings: RedactionSettings): { source: ShareSource; release(): void } {
    const key = SourcePool.key(path, settings);
    let entry = this.entries.get(key);
    if (!entry) {
      const extraPatterns = settings.patterns.map(parseExtraPattern);
      entry = { refs: 0, inner: shareSource(path, { redact: settings.redact, extraPatterns }), stamp: null, copy: null };
      this.entries.set(key, entry);
    }
    entry.refs++;
    const e = entry;
    let released = false;
    const source: ShareSource = {
      load: async () => {
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
      },
      rawLine: e.inner.rawLine,
    };
    return {
      source,
      release: () => {
        if (released) return;
        released = true;
        if (--e.refs === 0) this.entries.delete(key);
      },
    };
  }

  /** Distinct parsed copies held (for tests and status). */
  size(): number {
    return this.entries.size;
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
