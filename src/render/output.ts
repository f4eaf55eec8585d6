/**
 * Preformatted output: copy buttons, line numbers and the collapse of long outputs (the first
 * lines shown, the rest inside a <details> that says how many lines it holds, so both the
 * browser's find and panko's find can open it).
 *
 * Every function here takes HTML that is already escaped and whose spans never cross a newline
 * (what esc / highlight / ansiToHtml return), so it can be cut at any newline.
 */
import { part } from "./parts.ts";

/** Outputs longer than this many lines are collapsed... */
export const COLLAPSE_OVER = 30;
/** ...to their first HEAD_LINES lines. */
export const HEAD_LINES = 20;

export const copyButton = (label = "Copy"): string =>
  `<button class="copy" type="button" data-copy title="${label}" aria-label="${label}"></button>`;

/** Index just after the n-th newline of s, or -1 when s has fewer newlines. */
function afterNthNewline(s: string, n: number): number {
  let i = -1;
  for (let k = 0; k < n; k++) {
    i = s.indexOf("\n", i + 1);
    if (i < 0) return -1;
  }
  return i + 1;
}

/** Number of lines in html (a trailing newline does not count as a line). */
export function lineCount(s: string): number {
  if (!s) return 0;
  let n = 1;
  for (let i = s.indexOf("\n"); i >= 0; i = s.indexOf("\n", i + 1)) if (i < s.length - 1) n++;
  return n;
}

export interface PreOptions {
  /** Extra classes on the wrapper. */
  cls?: string;
  /** Collapse when longer than this (default COLLAPSE_OVER); 0 never collapses. */
  over?: number;
  /** Lines kept visible when collapsed (default HEAD_LINES). */
  head?: number;
  /** Known line count (saves a scan). */
  lines?: number;
  /** What the lines are, for the "show all" label (default "lines"). */
  noun?: string;
  copy?: boolean;
}

/**
 * A copyable <pre>, collapsed when long. The copy button copies the text of every `.raw` in its
 * `.cpy` scope, so the hidden rest is copied too.
 */
export function pre(html: string, o: PreOptions = {}): string {
  if (html.endsWith("\n")) html = html.slice(0, -1);
  const over = o.over ?? COLLAPSE_OVER;
  const lines = o.lines ?? (over ? lineCount(html) : 0);
  const cls = `out cpy${o.cls ? ` ${o.cls}` : ""}`;
  const btn = o.copy === false ? "" : copyButton();
  if (!over || lines <= over) return `<div class="${cls}">${btn}<pre class="raw"><code>${html}</code></pre></div>`;
  const head = o.head ?? HEAD_LINES;
  const cut = afterNthNewline(html, head);
  if (cut < 0) return `<div class="${cls}">${btn}<pre class="raw"><code>${html}</code></pre></div>`;
  const rest = lines - head;
  return (
    `<div class="${cls} long">${btn}<pre class="raw"><code>${html.slice(0, cut)}</code></pre>` +
    `<details class="more"><summary data-more="${rest}">show all ${lines} ${o.noun ?? "lines"}</summary>` +
    `${part(`<pre class="raw"><code>${html.slice(cut)}</code></pre>`)}</details></div>`
  );
}

/**
 * Prefixes every line with a line number (a CSS-drawn gutter: numbers are not copied or found).
 * `numbers[i]` is line i's number; default 1..n from `start`.
 */
export function numberLines(html: string, start = 1, numbers?: (number | undefined)[]): { html: string; width: number } {
  const lines = html.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  let out = "";
  let max = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = numbers ? numbers[i] : start + i;
    if (n !== undefined && n > max) max = n;
    out += `<span class=ln data-n="${n ?? ""}"></span>${lines[i]}\n`;
  }
  return { html: out, width: Math.max(2, String(max).length) };
}
