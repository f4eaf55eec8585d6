/** System records, attachments, and the record types that are bookkeeping. */
import type { JsonObject } from "../jsonl.ts";
import type { CompactionBlock } from "../model.ts";
import type { ClaudeSessionBuilder } from "./builder.ts";
import { head, noticeBlock, promptBlock } from "./blocks.ts";
import type { ChainNode } from "./chain.ts";
import { isObj, str } from "./fields.ts";
import { classifyUserText, queuedByPerson, queuedText } from "./prompt.ts";
import { addCommand } from "./user.ts";
import { plural } from "../../plural.ts";

/**
 * Bookkeeping record types, consumed without producing anything: what Claude Code writes besides
 * the conversation (read from its 2.1 builds): the session's settings and state re-appended as it
 * goes (agent name, colour and setting, mode, permission mode, tag, worktree, isolation,
 * remote bridge, relocated project; the PR link and the running cost are read, as
 * Session.pullRequest and costUsd), snapshots of edited files, the queue of typed prompts,
 * progress of tools and hooks, replacements of large tool outputs, context-collapse commits and
 * snapshots (`marble-origami-*`), fork and frame links, speculation timings; and in later builds
 * (2.1.332): file history deltas, attribution snapshots, tools used, memory and
 * REPL modes, session owner and organizations, data-flow records and what a session derives from
 * or continues in, the end the model called, resume checks, observer links, and logs of the API
 * requests made.
 */
export const SILENT_TYPES = new Set([
  "progress",
  "queue-operation",
  "file-history-snapshot",
  "last-prompt",
  "agent-name",
  "agent-color",
  "agent-setting",
  "mode",
  "permission-mode",
  "tag",
  "worktree-state",
  "isolation-latch",
  "bridge-session",
  "relocated",
  "content-replacement",
  "fork-context-ref",
  "frame-link",
  "speculation-accept",
  "marble-origami-commit",
  "marble-origami-snapshot",
  "marble-origami-reset",
  // Added by later builds (read from 2.1.332's transcript writer).
  "file-history-delta",
  "attribution-snapshot",
  "tools-used",
  "history-suppression",
  "session-owner",
  "hybrid-organization",
  "dev-mods",
  "memory-mode",
  "repl-mode",
  "atis-latch",
  "artifact-comment-monitor",
  "artifact-autoreact-ledger",
  "data-flow-records",
  "data-flow-incomplete",
  "derived-from",
  "continued-in",
  "ended-by-model",
  "resume-head-vouch",
  "observer-ref",
  "api-request",
  "api-request-shape",
  "api-request-blob",
  "api-request-resumed",
]);

export const KNOWN_RECORD_TYPES = new Set(["user", "assistant", "system", "summary", "attachment", "ai-title", "custom-title", "session-id", "pr-link", "cost-state", ...SILENT_TYPES]);

/** System subtypes that are bookkeeping: turn timings, the plan file's snapshot (isMeta). */
const SILENT_SYSTEM = new Set(["turn_duration", "file_snapshot"]);

export function addSystem(b: ClaudeSessionBuilder, rec: JsonObject, node: ChainNode, ts: string | undefined): void {
  const subtype = str(rec.subtype) ?? "";
  const uuid = node.uuid;
  if (SILENT_SYSTEM.has(subtype)) return;
  if (subtype === "api_error") {
    b.push(node, noticeBlock(b.blockId(uuid, node), ts, "error", subtype, apiErrorText(rec)));
    return;
  }
  if (subtype === "compact_boundary") {
    const m = isObj(rec.compactMetadata) ? rec.compactMetadata : {};
    const c = head("compaction", b.blockId(uuid, node), ts) as CompactionBlock;
    if (typeof m.trigger === "string") c.trigger = m.trigger;
    if (typeof m.preTokens === "number") c.preTokens = m.preTokens;
    b.lastCompaction = c;
    b.push(node, c);
    return;
  }
  // Two records without content that Claude Code shows the user, worded as it does.
  if (subtype === "memory_saved") {
    const paths = Array.isArray(rec.writtenPaths) ? rec.writtenPaths.filter((p): p is string => typeof p === "string") : [];
    if (paths.length) b.push(node, noticeBlock(b.blockId(uuid, node), ts, "info", subtype, `${str(rec.verb) ?? "Saved"} ${plural(paths.length, "memory", "memories")}\n${paths.join("\n")}`));
    return;
  }
  if (subtype === "agents_killed") {
    b.push(node, noticeBlock(b.blockId(uuid, node), ts, "warning", subtype, "All background agents stopped"));
    return;
  }
  const content = str(rec.content);
  if (content === undefined || !content.trim()) return;
  if (subtype === "local_command") {
    const cls = classifyUserText(content);
    if (cls.kind === "command") {
      addCommand(b, node, ts, cls);
      return;
    }
  }
  const level = rec.level === "error" ? "error" : rec.level === "warning" ? "warning" : "info";
  b.push(node, noticeBlock(b.blockId(uuid, node), ts, level, subtype || "system", content));
}

export function addAttachment(b: ClaudeSessionBuilder, rec: JsonObject, node: ChainNode, ts: string | undefined): void {
  const a = isObj(rec.attachment) ? rec.attachment : undefined;
  if (!a) return;
  const type = str(a.type) ?? "";
  if (type === "queued_command") {
    const prompt = queuedText(a);
    if (!prompt) return;
    const cls = classifyUserText(prompt);
    // Text the harness queued for the model (not typed, not sent from elsewhere) is no prompt; a
    // notice in it (a background task's end) is still said.
    if (!queuedByPerson(a)) {
      if (cls.kind === "notice") b.push(node, noticeBlock(b.blockId(node.uuid, node), ts, cls.level, cls.subtype, cls.text));
      return;
    }
    if (cls.kind === "prompt") b.push(node, promptBlock(b.blockId(node.uuid, node), ts, cls.text), true);
    else if (cls.kind === "command") addCommand(b, node, ts, { ...cls, output: undefined });
    else if (cls.kind === "notice") b.push(node, noticeBlock(b.blockId(node.uuid, node), ts, cls.level, cls.subtype, cls.text));
    return;
  }
  // What Claude Code itself shows the user of a hook: its message, and a stop it made.
  if (type === "hook_system_message") {
    const text = str(a.content);
    if (text) b.push(node, noticeBlock(b.blockId(node.uuid, node), ts, "info", type, `${str(a.hookName) ?? "hook"} says: ${text}`));
    return;
  }
  if (type === "hook_stopped_continuation" && a.hookEvent !== "Stop" && a.hookEvent !== "SubagentStop") {
    b.push(node, noticeBlock(b.blockId(node.uuid, node), ts, "warning", type, `${str(a.hookName) ?? "hook"} hook stopped continuation: ${str(a.message) ?? "stopped"}`));
    return;
  }
  if (type.includes("error")) {
    const text = str(a.content) ?? str(a.stderr) ?? str(a.message) ?? (isObj(a.blockingError) ? str(a.blockingError.blockingError) : undefined) ?? type;
    const name = str(a.hookName);
    b.push(node, noticeBlock(b.blockId(node.uuid, node), ts, "warning", type, name ? `${name}: ${text}` : text));
  }
}

function apiErrorText(rec: JsonObject): string {
  const err = isObj(rec.error) ? rec.error : undefined;
  const cause = isObj(rec.cause) ? rec.cause : err && isObj(err.cause) ? err.cause : undefined;
  const parts: string[] = [];
  const status = err ? (err.status ?? (isObj(err.error) && isObj(err.error.error) ? err.error.error.type : undefined)) : undefined;
  const code = cause ? str(cause.code) : undefined;
  let head = "API error";
  const detail = [status !== undefined ? String(status) : undefined, code].filter(Boolean).join(" ");
  if (detail) head += ` (${detail})`;
  const message = err ? (str(err.message) ?? (isObj(err.error) && isObj(err.error.error) ? str(err.error.error.message) : undefined)) : undefined;
  if (message) head += `: ${message.length > 160 ? message.slice(0, 160) + "…" : message}`;
  parts.push(head);
  if (typeof rec.retryAttempt === "number") {
    let retry = `retry ${rec.retryAttempt}${typeof rec.maxRetries === "number" ? `/${rec.maxRetries}` : ""}`;
    if (typeof rec.retryInMs === "number") retry += ` in ${(rec.retryInMs / 1000).toFixed(1)}s`;
    parts.push(retry);
  }
  return parts.join(", ");
}
