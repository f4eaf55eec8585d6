/**
 * Real line diffs, and FileEdit builders for the file-editing tools.
 *
 * Exported API (stable, other modules code against it):
 *
 *   diffLines(oldText, newText, context = 3): DiffHunk[]
 *     Myers diff over lines (common prefix/suffix trimmed first), grouped into unified-diff hunks
 *     with `context` unchanged lines around changes (pass Infinity for one hunk covering
 *     everything). Line numbers are 1-based; a side with 0 lines in a hunk gets the number of the
 *     line before it (so a creation is `-0,0 +1,N`, as in unified diffs). When the inputs are so
 *     different that the diff would cost too much time or memory, the changed middle is shown as
 *     one whole replacement (all old lines removed, all new lines added) instead.
 *   splitLines(text): string[]                    lines without their "\n" / "\r\n"; "" -> []
 *   countChanges(hunks): { added, removed }
 *   hunksFromStructuredPatch(patch): DiffHunk[] | undefined
 *     Claude `toolUseResult.structuredPatch` ([{oldStart, oldLines, newStart, newLines, lines}],
 *     lines prefixed ' ', '-', '+'); undefined when absent/empty/not that shape.
 *   makeFileEdit(path, change, hunks, movePath?): FileEdit     fills added/removed
 *   editFromEdit(input, meta?)         Claude Edit {file_path, old_string, new_string, replace_all}
 *   editFromMultiEdit(input, meta?)    Claude MultiEdit {file_path, edits: [...]}
 *   editFromWrite(input, meta?)        Claude Write {file_path, content}
 *   editFromNotebookEdit(input, meta?) Claude NotebookEdit {notebook_path, new_source, edit_mode}
 *   fileEditsForTool(name, input, meta?): FileEdit[] | undefined   dispatch on the tool name
 *
 * `meta` is the tool's recorded result (Claude `toolUseResult`). When it carries a
 * structuredPatch, that is used as is (it has the real line numbers); else, when it carries the
 * original file (originalFile / originalFileContents), the diff is computed against it for real
 * line numbers; else the diff is of the snippets alone and hunks have oldStart/newStart 0
 * ("position unknown", one hunk per snippet).
 */

import type { DiffHunk, DiffLine, FileEdit } from "./model.ts";

// ---------------------------------------------------------------------------------------------
// Line diff

/** Above this many D steps (or this much work), fall back to a whole replacement. */
const MAX_EDIT_DISTANCE = 2000;
const MAX_WORK = 20_000_000;

export function splitLines(text: string): string[] {
  if (!text) return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.length && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

export function diffLines(oldText: string, newText: string, context = 3): DiffHunk[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ctx = Number.isFinite(context) ? Math.max(0, Math.floor(context)) : Infinity;
  let pre = 0;
  const minLen = Math.min(a.length, b.length);
  while (pre < minLen && a[pre] === b[pre]) pre++;
  if (pre === a.length && pre === b.length) return []; // identical
  let suf = 0;
  while (suf < minLen - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  // Unchanged lines farther than `ctx` from the change are in no hunk: never materialised (an
  // edit of one line in a 5,000-line file builds a few lines, not 5,000).
  const skip = pre > ctx ? pre - ctx : 0;
  const ops: DiffLine[] = [];
  for (let i = skip; i < pre; i++) ops.push({ op: " ", text: a[i] });
  pushMiddle(ops, a, b, pre, a.length - suf, b.length - suf);
  const tailEnd = suf > ctx ? a.length - suf + ctx : a.length;
  for (let i = a.length - suf; i < tailEnd; i++) ops.push({ op: " ", text: a[i] });
  return hunksFromOps(ops, ctx, skip);
}

/** The full edit script between two line arrays. */
export function diffLineArrays(a: string[], b: string[]): DiffLine[] {
  let pre = 0;
  const minLen = Math.min(a.length, b.length);
  while (pre < minLen && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < minLen - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: DiffLine[] = [];
  for (let i = 0; i < pre; i++) ops.push({ op: " ", text: a[i] });
  pushMiddle(ops, a, b, pre, a.length - suf, b.length - suf);
  for (let i = a.length - suf; i < a.length; i++) ops.push({ op: " ", text: a[i] });
  return ops;
}

/** Appends the edit script of a[from, aEnd) -> b[from, bEnd) (the part between common ends). */
function pushMiddle(ops: DiffLine[], a: string[], b: string[], from: number, aEnd: number, bEnd: number): void {
  if (from < aEnd && from < bEnd) {
    // Compare integers, not strings.
    const ids = new Map<string, number>();
    const ai = new Int32Array(aEnd - from);
    const bi = new Int32Array(bEnd - from);
    for (let i = from; i < aEnd; i++) {
      let id = ids.get(a[i]);
      if (id === undefined) ids.set(a[i], (id = ids.size));
      ai[i - from] = id;
    }
    for (let i = from; i < bEnd; i++) {
      let id = ids.get(b[i]);
      if (id === undefined) ids.set(b[i], (id = ids.size));
      bi[i - from] = id;
    }
    const maxD = Math.min(MAX_EDIT_DISTANCE, Math.floor(MAX_WORK / (ai.length + bi.length)));
    const script = myers(ai, bi, maxD);
    if (script) {
      for (const [op, idx] of script) ops.push({ op, text: op === "+" ? b[from + idx] : a[from + idx] });
      return;
    }
  }
  for (let i = from; i < aEnd; i++) ops.push({ op: "-", text: a[i] });
  for (let i = from; i < bEnd; i++) ops.push({ op: "+", text: b[i] });
}

type ScriptOp = [" " | "-" | "+", number];

/**
 * Myers' O(ND) greedy diff. Returns the script (index into `a` for ' ' and '-', into `b` for
 * '+'), or null when the edit distance exceeds maxD. Memory O(D^2) for the trace.
 */
function myers(a: Int32Array, b: Int32Array, maxD: number): ScriptOp[] | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(maxD, max); d++) {
    // State before step d, for k in [-d-1, d+1] (stored at index k + d + 1).
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], dEnd: number, n: number, m: number): ScriptOp[] {
  const out: ScriptOp[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const V = trace[d];
    const at = (k: number) => V[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push([" ", --x]);
      y--;
    }
    if (prevK === k + 1) out.push(["+", --y]);
    else out.push(["-", --x]);
  }
  while (x > 0 && y > 0) {
    out.push([" ", --x]);
    y--;
  }
  return out.reverse();
}

/**
 * Groups an edit script into hunks with `context` lines around each change. `base`: unchanged
 * lines left out before ops[0] (they shift the line numbers).
 */
export function hunksFromOps(ops: DiffLine[], context = 3, base = 0): DiffHunk[] {
  const n = ops.length;
  const ctx = Number.isFinite(context) ? Math.max(0, Math.floor(context)) : n;
  // keep[i]: op i is a change or within ctx ops of one.
  const keep = new Uint8Array(n);
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    if (ops[i].op !== " ") last = i;
    if (i - last <= ctx) keep[i] = 1;
  }
  last = Infinity;
  let any = false;
  for (let i = n - 1; i >= 0; i--) {
    if (ops[i].op !== " ") {
      last = i;
      any = true;
    }
    if (last - i <= ctx) keep[i] = 1;
  }
  if (!any) return [];

  const hunks: DiffHunk[] = [];
  let oldNo = base; // old lines before op i
  let newNo = base;
  let cur: DiffHunk | undefined;
  let curOld = 0;
  let curNew = 0;
  for (let i = 0; i < n; i++) {
    const op = ops[i];
    if (keep[i]) {
      if (!cur) {
        cur = { oldStart: oldNo, oldLines: 0, newStart: newNo, newLines: 0, lines: [] };
        curOld = oldNo;
        curNew = newNo;
        hunks.push(cur);
      }
      cur.lines.push(op);
      if (op.op !== "+") cur.oldLines++;
      if (op.op !== "-") cur.newLines++;
    } else if (cur) {
      finishHunk(cur, curOld, curNew);
      cur = undefined;
    }
    if (op.op !== "+") oldNo++;
    if (op.op !== "-") newNo++;
  }
  if (cur) finishHunk(cur, curOld, curNew);
  return hunks;
}

function finishHunk(h: DiffHunk, oldBefore: number, newBefore: number): void {
  h.oldStart = h.oldLines > 0 ? oldBefore + 1 : oldBefore;
  h.newStart = h.newLines > 0 ? newBefore + 1 : newBefore;
}

export function countChanges(hunks: DiffHunk[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.op === "+") added++;
      else if (l.op === "-") removed++;
    }
  }
  return { added, removed };
}

// ---------------------------------------------------------------------------------------------
// FileEdit builders

export function makeFileEdit(path: string, change: FileEdit["change"], hunks: DiffHunk[], movePath?: string): FileEdit {
  const { added, removed } = countChanges(hunks);
  return { path, change, ...(movePath !== undefined ? { movePath } : {}), hunks, added, removed };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Claude structuredPatch -> hunks; undefined when absent, empty or not that shape. */
export function hunksFromStructuredPatch(patch: unknown): DiffHunk[] | undefined {
  if (!Array.isArray(patch) || patch.length === 0) return undefined;
  const hunks: DiffHunk[] = [];
  for (const h of patch) {
    if (!isObj(h) || !Array.isArray(h.lines)) return undefined;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      if (typeof raw !== "string") continue;
      const c = raw[0];
      if (c === "+" || c === "-") lines.push({ op: c, text: raw.slice(1) });
      else if (c === " ") lines.push({ op: " ", text: raw.slice(1) });
      else if (c === "\\") continue; // "\ No newline at end of file"
      else lines.push({ op: " ", text: raw });
    }
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    hunks.push({
      oldStart: num(h.oldStart),
      oldLines: typeof h.oldLines === "number" ? h.oldLines : lines.filter((l) => l.op !== "+").length,
      newStart: num(h.newStart),
      newLines: typeof h.newLines === "number" ? h.newLines : lines.filter((l) => l.op !== "-").length,
      lines,
    });
  }
  return hunks;
}

/** A snippet diff whose position in the file is unknown: one hunk, starts 0. */
function snippetHunks(oldText: string, newText: string): DiffHunk[] {
  const hunks = diffLines(oldText, newText, Infinity);
  for (const h of hunks) {
    h.oldStart = 0;
    h.newStart = 0;
  }
  return hunks;
}

/**
 * Diff of replacing `oldStr` by `newStr` inside `original`, with real line numbers: the lines
 * around the (first) occurrence are diffed and the hunks shifted to their place in the file.
 * Undefined when `oldStr` is not in `original`.
 */
function locatedHunks(original: string, oldStr: string, newStr: string): DiffHunk[] | undefined {
  if (!oldStr) return undefined;
  const idx = original.indexOf(oldStr);
  if (idx < 0) return undefined;
  const lineStart = original.lastIndexOf("\n", idx - 1) + 1;
  let lineEnd = original.indexOf("\n", idx + oldStr.length);
  if (lineEnd < 0) lineEnd = original.length;
  const oldBlock = original.slice(lineStart, lineEnd);
  const rel = idx - lineStart;
  const newBlock = oldBlock.slice(0, rel) + newStr + oldBlock.slice(rel + oldStr.length);
  let lineOffset = 0;
  for (let i = original.indexOf("\n"); i >= 0 && i < lineStart; i = original.indexOf("\n", i + 1)) lineOffset++;
  const hunks = diffLines(oldBlock, newBlock);
  for (const h of hunks) {
    h.oldStart += lineOffset;
    h.newStart += lineOffset;
  }
  return hunks;
}

function originalOf(meta: unknown): string | undefined {
  if (!isObj(meta)) return undefined;
  return str(meta.originalFile) ?? str(meta.originalFileContents);
}

/** Claude Edit: {file_path, old_string, new_string, replace_all?}. */
export function editFromEdit(input: unknown, meta?: unknown): FileEdit | undefined {
  if (!isObj(input)) return undefined;
  const path = str(input.file_path) ?? (isObj(meta) ? str(meta.filePath) : undefined);
  const oldStr = str(input.old_string) ?? "";
  const newStr = str(input.new_string) ?? "";
  if (path === undefined) return undefined;
  const patch = isObj(meta) ? hunksFromStructuredPatch(meta.structuredPatch) : undefined;
  if (patch) return makeFileEdit(path, "update", patch);
  const original = originalOf(meta);
  if (original !== undefined && oldStr) {
    if (input.replace_all === true) {
      if (original.includes(oldStr)) return makeFileEdit(path, "update", diffLines(original, original.split(oldStr).join(newStr)));
    } else {
      const located = locatedHunks(original, oldStr, newStr);
      if (located) return makeFileEdit(path, "update", located);
    }
  }
  // An Edit with an empty old_string on a file that does not exist creates it.
  const change = oldStr === "" && isObj(meta) && meta.type === "create" ? "create" : "update";
  return makeFileEdit(path, change, change === "create" ? diffLines("", newStr) : snippetHunks(oldStr, newStr));
}

/** Claude MultiEdit: {file_path, edits: [{old_string, new_string, replace_all?}]}. */
export function editFromMultiEdit(input: unknown, meta?: unknown): FileEdit | undefined {
  if (!isObj(input)) return undefined;
  const path = str(input.file_path) ?? (isObj(meta) ? str(meta.filePath) : undefined);
  if (path === undefined) return undefined;
  const patch = isObj(meta) ? hunksFromStructuredPatch(meta.structuredPatch) : undefined;
  if (patch) return makeFileEdit(path, "update", patch);
  const edits = (Array.isArray(input.edits) ? input.edits : isObj(meta) && Array.isArray(meta.edits) ? meta.edits : []).filter(isObj);
  const original = originalOf(meta);
  if (original !== undefined) {
    // Apply the edits in order, then diff the whole file: real line numbers.
    let text = original;
    let ok = true;
    for (const e of edits) {
      const o = str(e.old_string) ?? "";
      const nw = str(e.new_string) ?? "";
      if (!o || !text.includes(o)) {
        ok = false;
        break;
      }
      text = e.replace_all === true ? text.split(o).join(nw) : text.replace(o, () => nw);
    }
    if (ok) return makeFileEdit(path, "update", diffLines(original, text));
  }
  const hunks: DiffHunk[] = [];
  for (const e of edits) hunks.push(...snippetHunks(str(e.old_string) ?? "", str(e.new_string) ?? ""));
  return makeFileEdit(path, "update", hunks);
}

/** Claude Write: {file_path, content}; an update when the result says so. */
export function editFromWrite(input: unknown, meta?: unknown): FileEdit | undefined {
  if (!isObj(input)) return undefined;
  const path = str(input.file_path) ?? (isObj(meta) ? str(meta.filePath) : undefined);
  if (path === undefined) return undefined;
  const content = str(input.content) ?? (isObj(meta) ? str(meta.content) : undefined) ?? "";
  if (isObj(meta) && meta.type === "update") {
    const patch = hunksFromStructuredPatch(meta.structuredPatch);
    if (patch) return makeFileEdit(path, "update", patch);
    const original = str(meta.originalFile);
    if (original !== undefined) return makeFileEdit(path, "update", diffLines(original, content));
  }
  return makeFileEdit(path, "create", diffLines("", content));
}

/**
 * Claude NotebookEdit: {notebook_path, cell_id?, new_source, cell_type?, edit_mode?}. The old cell
 * source is not recorded, so a replace/insert shows the new source as added lines (starts 0),
 * and a delete has no lines.
 */
export function editFromNotebookEdit(input: unknown, meta?: unknown): FileEdit | undefined {
  if (!isObj(input)) return undefined;
  const path = str(input.notebook_path) ?? (isObj(meta) ? str(meta.notebook_path) : undefined);
  if (path === undefined) return undefined;
  const mode = str(input.edit_mode) ?? "replace";
  if (mode === "delete") return makeFileEdit(path, "update", []);
  const source = str(input.new_source) ?? "";
  const oldSource = isObj(meta) ? str(meta.old_source) : undefined;
  return makeFileEdit(path, "update", oldSource !== undefined && mode === "replace" ? diffLines(oldSource, source) : snippetHunks("", source));
}

/** FileEdits for a Claude file tool call, or undefined for tools that edit no file. */
export function fileEditsForTool(name: string, input: unknown, meta?: unknown): FileEdit[] | undefined {
  let edit: FileEdit | undefined;
  switch (name) {
    case "Edit":
      edit = editFromEdit(input, meta);
      break;
    case "MultiEdit":
      edit = editFromMultiEdit(input, meta);
      break;
    case "Write":
      edit = editFromWrite(input, meta);
      break;
    case "NotebookEdit":
      edit = editFromNotebookEdit(input, meta);
      break;
    default:
      return undefined;
  }
  return edit ? [edit] : undefined;
}
