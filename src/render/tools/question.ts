/** AskUserQuestion: the questions with their options, and the user's answers from the result. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { frame, inputOf, isObj, resultHtml, str } from "./frame.ts";

export function renderQuestion(block: ToolBlock, ctx: Ctx): string {
  const qs = (Array.isArray(inputOf(block).questions) ? (inputOf(block).questions as unknown[]) : []).filter(isObj);
  const body =
    qs
      .map((q) => {
        const opts = (Array.isArray(q.options) ? q.options : []).filter(isObj);
        const list = opts
          .map((o) => `<li><strong>${esc(str(o.label) ?? "")}</strong>${str(o.description) ? ` — ${esc(str(o.description)!)}` : ""}</li>`)
          .join("");
        return `<div class="q"><p>${esc(str(q.question) ?? "")}</p>${list ? `<ul>${list}</ul>` : ""}</div>`;
      })
      .join("") + resultHtml(block.result, { cls: "answer" });
  return frame(block, { kind: "question", label: block.name, arg: `<span class="muted">${qs.length} question${qs.length === 1 ? "" : "s"}</span>`, body }, ctx);
}
