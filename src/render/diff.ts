/**
 * File edits as unified line diffs: one box per file with its path, change kind and +/- counts,
 * hunks with old/new line numbers when the position is known, lines coloured by op and
 * highlighted in the file's language. "Copy diff" copies a unified diff (unifiedDiff).
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
  // What "Copy diff" copies: a unified diff with its ---/+++ header (the shown rows are not `.raw`).
  // When the diff is collapsed it travels with the rest, so a served page fetches it when copied.
  const patch = `<template class="raw">${esc(unifiedDiff(edit))}</template>`;
  const body = lined
    ? `<pre class="diff"><code>${rows.slice(0, DIFF_HEAD).join("")}</code></pre><details class="more"><summary data-more="${rows.length - DIFF_HEAD}">show all ${rows.length} lines</summary>${part(`<pre class="diff"><code>${rows.slice(DIFF_HEAD).join("")}</code></pre>${patch}`)}</details>`
    : `<pre class="diff"><code>${rows.join("")}</code></pre>${patch}`;
  return `<div class="file out cpy${lined ? " long" : ""}${head ? "" : " bare"}">${head}${copyButton("Copy diff")}${body}</div>`;
}

/**
 * The edit as a unified diff (`git apply` reads it): `--- a/PATH` / `+++ b/PATH` (`/dev/null` for a
 * created or deleted file), then each hunk with its `@@` header (line numbers when known).
 */
export function unifiedDiff(edit: FileEdit): string {
  const from = edit.change === "create" ? "/dev/null" : `a/${edit.path}`;
  const to = edit.change === "delete" ? "/dev/null" : `b/${edit.movePath ?? edit.path}`;
  let out = `--- ${from}\n+++ ${to}\n`;
  for (const h of edit.hunks) {
    out += h.oldStart > 0 || h.newStart > 0 ? `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n` : "@@\n";
    for (const l of h.lines) out += `${l.op}${l.text}\n`;
  }
  return out;
}

/** The change badge of an edit (new / deleted / moved), for a header that stands in for the file's. */
export function changeBadge(edit: FileEdit): string {
  return edit.change === "create" ? `<span class="badge new">new</span>` : edit.change === "delete" ? `<span class="badge bad">deleted</span>` : edit.change === "move" ? `<span class="badge">moved</span>` : "";
}
