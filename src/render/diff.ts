/**
 * File edits as unified line diffs: one box per file with its path, change kind and +/- counts,
 * hunks with old/new line numbers when the position is known, lines coloured by op and
 * highlighted in the file's language. The op character is real text, so copy gives a patch.
 */
import { part } from "./parts.ts";
import type { FileEdit } from "../sessions/model.ts";
import { esc } from "./escape.ts";
import { highlight, langFromPath } from "./highlight.ts";
import { copyButton } from "./output.ts";

/** Diffs longer than this many lines are collapsed to their first DIFF_HEAD lines. */
const DIFF_OVER = 80;
const DIFF_HEAD = 50;
/** Above this many characters diff lines are not highlighted. */
const HIGHLIGHT_DIFF_MAX = 100_000;

const OP_CLASS = { " ": "ctx", "-": "del", "+": "add" } as const;

export function countsHtml(added: number, removed: number): string {
  return `<span class="counts"><span class="plus">+${added}</span> <span class="minus">−${removed}</span></span>`;
}

export function fileEditHtml(edit: FileEdit, opts: { header?: boolean } = {}): string {
  const lang = langFromPath(edit.movePath ?? edit.path);
  let size = 0;
  for (const h of edit.hunks) for (const l of h.lines) size += l.text.length;
  const hl = size <= HIGHLIGHT_DIFF_MAX && lang !== undefined;
  const rows: string[] = [];
  // Gutters only when some position is known (Claude Edit without context, Codex patches have none),
  // and only the side that has lines: a new file has no old numbers, a deleted one no new ones.
  const numbered = edit.hunks.some((h) => h.oldStart > 0 || h.newStart > 0);
  const oldCol = numbered && edit.hunks.some((h) => h.lines.some((l) => l.op !== "+"));
  const newCol = numbered && edit.hunks.some((h) => h.lines.some((l) => l.op !== "-"));
  // "@@ -0,0 +1,8 @@" over a whole new (or deleted) file says nothing the badge does not.
  const whole = edit.hunks.length === 1 && (edit.change === "create" || edit.change === "delete");
  for (const h of edit.hunks) {
    const known = h.oldStart > 0 || h.newStart > 0;
    if (!whole && (edit.hunks.length > 1 || known)) {
      rows.push(`<span class="dl hk">${known ? esc(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`) : "@@"}\n</span>`);
    }
    let o = h.oldStart;
    let n = h.newStart;
    for (const l of h.lines) {
      const on = known && l.op !== "+" ? o++ : undefined;
      const nn = known && l.op !== "-" ? n++ : undefined;
      const text = hl ? highlight(l.text, lang) : esc(l.text);
      rows.push(
        `<span class="dl ${OP_CLASS[l.op] ?? "ctx"}">${oldCol ? `<span class=ln data-n="${on ?? ""}"></span>` : ""}${newCol ? `<span class=ln data-n="${nn ?? ""}"></span>` : ""}<span class=op>${l.op}</span>${text}\n</span>`,
      );
    }
  }
  const change = changeBadge(edit);
  const path = edit.change === "move" && edit.movePath ? `${esc(edit.path)} → ${esc(edit.movePath)}` : esc(edit.path);
  const head = opts.header === false ? "" : `<div class="fh"><code class="path">${path}</code>${change}${countsHtml(edit.added, edit.removed)}</div>`;
  if (rows.length === 0) return `<div class="file">${head}<div class="empty">(no line changes)</div></div>`;
  const lined = rows.length > DIFF_OVER;
  const body = lined
    ? `<pre class="diff raw"><code>${rows.slice(0, DIFF_HEAD).join("")}</code></pre><details class="more"><summary data-more="${rows.length - DIFF_HEAD}">show all ${rows.length} lines</summary>${part(`<pre class="diff raw"><code>${rows.slice(DIFF_HEAD).join("")}</code></pre>`)}</details>`
    : `<pre class="diff raw"><code>${rows.join("")}</code></pre>`;
  return `<div class="file out cpy${lined ? " long" : ""}${head ? "" : " bare"}">${head}${copyButton("Copy diff")}${body}</div>`;
}

/** The change badge of an edit (new / deleted / moved), for a header that stands in for the file's. */
export function changeBadge(edit: FileEdit): string {
  return edit.change === "create" ? `<span class="badge new">new</span>` : edit.change === "delete" ? `<span class="badge bad">deleted</span>` : edit.change === "move" ? `<span class="badge">moved</span>` : "";
}
