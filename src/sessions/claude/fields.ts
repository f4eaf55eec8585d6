/** Reading fields of parsed JSON records, which may hold anything. */
import type { JsonObject } from "../jsonl.ts";

export const isObj = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Assistant content parts that are tool calls: the client's, the API's server tools, MCP connector calls. */
export const TOOL_CALL_TYPES = ["tool_use", "server_tool_use", "mcp_tool_use"] as const;

/** A call's name as Claude Code names tools: an MCP connector call (mcp_tool_use) as mcp__<server>__<tool>. */
export function toolCallName(type: unknown, name: string | undefined, server: string | undefined): string | undefined {
  return type === "mcp_tool_use" && server ? `mcp__${server}__${name ?? "unknown"}` : name;
}
