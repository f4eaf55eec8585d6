/**
 * A session as a readable Markdown transcript: what `panko export --format md` writes and what the
 * interactive flow's "copy as context" hands to another agent. Prompts and answers verbatim, tool
 * calls as a header line plus fenced input/output, edits as ```diff blocks; options drop thinking
 * and cut long tool outputs. Streamed turn by turn (markdownTranscriptChunks) or whole.
 */
import type { Block, FileEdit, Session, ToolBlock, Turn } from "../sessions/model.ts";
import { stripAnsi } from "./ansi.ts";
import { formatCount, formatDuration } from "./escape.ts";
import { COST_NOTE, describeOutput, formatCost, hasUsage, outputCaveat, usageTotals } from "../sessions/usage.ts";
import { plural } from "../plural.ts";
import { fileChanges } from "../sessions/counts.ts";
import { UNTITLED } from "../sessions/title.ts";
import { NO_CONTENT } from "../sessions/claude/prompt.ts";
import { commandOf } from "./tools/bash.ts";
import { isObj, splitReminders, str } from "./tools/frame.ts";
import { parseMcpName } from "./tools/mcp.ts";
import { splitNumbered } from "./tools/read.ts";

function lastText(s: Session): string | undefined {
  for (let i = s.turns.length - 1; i >= 0; i--) {
    const bs = s.turns[i].blocks;
    for (let j = bs.length - 1; j >= 0; j--) {
      const b = bs[j];
      if (b.kind === "text") return b.text.trim();
    }
  }
  return undefined;
}

export interface MarkdownOptions {
  /** Include thinking blocks (default true). */
  thinking?: boolean;
  /** Cut each tool output (and file content) to this many lines (default: no limit). */
  maxOutputLines?: number;
  /** Include sub-agent transcripts under the call that spawned them (default true; their reports are always kept). */
  subAgents?: boolean;
}

const WEB_TOOLS = new Set(["WebSearch", "WebFetch", "web_search"]);

const SOURCE_NAME = { claude: "Claude Code", codex: "Codex" } as const;

/** A code fence longer than any backtick run inside the text. */
function fence(text: string, lang = ""): string {
  let longest = 0;
  for (const m of text.matchAll(/`{3,}/g)) longest = Math.max(longest, m[0].length);
  const f = "`".repeat(Math.max(3, longest + 1));
  return `${f}${lang}\n${text.replace(/\n$/, "")}\n${f}\n`;
}

/** The first `max` lines of `text`, then a line saying how many were cut (text as it is when shorter). */
export function cutLines(text: string, max: number | undefined): string {
  if (max === undefined || max < 0) return text;
  let i = -1;
  for (let k = 0; k < max; k++) {
    i = text.indexOf("\n", i + 1);
    if (i < 0) return text;
  }
  const rest = text.slice(i + 1);
  if (!rest.trim()) return text;
  const more = rest.split("\n").length;
  return `${text.slice(0, i)}\n… (${plural(more, "more line", "more lines")} cut)`;
}

const inline = (s: string) => "`" + s.replace(/`/g, "ˋ").replace(/\n/g, " ") + "`";

function diffText(e: FileEdit): string {
  const side = (prefix: string, p: string) => (p.startsWith("/") ? p : `${prefix}/${p}`);
  const head = `--- ${e.change === "create" ? "/dev/null" : side("a", e.path)}\n+++ ${e.change === "delete" ? "/dev/null" : side("b", e.movePath ?? e.path)}\n`;
  let body = "";
  for (const h of e.hunks) {
    body += h.oldStart || h.newStart ? `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n` : "@@\n";
    for (const l of h.lines) body += `${l.op}${l.text}\n`;
  }
  return head + body;
}

function toolMd(b: ToolBlock, o: MarkdownOptions, depth: number): string {
  const input = isObj(b.input) ? b.input : {};
  const mcp = parseMcpName(b.name);
  const name = mcp ? `${mcp.tool} (MCP ${mcp.server})` : b.name;
  const arg =
    str(input.description) ?? str(input.file_path) ?? str(input.pattern) ?? str(input.path) ?? str(input.url) ?? str(input.query) ?? str(input.skill);
  let out = `**Tool: ${name}**${arg ? ` ${inline(arg)}` : ""}${b.result?.isError ? " — error" : ""}\n\n`;
  const shell = ["Bash", "exec_command", "shell", "local_shell", "container_exec"].includes(b.name);
  if (shell) out += fence(commandOf(b), "sh") + "\n";
  else if (b.edits?.length) {
    out += fence(b.edits.map(diffText).join(""), "diff") + "\n";
  } else if (b.name === "TodoWrite" || b.name === "update_plan") {
    const items = (Array.isArray(input.todos) ? input.todos : Array.isArray(input.plan) ? input.plan : []).filter(isObj);
    out += items.map((t) => `- [${t.status === "completed" ? "x" : " "}] ${str(t.content) ?? str(t.step) ?? ""}${t.status === "in_progress" ? " (in progress)" : ""}`).join("\n") + "\n\n";
  } else if (b.name === "Task" || b.name === "Agent") {
    // With the sub-agent transcript included, its first prompt is this same text.
    const prompt = str(input.prompt);
    if (prompt && !(b.subAgent && o.subAgents !== false)) out += fence(prompt, "text") + "\n";
  } else if (b.name === "ExitPlanMode" && str(input.plan)) {
    out += str(input.plan) + "\n\n";
  } else if (typeof b.input === "string") {
    out += fence(b.input) + "\n";
  } else if (b.name === "WebFetch") {
    if (str(input.prompt)) out += `> ${str(input.prompt)!.replace(/\n/g, "\n> ")}\n\n`;
  } else if (!["Read", "Grep", "Glob", "WebSearch"].includes(b.name) && b.input !== undefined && Object.keys(input).length) {
    out += fence(JSON.stringify(b.input, null, 2), "json") + "\n";
  }
  if (b.subAgent && o.subAgents !== false) {
    const inner = b.subAgent.turns.map((t) => blocksMd(t.blocks, o, depth + 1)).join("");
    out += inner
      .trimEnd()
      .split("\n")
      .map((l) => (l ? `> ${l}` : ">"))
      .join("\n");
    out += "\n\n";
  }
  const r = b.result;
  const editOk = b.edits?.length && !r?.isError;
  if (r && !editOk && b.name !== "TodoWrite") {
    let text = stripAnsi(splitReminders(r.text).text).trimEnd();
    if (b.name === "Read") text = splitNumbered(text)?.code ?? text;
    // Claude Code joins a web answer's parts with "(no content)" where a part was empty.
    if (WEB_TOOLS.has(b.name)) text = text.replaceAll(NO_CONTENT, "\n\n").replace(/\n{3,}/g, "\n\n");
    if (b.subAgent && o.subAgents !== false && lastText(b.subAgent) === text.trim()) text = "";
    if (text) out += b.name === "Task" || b.name === "Agent" ? `${cutLines(text, o.maxOutputLines)}\n\n` : `Output:\n\n${fence(cutLines(text, o.maxOutputLines))}\n`;
    for (const img of r.images) out += `[image: ${img.mediaType}]\n\n`;
  }
  return out;
}

/** Text as a Markdown blockquote. */
function quote(text: string): string {
  return text.split("\n").map((l) => (l ? `> ${l}` : ">")).join("\n") + "\n\n";
}

/**
 * A prompt as Markdown: verbatim, except that lines outside code fences that would make a heading
 * (`# ...`, or a setext underline) are escaped, so a prompt's headings never read as the
 * transcript's own (`## Turn N`).
 */
export function promptMd(text: string): string {
  let fenceMark: string | undefined;
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (f) {
        if (fenceMark === undefined) fenceMark = f[1];
        else if (f[1][0] === fenceMark[0] && f[1].length >= fenceMark.length) fenceMark = undefined;
        return line;
      }
      if (fenceMark !== undefined) return line;
      if (/^ {0,3}#{1,6}(\s|$)/.test(line) || /^ {0,3}(=+|-+)\s*$/.test(line)) return line.replace(/^( {0,3})/, "$1\\");
      return line;
    })
    .join("\n");
}

type Role = "user" | "assistant" | undefined;

/** Who a block speaks for; undefined for quiet blocks that do not change the speaker. */
function roleOf(b: Block, prev: Role): Role {
  if (b.kind === "prompt" || b.kind === "command") return "user";
  if (b.kind === "image") return prev ?? "user";
  if (b.kind === "text" || b.kind === "thinking" || b.kind === "tool") return "assistant";
  return prev;
}

function blockMd(b: Block, o: MarkdownOptions, depth: number, prev: Role): string {
  const speaker = prev === "assistant" ? "" : "**Assistant**\n\n";
  switch (b.kind) {
    case "prompt":
      return `${prev === "user" ? "" : "**User**\n\n"}${b.context ? quote("_IDE context:_\n" + promptMd(b.context)) : ""}${promptMd(b.text)}\n\n`;
    case "text":
      return `${speaker}${b.phase === "commentary" ? "_Commentary:_ " : ""}${b.text.trim()}\n\n`;
    case "thinking":
      if (o.thinking === false || !b.text.trim()) return "";
      return `${speaker}> _Thinking:_\n${b.text.trim().split("\n").map((l) => `> ${l}`).join("\n")}\n\n`;
    case "image":
      return `[image: ${b.mediaType}]\n\n`;
    case "tool":
      return speaker + toolMd(b, o, depth);
    case "compaction": {
      const summary = (b.summary ?? "").trim();
      return `> **Conversation compacted**${b.trigger ? ` (${b.trigger})` : ""}\n${summary ? summary.split("\n").map((l) => `> ${l}`).join("\n") + "\n" : ""}\n`;
    }
    case "notice": {
      // The first line as the notice; the rest (a relayed message's words) quoted under it.
      const [first, ...rest] = b.text.split("\n");
      const more = rest.join("\n").trim();
      return `_${b.subtype}: ${first}_\n\n${more ? more.split("\n").map((l) => `> ${l}`).join("\n") + "\n\n" : ""}`;
    }
    case "command": {
      const line = b.name === "!" ? `$ ${b.args ?? ""}` : `${b.name}${b.args ? ` ${b.args}` : ""}`;
      const head = b.name ? `${prev === "user" ? "" : "**User**\n\n"}Command: ${inline(line)}\n\n` : "";
      return `${head}${b.output ? fence(cutLines(stripAnsi(b.output), o.maxOutputLines)) + "\n" : ""}`;
    }
    case "unknown":
      return "";
  }
}

function blocksMd(blocks: Block[], o: MarkdownOptions, depth: number): string {
  let out = "";
  let role: Role;
  for (const b of blocks) {
    if (b.kind === "thinking" && (o.thinking === false || !b.text.trim())) continue;
    out += blockMd(b, o, depth, role);
    role = roleOf(b, role);
  }
  return out;
}

function turnMd(t: Turn, o: MarkdownOptions): string {
  const when = t.timestamp ? ` · ${t.timestamp.replace("T", " ").slice(0, 16)} UTC` : "";
  return `## Turn ${t.index + 1}${t.abandoned ? " (rewound by the user)" : ""}${when}\n\n${blocksMd(t.blocks, o, 0)}`;
}

function headerMd(s: Session): string {
  const lines = [`# ${s.title || UNTITLED}`, ""];
  const fact = (k: string, v: string | undefined) => v && lines.push(`- ${k}: ${v}`);
  fact("Source", `${SOURCE_NAME[s.source] ?? s.source}${s.version ? ` ${s.version}` : ""}, session ${inline(s.id)}`);
  fact("Project", s.project && inline(s.project));
  fact("Branch", s.gitBranch && inline(s.gitBranch));
  fact("Pull request", s.pullRequest && `${s.pullRequest.repository}#${s.pullRequest.number} (${s.pullRequest.url})`);
  fact("Models", s.models.join(", "));
  fact("Started", s.startedAt && `${s.startedAt.replace("T", " ").slice(0, 16)} UTC`);
  fact("Duration", formatDuration(s.startedAt, s.endedAt));
  const t = usageTotals(s);
  const caveat = outputCaveat(t);
  if (hasUsage(t)) fact("Tokens", `${formatCount(t.input)} in (cache included), ${describeOutput(t, formatCount)}${caveat ? ` (${caveat})` : ""}`);
  if (s.costUsd !== undefined) fact("Cost", `${formatCost(s.costUsd)} (${COST_NOTE})`);
  const c = fileChanges(s);
  if (c.files) fact("Changes", `${plural(c.files, "file")}, +${c.added} −${c.removed}`);
  return lines.join("\n") + "\n\n---\n\n";
}

export function* markdownTranscriptChunks(session: Session, opts: MarkdownOptions = {}): Generator<string> {
  yield headerMd(session);
  for (const t of session.turns) yield turnMd(t, opts);
}

export function renderMarkdownTranscript(session: Session, opts: MarkdownOptions = {}): string {
  let out = "";
  for (const chunk of markdownTranscriptChunks(session, opts)) out += chunk;
  return out.trimEnd() + "\n";
}
