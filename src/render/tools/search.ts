/** File searches: Grep and Glob (pattern, where, and what they found). */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { frame, inputOf, resultHtml, str } from "./frame.ts";

export function renderSearch(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const pattern = str(input.pattern) ?? str(input.query) ?? "";
  const where = [str(input.path), str(input.glob) && `glob ${input.glob}`, str(input.type) && `type ${input.type}`, str(input.output_mode)]
    .filter(Boolean)
    .join(" · ");
  const arg = `<code>${esc(pattern)}</code>${where ? ` <span class="muted">in ${esc(where)}</span>` : ""}`;
  return frame(block, { kind: "search", label: block.name, arg, body: resultHtml(block.result) }, ctx);
}
