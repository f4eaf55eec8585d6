/** Plans: Claude TodoWrite ({todos: [{content, status, activeForm}]}) and Codex update_plan ({plan: [{step, status}]}) as a checklist. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { frame, inputOf, isObj, resultHtml, str } from "./frame.ts";

const ICON: Record<string, string> = { completed: "✓", in_progress: "◐", pending: "○", cancelled: "✕" };

export function renderTodo(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const items = (Array.isArray(input.todos) ? input.todos : Array.isArray(input.plan) ? input.plan : []).filter(isObj);
  const done = items.filter((t) => t.status === "completed").length;
  const list = items
    .map((t) => {
      const status = str(t.status) ?? "pending";
      const text = str(t.content) ?? str(t.step) ?? "";
      const icon = ICON[status] ?? "•";
      return `<li class="st-${esc(status.replace(/[^\w-]/g, ""))}"><span class="ico" title="${esc(status)}">${icon}</span><span>${esc(text)}</span></li>`;
    })
    .join("");
  const note = str(input.explanation);
  const body =
    (note ? `<p class="note">${esc(note)}</p>` : "") +
    (items.length ? `<ul class="todos">${list}</ul>` : "") +
    (block.result?.isError ? resultHtml(block.result) : "");
  return frame(block, { kind: "todo", label: block.name, arg: `<span class="muted">${done}/${items.length} done</span>`, body }, ctx);
}
