/** Web tools: WebSearch (the query) and WebFetch (the URL, a link only when http(s), and the prompt). */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc, safeHref } from "../escape.ts";
import { frame, inputOf, resultHtml, str } from "./frame.ts";

export function renderWeb(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const url = str(input.url);
  const query = str(input.query);
  let arg = "";
  if (url) {
    const href = safeHref(url);
    arg = href && /^https?:/i.test(href) ? `<a href="${esc(href)}" rel="noopener noreferrer nofollow" target="_blank">${esc(url)}</a>` : `<code>${esc(url)}</code>`;
  } else if (query) {
    arg = `<q>${esc(query)}</q>`;
  }
  const prompt = str(input.prompt);
  const body = (prompt ? `<p class="note">${esc(prompt)}</p>` : "") + resultHtml(block.result, { over: 20, head: 12, cls: "wrap" });
  return frame(block, { kind: "web", label: block.name, arg, body }, ctx);
}
