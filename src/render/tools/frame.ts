/** The frame every tool call is drawn in: a header line (name, main argument, status) and a body. */
import { part } from "../parts.ts";
import type { ToolBlock, ToolResult } from "../../sessions/model.ts";
import { ansiToHtml } from "../ansi.ts";
import { esc, timeTag } from "../escape.ts";
import { highlight } from "../highlight.ts";
import { pre, type PreOptions } from "../output.ts";
import type { Ctx } from "../context.ts";
import { imageHtml } from "../image.ts";

export interface FrameParts {
  /** Kind class, e.g. "bash" -> `k-bash`. */
  kind: string;
  /** Label shown first (escaped here). */
  label: string;
  /** Main argument, already HTML (use `esc`). */
  arg?: string;
  /** Extra header HTML (counts, badges). */
  extra?: string;
  body: string;
}

const LINK_ICON = `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 0 1 4.5 9l1-1"/></svg>`;

/** The anchor of a tool call (its permalink): `tool-<tool_use id>`, characters outside [\w-] as `_`. */
export function toolAnchor(block: ToolBlock): string {
  return `tool-${(block.toolUseId || block.id).replace(/[^\w-]/g, "_")}`;
}

export function frame(block: ToolBlock, p: FrameParts, ctx: Ctx): string {
  const err = block.result?.isError;
  const pending = !block.result;
  const cls = `blk tool k-${p.kind}${err ? " err" : ""}`;
  // On a live page, a call in the last turn without a result yet is still running (the page turns
  // it into "no result" when the live session ends).
  const running = pending && ctx.lastTurn && ctx.opts.eventsUrl !== undefined;
  const badge = err
    ? `<span class="badge bad">error</span>`
    : running
      ? `<span class="badge run" data-running>running</span>`
      : pending
        ? `<span class="badge">no result</span>`
        : "";
  const imgs = block.result?.images ?? [];
  const images = imgs.length ? `<div class="imgs">${imgs.map((i) => imageHtml(i, ctx)).join("")}</div>` : "";
  const arg = p.arg ? `<span class="ta">${p.arg}</span>` : "";
  return (
    `<div class="${cls}" id="${toolAnchor(block)}"><div class="th"><span class="tn">${esc(p.label)}</span>${arg}${p.extra ?? ""}${badge}${timeTag(block.timestamp)}<a class="pl tl" href="#${toolAnchor(block)}" title="Link to this tool call" aria-label="Link to this tool call">${LINK_ICON}</a></div>` +
    (p.body || images ? `<div class="tb">${p.body}${images}</div>` : "") +
    `</div>`
  );
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Input as an object (Codex string arguments that were not JSON come as strings). */
export const inputOf = (b: ToolBlock): Record<string, unknown> => (isObj(b.input) ? b.input : {});

/** Pretty JSON, highlighted; huge values are cut (they are in the JSON export in full). */
export function jsonHtml(value: unknown, max = 100_000): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length > max) text = text.slice(0, max) + `\n… (${text.length - max} more characters)`;
  return highlight(text, "json");
}

/** The result of a call as an output block: ANSI colours kept, long outputs collapsed. */
export function resultHtml(result: ToolResult | undefined, o: PreOptions & { lang?: string } = {}): string {
  if (!result) return "";
  let html = "";
  const { text, reminders } = splitReminders(result.text);
  if (text && text.trim() !== "") {
    const body = o.lang ? highlight(text, o.lang) : ansiToHtml(text);
    html += pre(body, { ...o, cls: `result${result.isError ? " bad" : ""}${o.cls ? ` ${o.cls}` : ""}` });
  } else if (!result.images.length) {
    html += `<div class="empty">(no output)</div>`;
  }
  return html + remindersHtml(reminders);
}

const OPEN = "<system-reminder>";
const CLOSE = "</system-reminder>";
const SPACE = /\s/;
const isSpace = (text: string, i: number): boolean => SPACE.test(text[i]!);

/**
 * Claude Code appends `<system-reminder>` notes for the model to tool results; they are noise for
 * a reader, so they are taken out of the output and shown as a quiet collapsed line. Each note
 * and the white space around it become one line end (what `/\s*<system-reminder>([\s\S]*?)<\/system-reminder>\s*\/g`
 * replaced; found with indexOf, as that regex's leading `\s*` made it try every position of a
 * long output: 26 ms of the bench session's export).
 */
export function splitReminders(text: string): { text: string; reminders: string[] } {
  let at = text.indexOf(OPEN);
  if (at < 0) return { text, reminders: [] };
  const reminders: string[] = [];
  let rest = "";
  let from = 0;
  while (at >= 0) {
    const end = text.indexOf(CLOSE, at + OPEN.length);
    if (end < 0) break;
    let start = at;
    while (start > from && isSpace(text, start - 1)) start--;
    let after = end + CLOSE.length;
    while (after < text.length && isSpace(text, after)) after++;
    reminders.push(text.slice(at + OPEN.length, end).trim());
    rest += text.slice(from, start) + "\n";
    from = after;
    at = text.indexOf(OPEN, after);
  }
  rest += text.slice(from);
  return { text: rest.replace(/^\n+|\n+$/g, ""), reminders };
}

export function remindersHtml(reminders: string[]): string {
  if (!reminders.length) return "";
  return `<details class="reminder"><summary>system reminder${reminders.length > 1 ? `s (${reminders.length})` : ""}</summary>${part(`<pre>${esc(reminders.join("\n\n"))}</pre>`)}</details>`;
}
