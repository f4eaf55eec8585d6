/**
 * What a Claude Code user text really is. User lines carry real prompts, but also slash-command
 * wrappers, local command output, IDE context, system reminders and notices the harness injects
 * (background task / shell completion: `<task-notification>`, `<bash-notification>`); only real
 * prompts count as prompts (for turns, titles and counts).
 *
 * Kinds: prompt (what the user typed); command (slash command, `!` bash input, or local command
 * output; with `text` when the user typed words around the wrappers: those are a prompt too);
 * interrupt; notice (a harness notice shown quietly, never a prompt: a background task
 * or shell that finished, a message relayed from a teammate agent, another session, a channel or
 * an MCP server); ignore (isMeta lines, the local-command caveat, a loop's tick, text that is
 * only IDE/harness context). The `#` memory the user typed is a command named "#".
 */

import type { JsonObject } from "../jsonl.ts";
import { isObj } from "./fields.ts";

export type UserText =
  | { kind: "prompt"; text: string }
  /** `text`: words the user typed around the wrappers, when any (shown as a prompt after the command). */
  | { kind: "command"; name: string; args?: string; output?: string; text?: string }
  | { kind: "interrupt"; text: string }
  | { kind: "notice"; level: "info" | "warning"; subtype: string; text: string }
  | { kind: "ignore" };

const tag = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`);
const COMMAND_NAME = tag("command-name");
const COMMAND_ARGS = tag("command-args");
const LOCAL_STDOUT = tag("local-command-stdout");
const LOCAL_STDERR = tag("local-command-stderr");
const BASH_INPUT = tag("bash-input");
const BASH_STDOUT = tag("bash-stdout");
const BASH_STDERR = tag("bash-stderr");

/** Context the IDE or the harness adds around a prompt: not what the user typed. */
const CONTEXT_WRAPPERS = /<(ide_opened_file|ide_selection|ide_diagnostics|system-reminder|user-prompt-submit-hook|local-command-caveat)>[\s\S]*?<\/\1>/g;

/** Claude Code's stand-in for an empty output (local commands) or an empty part (web answers). */
export const NO_CONTENT = "(no content)";

/** The wrappers Claude Code writes around slash commands, `!` shell input and local command output. */
const COMMAND_WRAPPERS = /<(command-name|command-message|command-args|command-contents|local-command-stdout|local-command-stderr|bash-input|bash-stdout|bash-stderr|user-memory-input)>[\s\S]*?<\/\1>/g;

/**
 * Every wrapper tag a user text may hold that the user did not type (harness context and command
 * wrappers): what "the user's own words" leaves out.
 */
export const KNOWN_WRAPPER_TAGS = [
  "command-name",
  "command-message",
  "command-args",
  "command-contents",
  "local-command-stdout",
  "local-command-stderr",
  "local-command-caveat",
  "bash-input",
  "bash-stdout",
  "bash-stderr",
  "ide_opened_file",
  "ide_selection",
  "ide_diagnostics",
  "system-reminder",
  "user-prompt-submit-hook",
  "user-memory-input",
  "tick",
  "fork-boilerplate",
] as const;

/** What the user typed around command wrappers (context wrappers removed too), trimmed. */
function wordsAround(raw: string): string {
  // Where a wrapper stood, at most one blank line is left.
  return stripContextWrappers(
    raw
      .replace(COMMAND_WRAPPERS, "\u0000")
      .replace(/[ \t]*\u0000[ \t]*/g, "\n")
      .replace(/\n\s*\n(\s*\n)+/g, "\n\n"),
  );
}

/** A command, with the user's words around its wrappers when there are any. */
function command(raw: string, c: { name: string; args?: string; output?: string }): UserText {
  const text = wordsAround(raw);
  const out: UserText = { kind: "command", ...c };
  if (text) out.text = text;
  return out;
}

/** A user text that starts with a background task / shell completion notice. */
const NOTIFICATION_START = /^\s*<(?:task|bash)-notification>/;
const NOTIFICATION = /<(task|bash)-notification>([\s\S]*?)<\/\1-notification>/g;
const TASK_ID = /<(?:task-id|task_id|shell-id)>([\s\S]*?)<\/(?:task-id|task_id|shell-id)>/;
const STATUS = tag("status");
const SUMMARY = tag("summary");

/**
 * Messages Claude Code delivers into the session that no user typed: from another agent of a team
 * (`<teammate-message teammate_id=…>`), another Claude session (`<cross-session-message …>`), an
 * external channel (`<channel source=…>`), an MCP server (`<mcp-resource-update …>`,
 * `<mcp-polling-update …>`); sometimes after a line saying that a message arrived. Claude Code
 * never takes them for the user's prompts; here each is a notice that keeps its words.
 */
const RELAYED =
  /^\s*(?:(?:A message arrived from|Another Claude session sent a message)[^\n]*\n+)?<(?:(teammate-message)\s+teammate_id="[^>]*|(cross-session-message)(?:\s[^>]*)?|(channel)\s+source="[^>]*|(mcp-resource-update|mcp-polling-update)\s+server="[^>]*)>/;
const ATTR = /([\w-]+)="([^"]*)"/g;

/** Who a relayed message is from, by its tag, from the tag's attributes. */
const RELAYED_FROM: Record<string, (attrs: Map<string, string>) => string> = {
  "teammate-message": (a) => `Message from teammate ${a.get("teammate_id") ?? "?"}`,
  "cross-session-message": (a) => `Message from another Claude session${a.get("from-name") ? ` (${a.get("from-name")})` : ""}`,
  channel: (a) => `Message from ${a.get("source") ?? "an external channel"}`,
  "mcp-resource-update": (a) => `Update from MCP server ${a.get("server") ?? "?"}`,
  "mcp-polling-update": (a) => `Update from MCP server ${a.get("server") ?? "?"}`,
};

/** Claude Code escapes attribute values as XML (`&quot;`, `&amp;`, ...). */
const unescapeAttr = (v: string) => v.replace(/&(quot|apos|lt|gt|amp);/g, (_, e: string) => ({ quot: '"', apos: "'", lt: "<", gt: ">", amp: "&" })[e]!);

/**
 * The relayed messages of a user text, one paragraph each (a text may carry several teammate
 * messages): who sent it, its summary, its words. Claude Code writes a `</tag` inside the words
 * as `<\/tag`; it is given back.
 */
function relayed(raw: string, m: RegExpExecArray): UserText {
  // The tag's name is the one group of the four alternatives that matched (each asks for the
  // attribute Claude Code always writes, so pasted XML such as an RSS <channel> stays a prompt).
  const name = m[1] ?? m[2] ?? m[3] ?? m[4];
  const block = new RegExp(`<${name}\\b([^>]*)>([\\s\\S]*?)(?:</${name}>|$)`, "g");
  const escapedClose = new RegExp(`<\\\\/(?=${name}(?:[>\\s/]|$))`, "gi");
  const parts: string[] = [];
  for (const b of raw.slice(raw.indexOf(`<${name}`, m.index)).matchAll(block)) {
    const attrs = new Map<string, string>();
    for (const a of b[1].matchAll(ATTR)) attrs.set(a[1], unescapeAttr(a[2]));
    const body = b[2].replace(escapedClose, "</").trim();
    const summary = attrs.get("summary");
    parts.push(`${RELAYED_FROM[name](attrs)}${summary ? `: ${summary}` : ""}${body ? `\n${body}` : ""}`);
  }
  return { kind: "notice", level: "info", subtype: name, text: parts.join("\n\n") };
}

/** Text the harness adds that is for the model alone: a loop's wake-up tick, a fork's boilerplate. */
const HARNESS_ONLY = /^\s*<(tick|fork-boilerplate)>[\s\S]*<\/\1>\s*$/;
/** A `#` memory the user typed (Claude Code keeps it in CLAUDE.md). */
const MEMORY_INPUT = tag("user-memory-input");

/** Removes IDE/harness context wrappers, leaving what the user typed. */
export function stripContextWrappers(text: string): string {
  return text.replace(CONTEXT_WRAPPERS, "").trim();
}

/** Classifies the text of a user line (a string content, or its text parts joined). */
export function classifyUserText(raw: string, isMeta = false): UserText {
  if (isMeta) return { kind: "ignore" };
  // Before the command check: a notice's <result> may quote anything, command tags included.
  if (NOTIFICATION_START.test(raw)) return notification(raw);
  const relay = RELAYED.exec(raw);
  if (relay) return relayed(raw, relay);
  if (HARNESS_ONLY.test(raw)) return { kind: "ignore" };
  const memory = MEMORY_INPUT.exec(raw);
  if (memory) return command(raw, { name: "#", args: memory[1].trim() });
  const name = COMMAND_NAME.exec(raw);
  if (name) {
    const args = COMMAND_ARGS.exec(raw)?.[1]?.trim();
    return command(raw, { name: name[1].trim(), ...(args ? { args } : {}) });
  }
  const stdout = LOCAL_STDOUT.exec(raw) ?? LOCAL_STDERR.exec(raw);
  if (stdout) {
    // Claude Code writes "(no content)" for a command that printed nothing.
    const out = stdout[1].trim();
    return command(raw, out === NO_CONTENT ? { name: "" } : { name: "", output: out });
  }
  const bash = BASH_INPUT.exec(raw);
  if (bash) return command(raw, { name: "!", args: bash[1].trim() });
  const bashOut = BASH_STDOUT.exec(raw) ?? BASH_STDERR.exec(raw);
  if (bashOut) {
    const out = [BASH_STDOUT.exec(raw)?.[1], BASH_STDERR.exec(raw)?.[1]].filter((s) => s && s.trim()).join("\n");
    return command(raw, { name: "", output: out.trim() });
  }
  if (raw.startsWith("Caveat: The messages below were generated by the user while running local commands")) {
    return { kind: "ignore" };
  }
  const trimmed = raw.trim();
  if (/^\[Request interrupted by user[^\]]*\]$/.test(trimmed)) return { kind: "interrupt", text: trimmed };
  const text = stripContextWrappers(raw);
  if (!text) return { kind: "ignore" };
  return { kind: "prompt", text };
}

/**
 * `<task-notification>` / `<bash-notification>` user text (one or more notices, then a line such as
 * "Full transcript available at: ..." or "Read the output file ..."): one line per notice, e.g.
 * `Background task aa5ef13 completed: Agent "Poem about Thai green curry" completed`. The agent's
 * full result is not repeated: it is the sub-agent's own transcript / the task's output.
 */
function notification(raw: string): UserText {
  const lines: string[] = [];
  let failed = false;
  let subtype = "task-notification";
  for (const m of raw.matchAll(NOTIFICATION)) {
    const body = m[2];
    if (lines.length === 0) subtype = `${m[1]}-notification`;
    // The nested <result> may hold tags of its own: read the fields before it.
    const resultAt = body.indexOf("<result>");
    const head = resultAt === -1 ? body : body.slice(0, resultAt);
    const id = TASK_ID.exec(head)?.[1]?.trim();
    const status = STATUS.exec(head)?.[1]?.trim();
    const summary = SUMMARY.exec(head)?.[1]?.trim();
    if (status && /fail|error|kill/i.test(status)) failed = true;
    let line = m[1] === "bash" ? "Background command" : "Background task";
    if (id) line += ` ${id}`;
    line += ` ${status || "finished"}`;
    if (summary) line += `: ${summary}`;
    lines.push(line);
  }
  if (lines.length === 0) lines.push("Background task notification"); // unterminated: say what it was
  return { kind: "notice", level: failed ? "warning" : "info", subtype, text: lines.join("\n") };
}

/** The text of a queued_command attachment: a string, or its text parts joined (as Claude Code does). */
export function queuedText(a: JsonObject): string | undefined {
  if (typeof a.prompt === "string") return a.prompt;
  if (!Array.isArray(a.prompt)) return undefined;
  const texts: string[] = [];
  for (const p of a.prompt) if (isObj(p) && p.type === "text" && typeof p.text === "string") texts.push(p.text);
  return texts.join("\n");
}

/**
 * Whether a queued_command attachment is a prompt somebody sent, as Claude Code counts a turn: one
 * typed while the agent worked (no origin, or a human one, or an automatic continuation), unless
 * marked isMeta; or one that came from a channel or another agent's task. A task notification
 * (commandMode "task-notification") and other origins are the harness's, for the model.
 */
export function queuedByPerson(a: JsonObject): boolean {
  const origin = isObj(a.origin) ? a.origin : undefined;
  const kind = origin ? origin.kind : a.commandMode === "task-notification" ? "task-notification" : undefined;
  if (kind === "channel" || (kind === "peer" && origin?.senderTaskId !== undefined)) return true;
  return a.isMeta !== true && (kind === undefined || kind === "human" || kind === "auto-continuation");
}
