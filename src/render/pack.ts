/**
 * Collapsed content of a self-contained page, packed (export only; a served page fetches its parts
 * from the viewer). Parts are grouped by turn ranges, each group a gzip in base64 inside an inert
 * `<template class="pk" data-turns="A-B">`, which panko.js decompresses (DecompressionStream) when
 * one of its parts is opened or searched.
 *
 * A group's text is an index line, `["T.K",length,...]` (lengths in UTF-16 code units, as
 * JavaScript counts them), then the parts' HTML one after the other (packGroupText; panko.js's
 * unframe reads it). No quoting: a join costs a fraction of the
 * JSON.stringify that escaped every quote of a 100 MB session's 39 MB of part HTML (~100 ms).
 */

import { log } from "../log.ts";
import { workerEntry } from "../runtime.ts";

/** Parts are compressed in groups of about this many characters of HTML. */
const PACK_GROUP = 256 * 1024;
/**
 * A (minor) garbage collection after this many characters packed: the parts' HTML is garbage then.
 * Every 4 MB rather than every 1 MB: on the bench session's 35 MB of parts, 1.36 -> 1.31 s for
 * ~10 MB more at the peak (median of 7, alternating).
 */
const PACK_GC = 4 * 1024 * 1024;

/**
 * gzip level 4: on the bench session's 35 MB of part HTML, 7.9 MB of base64 against level 1's
 * 11.3 MB, for 196 ms of compression against 89 (on the pack worker's core, beside the render).
 */
const PACK_LEVEL = 4;

/** gzip in base64: what a template holds. */
export function gzipBase64(text: string): string {
  const gz = Bun.gzipSync(text, { level: PACK_LEVEL });
  return Buffer.from(gz.buffer, gz.byteOffset, gz.length).toString("base64");
}

/** One group's text: the index line, then the parts back to back. */
export function packGroupText(ids: string[], parts: string[]): string {
  const index: (string | number)[] = [];
  for (let i = 0; i < ids.length; i++) index.push(ids[i]!, parts[i]!.length);
  return `${JSON.stringify(index)}\n${parts.join("")}`;
}

/** How a group's text becomes what its template holds: gzipBase64, here or on another thread. */
export type Compress = (text: string) => string | Promise<string>;

export class PartPacker {
  /** The `<template>` elements, in order (a promise while its group is compressed elsewhere). */
  readonly templates: (string | Promise<string>)[] = [];
  #ids: string[] = [];
  #parts: string[] = [];
  #chars = 0;
  #from = -1;
  #to = -1;
  #sinceGc = 0;
  #compress: Compress;

  constructor(compress: Compress = gzipBase64) {
    this.#compress = compress;
  }

  /** RenderOptions.collectParts: one turn's parts. */
  add = (turn: number, parts: string[]): void => {
    if (this.#from < 0) this.#from = turn;
    this.#to = turn;
    for (let k = 0; k < parts.length; k++) {
      this.#ids.push(`${turn}.${k}`);
      this.#parts.push(parts[k]!);
      this.#chars += parts[k]!.length;
    }
    if (this.#chars >= PACK_GROUP) this.flush(false);
  };

  /**
   * Packs the group in hand; call once more after the last turn (`last`: that group is packed
   * here, a small one that waits for nothing).
   */
  flush(last = true): void {
    if (this.#from < 0) return;
    const text = packGroupText(this.#ids, this.#parts);
    const open = `<template class="pk" data-turns="${this.#from}-${this.#to}">`;
    const packed = last ? gzipBase64(text) : this.#compress(text);
    if (typeof packed === "string") this.templates.push(`${open}${packed}</template>`);
    else {
      const template = packed.then((p) => `${open}${p}</template>`);
      template.catch(() => {}); // its writer awaits it, later: no unhandled rejection before then
      this.templates.push(template);
    }
    this.#sinceGc += this.#chars;
    this.#ids = [];
    this.#parts = [];
    this.#chars = 0;
    this.#from = this.#to = -1;
    // The parts' HTML is garbage now, and an export's writer collects by what is written, which
    // packed parts barely add to: collect here, or a 100 MB session's export peaks ~180 MB higher.
    if (this.#sinceGc >= PACK_GC) {
      Bun.gc(false);
      this.#sinceGc = 0;
    }
  }
}

/** The pack worker stopped or failed: what was compressed there is lost, so the page is redone here. */
export class PackWorkerFailed extends Error {}

/**
 * Compresses groups on a second core (render/pack-worker.ts) while the main thread renders on:
 * gzip took ~130 ms of a 100 MB session's export. The worker starts with the first group; when
 * it cannot start, groups are packed here. A group's text is not kept once handed over (keeping
 * them for a fallback held ~65 MB more at the peak), so a worker that fails later rejects the
 * groups still out with PackWorkerFailed: the caller writes the page again without the worker
 * (writeExport). `close()` ends the worker; the writer has awaited every group by then.
 */
export class OffThreadCompressor {
  #worker: Worker | undefined;
  #failed = false;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (packed: string) => void; reject: (e: Error) => void }>();

  /** `workerUrl`: the worker's script (tests hand one that fails). */
  constructor(readonly workerUrl: string = workerEntry("render/pack-worker.ts")) {}

  compress: Compress = (text) => {
    const worker = this.#start();
    if (!worker) return gzipBase64(text);
    const id = this.#next++;
    return new Promise<string>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, text });
    });
  };

  close(): void {
    this.#stop("the export ended");
  }

  #start(): Worker | undefined {
    if (this.#worker || this.#failed) return this.#worker;
    if ((navigator.hardwareConcurrency ?? 1) < 2) {
      this.#failed = true; // one core: a worker would only take turns with the render
      return undefined;
    }
    try {
      const worker = new Worker(this.workerUrl);
      worker.onmessage = (e: MessageEvent<{ id: number; packed?: string; error?: string }>) => {
        const job = this.#pending.get(e.data.id);
        if (!job) return;
        this.#pending.delete(e.data.id);
        if (e.data.packed !== undefined) job.resolve(e.data.packed);
        else this.#stop(`it could not compress a group: ${e.data.error}`, job);
      };
      worker.onerror = (e) => this.#stop(`it failed: ${e.message}`);
      // A worker that ends on its own (it exited) would leave its groups waiting forever.
      worker.addEventListener("close", () => this.#stop("it ended"));
      this.#worker = worker;
    } catch (e) {
      log.debug("pack worker did not start", e);
      this.#failed = true;
    }
    return this.#worker;
  }

  #stop(why: string, job?: { reject: (e: Error) => void }): void {
    const out: { reject: (e: Error) => void }[] = [...this.#pending.values()];
    if (job) out.push(job);
    if (out.length > 0) log.debug(`pack worker stopped with ${out.length} groups out: ${why}`);
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failed = true;
    this.#pending.clear();
    for (const j of out) j.reject(new PackWorkerFailed(`the pack worker stopped: ${why}`));
  }
}
