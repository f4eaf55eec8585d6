/** ExitPlanMode: the plan is Markdown written for the user; show it as such. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { markdownToHtml } from "../markdown-html.ts";
import { frame, inputOf, resultHtml, str } from "./frame.ts";

export function renderPlan(block: ToolBlock, ctx: Ctx): string {
  const plan = str(inputOf(block).plan) ?? "";
  const body = `<div class="md plan">${markdownToHtml(plan)}</div>` + resultHtml(block.result, { over: 8, head: 4 });
  return frame(block, { kind: "plan", label: block.name, arg: `<span class="muted">plan for approval</span>`, body }, ctx);
}
