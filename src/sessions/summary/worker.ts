/**
 * A summary worker: reads the summaries of the files the main thread sends, so a cold listing
 * uses a second core. Built into the executable as an entrypoint of its own (scripts/build.ts);
 * started by sessions/parallel.ts. Message in: { files: SessionFile[], options? }; out: one
 * summary (or null: not a session, unreadable) per file, in order.
 */
import type { SessionFile } from "../discover.ts";
import type { SessionSummary } from "../model.ts";
import { summarizeFile, type SummaryOptions } from "./index.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ files: SessionFile[]; options?: SummaryOptions }>) => {
  const { files, options } = e.data;
  const out: (SessionSummary | null)[] = files.map((f) => {
    try {
      return summarizeFile(f.path, f.source, { size: f.size, mtimeMs: f.mtimeMs }, options);
    } catch {
      return null;
    }
  });
  postMessage(out);
};
