/** MCP tools (`mcp__server__tool`): server and tool name, the input as readable JSON, the result. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { pre } from "../output.ts";
import { frame, jsonHtml, resultHtml } from "./frame.ts";

export function parseMcpName(name: string): { server: string; tool: string } | undefined {
  const m = /^mcp__(.+?)__(.+)$/.exec(name);
  return m ? { server: m[1], tool: m[2] } : undefined;
}

export function renderMcp(block: ToolBlock, ctx: Ctx): string {
  const { server, tool } = parseMcpName(block.name) ?? { server: "", tool: block.name };
  const empty = block.input === undefined || (typeof block.input === "object" && block.input !== null && Object.keys(block.input).length === 0);
  const body = (empty ? "" : pre(jsonHtml(block.input), { cls: "json", over: 20, head: 12 })) + resultHtml(block.result);
  return frame(block, { kind: "mcp", label: tool, arg: `<span class="badge">MCP</span> <span class="muted">${esc(server)}</span>`, body }, ctx);
}
