/** Assistant records: text, thinking and tool calls; models and token usage per message. */
import type { JsonObject } from "../jsonl.ts";
import { emptyUsage, type CompactionBlock } from "../model.ts";
import type { ClaudeSessionBuilder } from "./builder.ts";
import { head, noticeBlock, textBlock, thinkingBlock, toolBlock, unknownBlock } from "./blocks.ts";
import type { ChainNode } from "./chain.ts";
import { isObj, num, str, toolCallName } from "./fields.ts";
import { attachResult, noteAgentCall } from "./tool-results.ts";

/** The model Claude Code names its own messages with: not a model. */
const SYNTHETIC_MODEL = "<synthetic>";

export function addAssistant(b: ClaudeSessionBuilder, rec: JsonObject, node: ChainNode, ts: string | undefined): void {
  const msg = isObj(rec.message) ? rec.message : undefined;
  if (!msg) return;
  const uuid = node.uuid;
  node.message = str(msg.id);
  if (node.message === undefined) b.anonymousMessages++;
  else b.messageIds.add(node.message);
  const model = str(msg.model);
  const real = model !== undefined && model !== SYNTHETIC_MODEL;
  if (real && !b.modelSet.has(model)) {
    b.modelSet.add(model);
    b.models.push(model);
  }
  if (real && isObj(msg.usage)) noteUsage(b, str(msg.id) ?? uuid ?? `line${node.seq}`, model, msg.usage, typeof msg.stop_reason === "string");

  const content = msg.content;
  if (rec.isApiErrorMessage === true || (model === SYNTHETIC_MODEL && rec.error !== undefined)) {
    const text = typeof content === "string" ? content : Array.isArray(content) ? content.filter(isObj).map((p) => str(p.text) ?? "").join("\n") : "";
    b.push(node, noticeBlock(b.blockId(uuid, node), ts, "error", "api_error", text || "API error"));
    return;
  }
  const blockModel = real ? model : undefined;
  if (typeof content === "string") {
    if (content.trim()) b.push(node, textBlock(b.blockId(uuid, node), ts, content, blockModel));
    return;
  }
  if (!Array.isArray(content)) return;
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    if (!isObj(part)) continue;
    switch (part.type) {
      case "text": {
        const text = str(part.text) ?? "";
        if (text.trim()) b.push(node, textBlock(b.blockId(uuid, node), ts, text, blockModel));
        break;
      }
      case "thinking": {
        const text = str(part.thinking) ?? "";
        if (text) b.push(node, thinkingBlock(b.blockId(uuid, node), ts, text, false));
        else if (part.signature) b.push(node, thinkingBlock(b.blockId(uuid, node), ts, "", true));
        break;
      }
      case "redacted_thinking":
        b.push(node, thinkingBlock(b.blockId(uuid, node), ts, "", true));
        break;
      case "tool_use":
      case "server_tool_use":
      case "mcp_tool_use": {
        const id = str(part.id);
        // An MCP connector call is named as Claude Code names MCP tools, so it is drawn as one.
        const name = toolCallName(part.type, str(part.name), str(part.server_name)) ?? "unknown";
        const orphan = id !== undefined ? b.orphanResults.get(id) : undefined;
        // A call whose result came first takes over the placeholder's id.
        const block = toolBlock(orphan ? orphan.id : b.blockId(uuid, node, id), ts, id ?? "", name, part.input);
        if (orphan) {
          block.result = orphan.result;
          b.orphanResults.delete(id!);
          b.dropped.add(orphan);
        }
        if (id !== undefined) b.tools.set(id, block);
        b.push(node, block);
        noteAgentCall(b, block);
        break;
      }
      case "compaction": {
        // The API's server-side compaction: the summary that stands for the context before it.
        const c = head("compaction", b.blockId(uuid, node), ts) as CompactionBlock;
        const summary = str(part.content);
        if (summary) c.summary = summary;
        b.push(node, c);
        break;
      }
      default: {
        // Result blocks of server tools (web_search_tool_result, mcp_tool_result, ...) answer a
        // server_tool_use / mcp_tool_use.
        const toolUseId = str(part.tool_use_id);
        if (toolUseId !== undefined && typeof part.type === "string" && part.type.endsWith("_tool_result")) {
          attachResult(b, part, part.content, ts, node);
          break;
        }
        b.push(node, unknownBlock(b.blockId(uuid, node), ts, typeof part.type === "string" ? part.type : "(no type)", part));
      }
    }
  }
}

/**
 * Notes the usage of one record of a reply (the largest figures win). `final`: the record has a
 * stop_reason, so its output count is the reply's whole output, not a mid-reply figure.
 */
export function noteUsage(b: ClaudeSessionBuilder, key: string, model: string, u: JsonObject, final: boolean): void {
  let entry = b.usageByMessage.get(key);
  if (!entry) b.usageByMessage.set(key, (entry = { model, usage: emptyUsage(), final }));
  else if (final) entry.final = true;
  const t = entry.usage;
  t.inputTokens = Math.max(t.inputTokens, num(u.input_tokens));
  t.outputTokens = Math.max(t.outputTokens, num(u.output_tokens));
  t.cacheReadTokens = Math.max(t.cacheReadTokens, num(u.cache_read_input_tokens));
  t.cacheCreationTokens = Math.max(t.cacheCreationTokens, num(u.cache_creation_input_tokens));
}
