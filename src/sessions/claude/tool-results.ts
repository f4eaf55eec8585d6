/**
 * Tool results: a tool_result part (or a server tool's *_tool_result block) attached to the call it
 * answers, whichever comes first; Task / Agent calls noted for sub-agent linking.
 */
import type { JsonObject } from "../jsonl.ts";
import type { ImageBlock, ToolBlock, ToolResult } from "../model.ts";
import type { ClaudeSessionBuilder } from "./builder.ts";
import { documentText, imageBlock, toolBlock } from "./blocks.ts";
import { slimResultMeta } from "./result-meta.ts";
import type { ChainNode } from "./chain.ts";
import { isObj, str } from "./fields.ts";

export function attachResult(b: ClaudeSessionBuilder, part: JsonObject, meta: unknown, ts: string | undefined, node: ChainNode): void {
  const id = str(part.tool_use_id);
  const result = resultOf(part, meta, ts);
  if (id === undefined) return;
  const call = b.tools.get(id);
  if (call && !call.result) {
    call.result = result;
    if (slimResultMeta(result.meta, result.text, result.isError, call)) b.originals.add(result.meta);
    noteAgentCall(b, call);
    return;
  }
  if (b.orphanResults.has(id)) return;
  if (slimResultMeta(result.meta, result.text, result.isError, undefined)) b.originals.add(result.meta);
  // The call may come later: keep a placeholder where the result is.
  const placeholder = toolBlock(b.blockId(undefined, node, id), ts, id, "unknown", null);
  placeholder.placeholder = true;
  placeholder.result = result;
  b.orphanResults.set(id, placeholder);
  b.push(node, placeholder, false, false);
  b.placeholderNodes.add(node);
}

export function noteAgentCall(b: ClaudeSessionBuilder, block: ToolBlock): void {
  if (b.agentCallSet.has(block)) return;
  if (block.name === "Task" || block.name === "Agent" || (isObj(block.result?.meta) && typeof block.result.meta.agentId === "string")) {
    b.agentCallSet.add(block);
    b.agentCalls.push(block);
  }
}

function resultOf(part: JsonObject, meta: unknown, ts: string | undefined): ToolResult {
  const texts: string[] = [];
  const images: ImageBlock[] = [];
  const c = part.content;
  if (typeof c === "string") texts.push(c);
  else if (Array.isArray(c)) {
    let k = 0;
    for (const p of c) {
      if (!isObj(p)) continue;
      if (p.type === "text" && typeof p.text === "string") texts.push(p.text);
      else if (p.type === "image") {
        const img = imageBlock(`${str(part.tool_use_id) ?? "result"}.img${k}`, ts, p);
        if (img) {
          images.push(img);
          k++;
        }
      } else if (p.type === "document") texts.push(documentText(p));
      // ToolSearch answers with the tools it found, by name.
      else if (p.type === "tool_reference" && typeof p.tool_name === "string") texts.push(p.tool_name);
      else texts.push(JSON.stringify(p));
    }
  } else if (c !== undefined && c !== null) texts.push(JSON.stringify(c));
  const result: ToolResult = { text: texts.join("\n"), images, isError: part.is_error === true };
  if (ts !== undefined) result.timestamp = ts;
  if (meta !== undefined) result.meta = meta;
  return result;
}
