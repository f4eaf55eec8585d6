/** Codex's built-in image tool: the prompt the model wrote for it, then the picture. */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { frame, inputOf, resultHtml, str } from "./frame.ts";

export function renderImageGeneration(block: ToolBlock, ctx: Ctx): string {
  const prompt = str(inputOf(block).prompt);
  const body = (prompt ? `<div class="md"><p>${esc(prompt)}</p></div>` : "") + resultHtml(block.result);
  return frame(block, { kind: "image-gen", label: "image generation", body }, ctx);
}
