/**
 * The file edits of a Claude session's calls (ToolBlock.edits), set at finish, once every result
 * is known: a failed call (isError) changed nothing and gets none.
 *
 * Exported: settleEdits.
 *
 * The edits are computed when first read, not at finish: `panko check` and the counts never read
 * them, and the line objects of every diff are a good part of what a parse would otherwise build
 * and keep. Reading `block.edits` computes them once and leaves them as a plain data property
 * (enumerable: JSON.stringify, spreads and the privacy pass see them as before); assigning it
 * replaces them. A call that edits no file gets no `edits` property. The inputs a lazy diff reads
 * (the call's input, the result's structuredPatch) are kept by the block anyway; a result whose
 * diff needs the original file (no structuredPatch) is diffed at once, so the original can be
 * dropped (result-meta.ts).
 */
import { fileEditsForTool } from "../diff.ts";
import type { FileEdit, ToolBlock } from "../model.ts";

/** The tools diff.ts fileEditsForTool makes edits for. */
const EDIT_TOOLS = new Set(["Edit", "MultiEdit", "Write", "NotebookEdit"]);

/** Sets the edits of each call; `eager`: the metas whose original file the diff reads (compute now). */
export function settleEdits(calls: Iterable<ToolBlock>, eager: ReadonlySet<unknown>): void {
  for (const block of calls) {
    if (block.result?.isError || !EDIT_TOOLS.has(block.name)) continue;
    const meta = block.result?.meta;
    if (eager.has(meta)) {
      const edits = fileEditsForTool(block.name, block.input, meta);
      if (edits) block.edits = edits;
    } else lazy(block, () => fileEditsForTool(block.name, block.input, meta));
  }
}

function lazy(block: ToolBlock, compute: () => FileEdit[] | undefined): void {
  const settle = (value: FileEdit[] | undefined) => {
    Object.defineProperty(block, "edits", { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(block, "edits", {
    get: () => settle(compute()),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}
