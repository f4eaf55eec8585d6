/**
 * A byte-level line reader for JSONL transcripts, used by the summary readers.
 *
 * It reads a file through one reusable buffer (never the whole file, never one big JS string) and
 * hands each line to a sink as a byte range of that buffer. Lines longer than `GIANT_LINE`
 * (base64 images, huge tool outputs) are not assembled: the sink receives them as a series of
 * pieces (`giant`), so a caller can look at their start and count markers without ever decoding
 * or JSON-parsing them.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Lines longer than this are never JSON-parsed for a summary. */
export const GIANT_LINE = 256 * 1024;
const CHUNK = 1024 * 1024;

export interface LineSink {
  /** A complete line of at most GIANT_LINE bytes: `buf[start, end)`, no newline. */
  line(buf: Buffer, start: number, end: number): void;
  /**
   * A piece of a line longer than GIANT_LINE. `first` is set on its first piece (which holds at
   * least the first GIANT_LINE bytes of the line), `last` on its final one.
   */
  giant(piece: Buffer, first: boolean, last: boolean): void;
}

/**
 * The read buffer, kept from one file to the next: a fresh megabyte per file made the kernel
 * fault in new pages on every read (a cold list of 3,000 files took about 9% longer so).
 * Sinks never keep views of it (they copy what they keep). Taken while in use, so a read started
 * from inside a sink gets a buffer of its own.
 */
let spare: Buffer | undefined;

/** Reads `path` line by line into `sink`. Throws on I/O errors. */
export function readLines(path: string, sink: LineSink): void {
  const fd = openSync(path, "r");
  const buf = spare ?? Buffer.allocUnsafe(CHUNK);
  spare = undefined;
  try {
    readFd(fd, buf, sink);
  } finally {
    spare = buf;
    closeSync(fd);
  }
}

function readFd(fd: number, buf: Buffer, sink: LineSink): void {
  let filled = 0;
  let inGiant = false;
  let eof = false;
  while (!eof) {
    const n = readSync(fd, buf, filled, CHUNK - filled, null);
    if (n === 0) eof = true;
    filled += n;
    const view = buf.subarray(0, filled);
    let s = 0;
    for (;;) {
      const nl = view.indexOf(10, s);
      if (nl === -1) break;
      emit(buf, s, nl, true);
      s = nl + 1;
    }
    if (eof) {
      if (s < filled) emit(buf, s, filled, true);
      else if (inGiant) sink.giant(buf.subarray(0, 0), false, true);
      break;
    }
    if (inGiant || filled - s > GIANT_LINE) {
      // Too long to keep whole: hand over what we have and reuse the buffer.
      sink.giant(buf.subarray(s, filled), !inGiant, false);
      inGiant = true;
      filled = 0;
    } else {
      if (s > 0) buf.copy(buf, 0, s, filled);
      filled -= s;
    }
  }

  function emit(b: Buffer, start: number, end: number, complete: boolean) {
    if (inGiant) {
      sink.giant(b.subarray(start, end), false, complete);
      inGiant = !complete;
    } else if (end - start > GIANT_LINE) {
      sink.giant(b.subarray(start, end), true, complete);
      inGiant = !complete;
    } else if (end > start) {
      sink.line(b, start, end);
    }
  }
}

/** Counts occurrences of `needle` in a giant line fed piece by piece (pieces may split a needle). */
export class MarkerCounter {
  private carry: Buffer = Buffer.alloc(0);
  constructor(
    private readonly needle: Buffer,
    /** Bytes after each match the caller wants to see (e.g. to read a name); kept across pieces. */
    private readonly after: number,
    private readonly onMatch: (tail: Buffer) => void,
  ) {}

  feed(piece: Buffer, last: boolean): void {
    const keep = this.needle.length + this.after;
    const data = this.carry.length ? Buffer.concat([this.carry, piece]) : piece;
    let i = 0;
    const limit = last ? data.length : data.length - keep;
    for (;;) {
      const at = data.indexOf(this.needle, i);
      if (at === -1 || at > limit) break;
      this.onMatch(data.subarray(at + this.needle.length, Math.min(data.length, at + keep)));
      i = at + this.needle.length;
    }
    if (last) {
      this.carry = Buffer.alloc(0);
      return;
    }
    // Keep the unexamined tail (a match could straddle the boundary, or need its `after` bytes).
    const from = Math.max(i, data.length - keep);
    this.carry = Buffer.from(data.subarray(Math.max(0, from)));
  }
}

/** Reads a JSON string body (`"…"` already opened) starting at `from` in `text`; undefined if cut. */
export function jsonStringAt(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92) i += 2; // backslash escape
    else if (c === 34) break;
    else i++;
  }
  if (i >= text.length) return undefined;
  try {
    return JSON.parse('"' + text.slice(from, i) + '"') as string;
  } catch {
    return undefined;
  }
}

/** The JSON string value of the first `"key":"…"` in `text` (unescaped), if whole. */
export function jsonStringField(text: string, key: string, from = 0): string | undefined {
  const marker = `"${key}":"`;
  const at = text.indexOf(marker, from);
  if (at === -1) return undefined;
  return jsonStringAt(text, at + marker.length);
}

/** JSON.parse of one line held in a buffer; undefined unless it is a JSON object. */
export function parseLine(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(buf.toString("utf8", start, end));
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
