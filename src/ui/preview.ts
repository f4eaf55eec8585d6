/**
 * The note shown after picking a session: project, branch, updated, duration, counts, top tools,
 * models, tokens and the first prompt (cut to about ten lines). Pure: data in, lines out.
 */
import type { Session, SessionSummary } from "../sessions/model.ts";
import { describeOutput, formatCost, usageTotals } from "../sessions/usage.ts";
import { fileChanges } from "../sessions/counts.ts";
import { formatAgo, formatElapsed, line, plural, safe, tildePath, truncate } from "./text.ts";

export const PROMPT_LINES = 10;

/** 1234567 -> "1.2M", 45300 -> "45.3k". */
export function compactNumber(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

/** The first prompt, terminal-safe, wrapped at spaces and cut to `maxLines` lines of at most `width` characters. */
export function promptExcerpt(text: string, width: number, maxLines = PROMPT_LINES): string[] {
  const lines: string[] = [];
  for (const raw of safe(text).replace(/\t/g, "  ").split("\n")) {
    let rest = raw.trimEnd();
    do {
      // Break after the last space that fits, unless that leaves less than half a line; a word
      // longer than the line is cut.
      let cut = width;
      if (rest.length > width) {
        const space = rest.lastIndexOf(" ", width);
        if (space >= width / 2) cut = space + 1;
      }
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut);
    } while (rest.length && lines.length <= maxLines);
    if (lines.length > maxLines) break;
  }
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  if (lines.length > maxLines) return [...lines.slice(0, maxLines - 1), `${truncate(lines[maxLines - 1], width - 1)}…`];
  return lines;
}

export function previewLines(s: SessionSummary, opts: { now: number; home?: string; width: number; session?: Session; tokensNote?: string }): string[] {
  const rows: [string, string][] = [];
  rows.push(["project", line(tildePath(s.project, opts.home)) || "-"]);
  if (s.gitBranch) rows.push(["branch", line(s.gitBranch)]);
  const updated = s.updatedAt ?? s.createdAt;
  rows.push(["updated", updated ? `${formatAgo(updated, opts.now)} (${new Date(updated).toLocaleString()})` : new Date(s.mtimeMs).toLocaleString()]);
  const start = s.createdAt ? Date.parse(s.createdAt) : NaN;
  const end = s.updatedAt ? Date.parse(s.updatedAt) : NaN;
  if (Number.isFinite(start) && Number.isFinite(end) && end >= start) rows.push(["duration", formatElapsed(end - start)]);
  const toolCalls = Object.values(s.tools).reduce((a, n) => a + n, 0);
  rows.push(["messages", `${plural(s.prompts, "prompt")}, ${plural(s.assistantMessages, "reply", "replies")}, ${plural(toolCalls, "tool call")}`]);
  const top = Object.entries(s.tools)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([name, n]) => `${line(name)} ${n}`);
  if (top.length) rows.push(["top tools", top.join(", ")]);
  if (s.models.length) rows.push(["models", s.models.map(line).join(", ")]);
  if (opts.session) {
    const t = usageTotals(opts.session);
    rows.push(["tokens", `${compactNumber(t.input)} in, ${describeOutput(t, compactNumber)}`]);
    if (opts.session.costUsd !== undefined) rows.push(["cost", `${formatCost(opts.session.costUsd)} (Claude Code's estimate)`]);
    const c = fileChanges(opts.session);
    if (c.files) rows.push(["changes", `${plural(c.files, "file")}, +${c.added} −${c.removed}`]);
  } else if (opts.tokensNote) rows.push(["tokens", opts.tokensNote]);
  rows.push(["source", `${s.source} · ${s.id}`]);
  const keyWidth = Math.max(...rows.map(([k]) => k.length));
  const width = Math.max(20, opts.width);
  const out = rows.map(([k, v]) => truncate(`${k.padEnd(keyWidth)}  ${v}`, width));
  if (s.firstPrompt) out.push("", ...promptExcerpt(s.firstPrompt, width));
  return out;
}
