/**
 * ANSI escape sequences (what terminals print) to HTML. SGR colours and styles become spans with
 * classes (never inline styles: the page runs under a CSP without 'unsafe-inline'); 256-colour and
 * true-colour codes are mapped to the nearest of the 16 themed colours so they follow the page's
 * light/dark palette. Every other escape sequence (cursor moves, OSC titles and links) is dropped.
 * Carriage returns keep only what a terminal would finally show on that line (progress bars).
 *
 * Output is escaped HTML; spans never cross a newline.
 */
import { esc } from "./escape.ts";

const SEQ = /\x1b\[([\d;:]*)m|\x1b\[[\d;?:]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[()*+][A-Za-z0-9]|\x1b[@-Z\\-_=>78]?/g;

interface State {
  fg: number; // -1 = default, 0..15
  bg: number;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const fresh = (): State => ({ fg: -1, bg: -1, bold: false, dim: false, italic: false, underline: false });

function classes(s: State): string {
  let c = "";
  if (s.fg >= 0) c += ` af${s.fg}`;
  if (s.bg >= 0) c += ` ag${s.bg}`;
  if (s.bold) c += " ab";
  if (s.dim) c += " ad";
  if (s.italic) c += " ai";
  if (s.underline) c += " au";
  return c.slice(1);
}

/** xterm 256-colour index -> nearest of the 16 basic colours. */
function from256(n: number): number {
  if (n < 16) return n;
  if (n >= 232) {
    const level = n - 232; // 0..23 grey ramp
    return level < 6 ? 0 : level < 14 ? 8 : level < 20 ? 7 : 15;
  }
  const i = n - 16;
  return fromRgb(Math.floor(i / 36) * 51, (Math.floor(i / 6) % 6) * 51, (i % 6) * 51);
}

function fromRgb(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const bright = max > 170;
  if (max - min < 40) return max < 60 ? 0 : max < 150 ? 8 : max < 220 ? 7 : 15;
  const t = (max + min) / 2;
  const bit = (v: number) => (v >= t ? 1 : 0);
  const idx = bit(r) | (bit(g) << 1) | (bit(b) << 2);
  return idx + (bright ? 8 : 0);
}

function apply(s: State, params: string): void {
  const p = params === "" ? [0] : params.split(/[;:]/).map((x) => (x === "" ? 0 : Number(x)));
  for (let i = 0; i < p.length; i++) {
    const n = p[i];
    if (n === 0) Object.assign(s, fresh());
    else if (n === 1) s.bold = true;
    else if (n === 2) s.dim = true;
    else if (n === 3) s.italic = true;
    else if (n === 4) s.underline = true;
    else if (n === 22) s.bold = s.dim = false;
    else if (n === 23) s.italic = false;
    else if (n === 24) s.underline = false;
    else if (n >= 30 && n <= 37) s.fg = n - 30;
    else if (n >= 90 && n <= 97) s.fg = n - 90 + 8;
    else if (n === 39) s.fg = -1;
    else if (n >= 40 && n <= 47) s.bg = n - 40;
    else if (n >= 100 && n <= 107) s.bg = n - 100 + 8;
    else if (n === 49) s.bg = -1;
    else if (n === 38 || n === 48) {
      let c = -1;
      if (p[i + 1] === 5) {
        c = from256(p[i + 2] ?? 0);
        i += 2;
      } else if (p[i + 1] === 2) {
        c = fromRgb(p[i + 2] ?? 0, p[i + 3] ?? 0, p[i + 4] ?? 0);
        i += 4;
      }
      if (n === 38) s.fg = c;
      else s.bg = c;
    }
  }
}

/** What a terminal finally shows for each line: the text after the last carriage return. */
export function resolveCarriageReturns(text: string): string {
  if (text.indexOf("\r") < 0) return text;
  return text
    .replace(/\r+\n/g, "\n")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r");
      if (parts.length === 1) return line;
      // Progress bars redraw the whole line: keep the last non-empty write.
      for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== "") return parts[i];
      return "";
    })
    .join("\n");
}

/** True when the text holds escape sequences worth converting. */
export const hasAnsi = (text: string): boolean => text.indexOf("\x1b") >= 0;

/** Removes every escape sequence (for Markdown and copy text). */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? resolveCarriageReturns(text).replace(SEQ, "") : resolveCarriageReturns(text);
}

/** Converts terminal output to escaped HTML with colour spans. */
export function ansiToHtml(text: string): string {
  text = resolveCarriageReturns(text);
  if (!hasAnsi(text)) return esc(text);
  const state = fresh();
  let out = "";
  let last = 0;
  const emit = (chunk: string) => {
    if (!chunk) return;
    const cls = classes(state);
    if (!cls) {
      out += esc(chunk);
      return;
    }
    out += chunk
      .split("\n")
      .map((part) => (part ? `<span class="${cls}">${esc(part)}</span>` : ""))
      .join("\n");
  };
  SEQ.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SEQ.exec(text)) !== null) {
    emit(text.slice(last, m.index));
    if (m[1] !== undefined) apply(state, m[1]);
    last = m.index + m[0].length;
  }
  emit(text.slice(last));
  return out;
}
