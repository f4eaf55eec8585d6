/** Codex response items and events: dispatch by item / event type, token usage. */
import { emptyUsage } from "../model.ts";
import type { CodexSessionBuilder } from "./build.ts";
import { isObject, num, str, type Rec } from "./fields.ts";
import { addMessage, addReasoning, dedup, setPhase, hasAbortNotice, userText } from "./messages.ts";
import { addEndEvent, addImageGeneration, addToolCall, addToolOutput, addToolSearchOutput, parseArguments } from "./tools.ts";

/** Response items that carry nothing to show. */
const IGNORED_ITEMS = new Set(["ghost_snapshot"]);

/** Events that are known and either duplicate a response item or carry nothing to show. */
const IGNORED_EVENTS = new Set([
  "task_started",
  "task_complete",
  "turn_started",
  "turn_complete",
  "agent_reasoning_section_break",
  "agent_message_delta",
  "agent_reasoning_delta",
  "agent_reasoning_raw_content_delta",
  "exec_command_begin",
  "exec_command_output_delta",
  "patch_apply_begin",
  "mcp_tool_call_begin",
  "mcp_tool_call_end",
  "web_search_begin",
  "web_search_end",
  "view_image_tool_call",
  "context_compacted",
  "turn_diff",
  "plan_update",
  "background_event",
  "entered_review_mode",
  "exited_review_mode",
  "undo_started",
  "undo_completed",
  "item_started",
  "item_completed",
  "session_configured",
  "shutdown_complete",
  "get_history_entry_response",
  "mcp_list_tools_response",
  "list_custom_prompts_response",
  "mcp_startup_update",
  "mcp_startup_complete",
  "deprecation_notice",
  "token_count_delta",
]);

export interface TokenTotals {
  input: number;
  cached: number;
  output: number;
}

export function addResponseItem(b: CodexSessionBuilder, p: Rec, ts: string | undefined, recordType: string): void {
  const itemType = str(p.type) ?? "(no type)";
  switch (itemType) {
    case "message":
      return addMessage(b, p, ts);
    case "reasoning":
      return addReasoning(b, p, ts);
    case "function_call":
      return addToolCall(b, p, ts, parseArguments(p.arguments));
    case "custom_tool_call":
      return addToolCall(b, p, ts, p.input);
    case "local_shell_call":
      return addToolCall(b, { ...p, name: "local_shell" }, ts, p.action);
    case "web_search_call": {
      const input = isObject(p.action) ? p.action : {};
      return addToolCall(b, { ...p, name: "web_search", call_id: str(p.call_id) ?? str(p.id) }, ts, input);
    }
    case "function_call_output":
    case "custom_tool_call_output":
      return addToolOutput(b, p, ts);
    case "tool_search_call":
      return addToolCall(b, { ...p, name: "tool_search" }, ts, p.arguments);
    case "tool_search_output":
      return addToolSearchOutput(b, p, ts);
    case "image_generation_call":
      return addImageGeneration(b, p, str(p.id) ?? str(p.call_id), ts);
    case "compaction":
    case "compaction_summary":
    case "context_compaction":
      return b.compaction(ts, undefined);
    default:
      if (IGNORED_ITEMS.has(itemType)) return;
      b.unknown(recordType === "response_item" ? `response_item/${itemType}` : itemType, p, ts);
  }
}

export function addEvent(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const eventType = str(p.type) ?? "(no type)";
  switch (eventType) {
    case "user_message": {
      const message = typeof p.message === "string" ? p.message : "";
      const images = Array.isArray(p.images) ? p.images : [];
      return userText(b, message, images, "event", ts);
    }
    case "agent_message":
      if (typeof p.message === "string") setPhase(dedup(b, "text", "event", [p.message], ts), p.phase);
      return;
    case "agent_reasoning":
    case "agent_reasoning_raw_content":
      if (typeof p.text === "string") dedup(b, "thinking", "event", [p.text], ts);
      return;
    case "token_count":
      return addTokenCount(b, p);
    case "turn_aborted":
      // Newer Codex also writes a <turn_aborted> user message for the same abort: one notice.
      if (hasAbortNotice(b)) return;
      return b.notice("warning", "turn_aborted", `Turn aborted${str(p.reason) ? `: ${p.reason}` : ""}`, ts);
    case "error":
      return b.notice("error", "error", str(p.message) ?? "Error", ts);
    case "stream_error":
      return b.notice("warning", "stream_error", str(p.message) ?? "Stream error", ts);
    case "warning":
      return b.notice("warning", "warning", str(p.message) ?? "Warning", ts);
    case "exec_command_end":
    case "patch_apply_end":
      return addEndEvent(b, p, ts);
    case "image_generation_end":
      // The same picture as the image_generation_call item (call_id is the item's id).
      return addImageGeneration(b, p, str(p.call_id), ts);
    case "thread_name_updated": {
      const name = str(p.thread_name)?.trim();
      b.threadName = name ? name : undefined;
      return;
    }
    case "thread_rolled_back":
      return b.rollBack(num(p.num_turns));
    default:
      if (IGNORED_EVENTS.has(eventType)) return;
      b.unknown(`event_msg/${eventType}`, p, ts);
  }
}

export function addTokenCount(b: CodexSessionBuilder, p: Rec): void {
  const info = p.info;
  if (!isObject(info)) return;
  const model = b.model ?? "unknown";
  if (isObject(info.total_token_usage)) {
    const total = totals(info.total_token_usage);
    const prev = b.lastTotals;
    // Totals only grow within a conversation; a smaller one starts a new count.
    const restarted = !prev || total.input < prev.input || total.output < prev.output || total.cached < prev.cached;
    const delta = restarted ? total : { input: total.input - prev.input, cached: total.cached - prev.cached, output: total.output - prev.output };
    b.lastTotals = total;
    addUsage(b, model, delta);
  } else if (isObject(info.last_token_usage)) {
    addUsage(b, model, totals(info.last_token_usage));
  }
}

export function addUsage(b: CodexSessionBuilder, model: string, t: TokenTotals): void {
  const u = (b.usage[model] ??= emptyUsage());
  u.inputTokens += Math.max(0, t.input - t.cached);
  u.cacheReadTokens += t.cached;
  u.outputTokens += t.output;
}

function totals(u: Rec): TokenTotals {
  return { input: num(u.input_tokens), cached: num(u.cached_input_tokens), output: num(u.output_tokens) };
}
