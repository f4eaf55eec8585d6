/**
 * A packing worker: gzips and base64-encodes the part groups of a self-contained page on a second
 * core while the main thread renders the next turns. Built into the executable as an entrypoint
 * of its own (scripts/build.ts); started by render/pack.ts (OffThreadCompressor). Message in: { id, text } (a
 * group's text); out: { id, packed } (gzipBase64 of it) or { id, error }.
 */
import { gzipBase64 } from "./pack.ts";

declare const self: Worker;

/** Text compressed between two collections: this thread's heap is small, its garbage the texts. */
const GC_EVERY = 4 * 1024 * 1024;
let sinceGc = 0;

self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  const { id, text } = e.data;
  try {
    postMessage({ id, packed: gzipBase64(text) });
    sinceGc += text.length;
    if (sinceGc >= GC_EVERY) {
      sinceGc = 0;
      Bun.gc(true);
    }
  } catch (err) {
    postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
