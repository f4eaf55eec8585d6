/**
 * File changes: Edit, MultiEdit, Write, NotebookEdit, apply_patch. Drawn from ToolBlock.edits (real
 * line diffs built by the parser); when a call has none (a failed edit, an unknown shape), the
 * input is shown instead so nothing is lost.
 */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { changeBadge, countsHtml, fileEditHtml } from "../diff.ts";
import { esc } from "../escape.ts";
import { highlight, langFromPath } from "../highlight.ts";
import { pre } from "../output.ts";
import { frame, inputOf, jsonHtml, resultHtml, str } from "./frame.ts";

export function renderEdit(block: ToolBlock, ctx: Ctx): string {
  const edits = block.edits ?? [];
  const input = inputOf(block);
  const path = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path) ?? edits[0]?.path ?? "";
  let body = "";
  if (edits.length === 1) {
    // One file: the tool's header already says which, and how much changed.
    body = fileEditHtml(edits[0], { header: false });
  } else if (edits.length) {
    body = edits.map((e) => fileEditHtml(e)).join("");
  } else if (typeof block.input === "string") {
    body = pre(highlight(block.input, "diff"), { cls: "diff-src" });
  } else if (typeof input.content === "string") {
    body = pre(highlight(input.content, langFromPath(path)), { cls: "src" });
  } else if (typeof input.new_source === "string") {
    body = pre(highlight(input.new_source, input.cell_type === "markdown" ? "md" : "py"), { cls: "src" });
  } else {
    body = pre(jsonHtml(block.input), { cls: "json" });
  }
  // Success messages ("The file ... has been updated") repeat the diff: only errors are worth showing.
  if (block.result?.isError) body += resultHtml(block.result);
  let added = 0;
  let removed = 0;
  for (const e of edits) {
    added += e.added;
    removed += e.removed;
  }
  const files = edits.length > 1 ? ` <span class="muted">${edits.length} files</span>` : "";
  const one = edits.length === 1 ? edits[0] : undefined;
  const shown = one ? (one.change === "move" && one.movePath ? `${esc(one.path)} → ${esc(one.movePath)}` : esc(one.path)) : esc(path);
  const arg = edits.length > 1 ? files : `${shown ? `<code class="path">${shown}</code>` : ""}${one ? changeBadge(one) : ""}`;
  return frame(block, { kind: "edit", label: block.name, arg, extra: edits.length ? countsHtml(added, removed) : "", body }, ctx);
}
