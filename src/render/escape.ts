/**
 * Escaping: every string that comes from a session goes through `esc` before it reaches the page.
 * Bun.escapeHTML escapes & < > " ' (so the result is safe in text and in quoted attributes) and is
 * SIMD-fast, which matters: a big session is mostly tool output that is escaped once, here.
 */

export const esc = (s: string): string => Bun.escapeHTML(s);

/** Undoes `esc` (and the entities Bun.markdown emits); used where a renderer hands us escaped text. */
export function unesc(s: string): string {
  if (s.indexOf("&") < 0) return s;
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e: string) =>
    e === "amp" ? "&" : e === "lt" ? "<" : e === "gt" ? ">" : e === "quot" ? '"' : "'",
  );
}

/** Links we keep as links; anything else (javascript:, data:, vbscript:, file:, relative) is shown as text. */
export function safeHref(href: string): string | undefined {
  const h = href.trim();
  if (/^(https?:\/\/|mailto:)/i.test(h)) return h;
  if (h.startsWith("#") && !/[\s"'<>]/.test(h)) return h;
  return undefined;
}

/** Counts the lines of a text (a trailing newline does not open a new line). */
export function countLines(text: string): number {
  if (text === "") return 0;
  let n = 1;
  let i = text.indexOf("\n");
  while (i >= 0) {
    if (i < text.length - 1) n++;
    i = text.indexOf("\n", i + 1);
  }
  return n;
}

/** Human size for bytes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** 12345 -> "12.3k", 1234567 -> "1.23M". */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** Duration between two ISO timestamps as "1h 02m", "3m 20s", "45s"; undefined when unknown. */
export function formatDuration(fromIso?: string, toIso?: string): string | undefined {
  if (!fromIso || !toIso) return undefined;
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Server-side fallback for a timestamp (the client JS rewrites it in the reader's local time). */
export function timeTag(iso: string | undefined, cls = "ts"): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const text = d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  return `<time class="${cls}" datetime="${esc(d.toISOString())}">${text}</time>`;
}
