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

/** Parts are compressed in groups of about this many characters of HTML. */
const PACK_GROUP = 256 * 1024;
/** A (minor) garbage collection after this many characters packed: the parts' HTML is garbage then. */
const PACK_GC = 1024 * 1024;

/** gzip level 1 (most of the size win at a fraction of the time), in base64: what a template holds. */
export function gzipBase64(text: string): string {
  const gz = Bun.gzipSync(text, { level: 1 });
  return Buffer.from(gz.buffer, gz.byteOffset, gz.length).toString("base64");
}

/** One group's text: the index line, then the parts back to back. */
export function packGroupText(ids: string[], parts: string[]): string {
  const index: (string | number)[] = [];
  for (let i = 0; i < ids.length; i++) index.push(ids[i]!, parts[i]!.length);
  return `${JSON.stringify(index)}\n${parts.join("")}`;
}

export class PartPacker {
  /** The `<template>` elements, in order. */
  readonly templates: string[] = [];
  #ids: string[] = [];
  #parts: string[] = [];
  #chars = 0;
  #from = -1;
  #to = -1;
  #sinceGc = 0;

  /** RenderOptions.collectParts: one turn's parts. */
  add = (turn: number, parts: string[]): void => {
    if (this.#from < 0) this.#from = turn;
    this.#to = turn;
    for (let k = 0; k < parts.length; k++) {
      this.#ids.push(`${turn}.${k}`);
      this.#parts.push(parts[k]!);
      this.#chars += parts[k]!.length;
    }
    if (this.#chars >= PACK_GROUP) this.flush();
  };

  /** Packs the group in hand (call once more after the last turn). */
  flush(): void {
    if (this.#from < 0) return;
    const packed = gzipBase64(packGroupText(this.#ids, this.#parts));
    this.templates.push(`<template class="pk" data-turns="${this.#from}-${this.#to}">${packed}</template>`);
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
