/** Any other tool: its name, its input as pretty JSON, its result. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { highlight } from "../highlight.ts";
import { pre } from "../output.ts";
import { frame, inputOf, jsonHtml, resultHtml, str } from "./frame.ts";

/** The one string argument worth showing in the header, if any. */
function mainArg(input: Record<string, unknown>): string | undefined {
  for (const k of ["description", "file_path", "path", "url", "query", "pattern", "command", "skill", "task_id", "shell_id", "name"]) {
    const v = str(input[k]);
    if (v) return v.length > 120 ? v.slice(0, 117) + "…" : v;
  }
  return undefined;
}

export function renderGeneric(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const arg = mainArg(input);
  let inputHtml = "";
  if (typeof block.input === "string") inputHtml = pre(highlight(block.input, undefined), { cls: "src" });
  else if (block.input !== undefined && !(Object.keys(input).length === 0 && block.input !== null && typeof block.input === "object"))
    inputHtml = pre(jsonHtml(block.input), { cls: "json", over: 20, head: 12 });
  return frame(block, { kind: "generic", label: block.name, arg: arg ? esc(arg) : undefined, body: inputHtml + resultHtml(block.result) }, ctx);
}
