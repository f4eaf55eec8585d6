/**
 * One block to HTML. Prompts and assistant text read as a conversation; thinking, compaction
 * summaries, sub-agent transcripts and unknown records are collapsed; notices and commands are
 * quiet single lines. Every string from the session is escaped (esc, highlight, ansiToHtml and
 * markdownToHtml all escape).
 */
import { part } from "./parts.ts";
import type { Block, CommandBlock, CompactionBlock, NoticeBlock, PromptBlock, TextBlock, ThinkingBlock, UnknownBlock } from "../sessions/model.ts";
import { stripAnsi } from "./ansi.ts";
import type { Ctx } from "./context.ts";
import { esc, formatCount, timeTag } from "./escape.ts";
import { imageHtml } from "./image.ts";
import { markdownToHtml } from "./markdown-html.ts";
import { copyButton, lineCount, pre } from "./output.ts";
import { jsonHtml } from "./tools/frame.ts";
import { renderTool } from "./tools/index.ts";

/** Prompts longer than this many lines show their first PROMPT_HEAD lines. */
const PROMPT_OVER = 40;
const PROMPT_HEAD = 25;

/** Words in a text (a cheap scan: thinking can be megabytes). */
function wordCount(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

/** Plain text that keeps its line breaks, collapsed when long; copyable as `.raw`. */
function plainText(text: string, cls: string, over = PROMPT_OVER, head = PROMPT_HEAD): string {
  const lines = lineCount(text);
  if (lines <= over) return `<div class="${cls} raw">${esc(text)}</div>`;
  let cut = -1;
  for (let k = 0; k < head; k++) cut = text.indexOf("\n", cut + 1);
  return (
    `<div class="${cls} raw">${esc(text.slice(0, cut + 1))}</div>` +
    `<details class="more"><summary data-more="${lines - head}">show all ${lines} lines</summary>${part(`<div class="${cls} raw">${esc(text.slice(cut + 1))}</div>`)}</details>`
  );
}

function prompt(b: PromptBlock): string {
  // The IDE context the agent saw before the request: kept, collapsed.
  const context = b.context ? `<details class="blk context"><summary>IDE context</summary><div class="ptext raw">${esc(b.context)}</div></details>` : "";
  return `${context}<div class="blk prompt cpy">${copyButton("Copy prompt")}${plainText(b.text, "ptext")}</div>`;
}

function text(b: TextBlock): string {
  // Codex tells its interim notes from the answer: the notes say so.
  const phase = b.phase ? ` data-phase="${b.phase}"` : "";
  const label = b.phase === "commentary" ? `<div class="phase muted">commentary</div>` : "";
  // The raw Markdown travels in a <template> (inert, not searched, not shown) for the copy button.
  return `<div class="blk text cpy"${phase}>${label}${copyButton("Copy Markdown")}<div class="md">${markdownToHtml(b.text)}</div><template class="raw">${esc(b.text)}</template></div>`;
}

function thinking(b: ThinkingBlock): string {
  if (!b.text.trim()) return `<div class="blk thinking quiet">Thinking${b.encrypted ? " (encrypted by the provider)" : ""}</div>`;
  const words = wordCount(b.text);
  return `<details class="blk thinking cpy"><summary>Thinking <span class="muted">${formatCount(words)} words</span></summary>${copyButton()}${part(`<div class="think raw">${esc(b.text)}</div>`)}</details>`;
}

function compaction(b: CompactionBlock): string {
  const facts = [b.trigger, b.preTokens ? `${formatCount(b.preTokens)} tokens before` : ""].filter(Boolean).map((x) => esc(x!)).join(" · ");
  const summary = b.summary ? `<div class="md">${markdownToHtml(b.summary)}</div>` : `<p class="muted">(no summary recorded)</p>`;
  return `<details class="blk compaction"><summary>Conversation compacted${facts ? ` <span class="muted">${facts}</span>` : ""}</summary>${part(summary)}</details>`;
}

function notice(b: NoticeBlock): string {
  const cls = `blk notice lv-${b.level === "error" || b.level === "warning" ? b.level : "info"}`;
  const first = b.text.split("\n", 1)[0];
  const short = first.length > 160 ? first.slice(0, 157) + "…" : first;
  const label = `<span class="nst">${esc(b.subtype)}</span> ${esc(short)}`;
  if (short === b.text) return `<div class="${cls}">${label}${timeTag(b.timestamp)}</div>`;
  return `<details class="${cls}"><summary>${label}${timeTag(b.timestamp)}</summary>${part(pre(esc(b.text)))}</details>`;
}

/** Runs this long of same-kind notices (e.g. an API retry loop) fold into one line. */
export const NOTICE_RUN_MIN = 3;

/**
 * A run of notices of one subtype and level, as one collapsed line: how many, and the last one's
 * text (where a retry loop ended up); every notice inside.
 */
export function noticeRun(run: NoticeBlock[]): string {
  const last = run[run.length - 1];
  const cls = `blk notice lv-${last.level === "error" || last.level === "warning" ? last.level : "info"}`;
  const first = last.text.split("\n", 1)[0];
  const short = first.length > 140 ? first.slice(0, 137) + "…" : first;
  const rows = run.map((b) => `<li>${esc(b.text.split("\n", 1)[0])}${timeTag(b.timestamp)}</li>`).join("");
  return `<details class="${cls} run"><summary><span class="nst">${esc(last.subtype)} ×${run.length}</span> ${esc(short)}${timeTag(last.timestamp)}</summary>${part(`<ol class="notice-run">${rows}</ol>`)}</details>`;
}

function command(b: CommandBlock): string {
  const head = `<code>${esc(b.name)}${b.args ? ` ${esc(b.args)}` : ""}</code>`;
  const out = b.output ? stripAnsi(b.output).trim() : "";
  if (!out) return `<div class="blk command">${head}</div>`;
  return `<details class="blk command"><summary>${head} <span class="muted">output</span></summary>${part(pre(esc(out)))}</details>`;
}

function unknown(b: UnknownBlock): string {
  return `<details class="blk unknown"><summary>Unrecognised record <code>${esc(b.recordType)}</code></summary>${part(pre(jsonHtml(b.raw), { cls: "json" }))}</details>`;
}

export function renderBlock(b: Block, ctx: Ctx): string {
  switch (b.kind) {
    case "prompt":
      return prompt(b);
    case "text":
      return text(b);
    case "thinking":
      return thinking(b);
    case "image":
      return `<div class="blk image">${imageHtml(b, ctx)}</div>`;
    case "tool":
      return renderTool(b, ctx);
    case "compaction":
      return compaction(b);
    case "notice":
      return notice(b);
    case "command":
      return command(b);
    case "unknown":
      return unknown(b);
    default:
      return unknown({ kind: "unknown", id: (b as Block).id ?? "", recordType: String((b as { kind?: unknown }).kind), raw: b });
  }
}
