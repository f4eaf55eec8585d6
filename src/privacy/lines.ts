/**
 * Whole values that are shown as lines (a diff's old and new side, `structuredPatch[].lines` in a
 * raw record): the lines are joined and scanned as one text, so a secret that spans lines (a
 * private key) is found, then every line a secret span touches has the touched part replaced by the
 * marker. A line entirely inside a span becomes the marker alone: no piece of it survives.
 */
import { marker } from "./rules.ts";

export interface Span {
  kind: string;
  start: number;
  end: number;
  value: string;
}

/** A part of one line to hide: [from, to) in the line's own offsets. */
export interface LineCut {
  from: number;
  to: number;
  kind: string;
}

/**
 * For `lines` joined with `\n`, where each span (offsets in the joined text) falls on each line:
 * `cuts[i]` lists the parts of line i to hide (an empty line inside a span is cut too, so the
 * marker shows the secret goes on there).
 */
export function lineCuts(lines: readonly string[], spans: readonly Span[]): LineCut[][] {
  const cuts: LineCut[][] = lines.map(() => []);
  if (spans.length === 0) return cuts;
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  for (const sp of spans) {
    // the first line the span touches: binary search on the line starts
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= sp.start) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < lines.length && starts[i] < sp.end; i++) {
      const ls = starts[i];
      const le = ls + lines[i].length;
      const from = Math.max(sp.start, ls) - ls;
      const to = Math.min(sp.end, le) - ls;
      if (to > from || (lines[i].length === 0 && sp.start <= ls)) cuts[i].push({ from, to, kind: sp.kind });
    }
  }
  return cuts;
}

/** `line` with each cut replaced by its marker (overlapping cuts merged). */
export function applyCuts(line: string, cuts: readonly LineCut[]): string {
  if (cuts.length === 0) return line;
  const sorted = [...cuts].sort((a, b) => a.from - b.from || b.to - a.to);
  let out = "";
  let pos = 0;
  for (const c of sorted) {
    if (c.to <= pos && c.from < pos) continue; // inside a cut already made
    if (c.from > pos) out += line.slice(pos, c.from);
    const m = marker(c.kind);
    if (!out.endsWith(m)) out += m;
    pos = Math.max(pos, c.to);
  }
  return out + line.slice(pos);
}
