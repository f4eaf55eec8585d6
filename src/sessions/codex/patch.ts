/**
 * Codex `apply_patch` envelopes as file edits.
 *
 *   *** Begin Patch
 *   *** Add File: path          (every following line starts with "+")
 *   *** Update File: path
 *   *** Move to: new/path       (optional)
 *   @@ optional context hint    (one per hunk; the first may be left out)
 *    context / -removed / +added lines
 *   *** End of File             (optional)
 *   *** Delete File: path
 *   *** End Patch
 *
 * The envelope carries no line numbers, so update hunks get 0 for their starts ("unknown"); an
 * added file starts at line 1. Parsing is lenient: it never throws, and keeps what it could read.
 */
import type { DiffHunk, DiffLine, FileEdit } from "../model.ts";

const BEGIN = "*** Begin Patch";
const END = "*** End Patch";
const ADD = "*** Add File: ";
const UPDATE = "*** Update File: ";
const DELETE = "*** Delete File: ";
const MOVE = "*** Move to: ";
const END_OF_FILE = "*** End of File";

/** The patch text inside a larger string (a heredoc, a shell command), or null when there is none. */
export function extractPatch(text: string): string | null {
  const start = text.indexOf(BEGIN);
  if (start < 0) return null;
  const end = text.indexOf(END, start + BEGIN.length);
  return end < 0 ? text.slice(start) : text.slice(start, end + END.length);
}

/** Parses an apply_patch envelope into one FileEdit per file it touches (in patch order). */
export function parseApplyPatch(patch: string): FileEdit[] {
  const body = extractPatch(patch);
  if (body === null) return [];
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const edits: FileEdit[] = [];
  let edit: FileEdit | null = null;
  let hunk: DiffHunk | null = null;

  const closeHunk = () => {
    if (edit && hunk && hunk.lines.length > 0) edit.hunks.push(hunk);
    hunk = null;
  };
  const closeEdit = () => {
    closeHunk();
    if (edit) edits.push(finish(edit));
    edit = null;
  };
  const openHunk = (oldStart: number, newStart: number): DiffHunk => {
    closeHunk();
    hunk = { oldStart, oldLines: 0, newStart, newLines: 0, lines: [] };
    return hunk;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(BEGIN)) continue;
    if (line.startsWith(END)) break;
    if (line.startsWith(ADD)) {
      closeEdit();
      edit = { path: line.slice(ADD.length).trim(), change: "create", hunks: [], added: 0, removed: 0 };
      openHunk(0, 1);
      continue;
    }
    if (line.startsWith(UPDATE)) {
      closeEdit();
      edit = { path: line.slice(UPDATE.length).trim(), change: "update", hunks: [], added: 0, removed: 0 };
      continue;
    }
    if (line.startsWith(DELETE)) {
      closeEdit();
      edits.push({ path: line.slice(DELETE.length).trim(), change: "delete", hunks: [], added: 0, removed: 0 });
      continue;
    }
    if (!edit) continue; // stray text outside any file section
    const current: FileEdit = edit;
    if (line.startsWith(MOVE)) {
      current.change = "move";
      current.movePath = line.slice(MOVE.length).trim();
      continue;
    }
    if (line.startsWith(END_OF_FILE)) continue;
    if (current.change === "create") {
      // Every line of an added file is content; the "+" is optional in lenient writers.
      if (i === lines.length - 1 && line === "") continue;
      push(hunk ?? openHunk(0, 1), "+", line.startsWith("+") ? line.slice(1) : line);
      continue;
    }
    if (line.startsWith("@@")) {
      openHunk(0, 0);
      continue;
    }
    const op = line[0];
    if (op === "+" || op === "-" || op === " ") {
      push(hunk ?? openHunk(0, 0), op, line.slice(1));
    } else if (line === "") {
      // A blank context line whose leading space was stripped by an editor; ignore a trailing one.
      if (i === lines.length - 1) continue;
      push(hunk ?? openHunk(0, 0), " ", "");
    }
    // Anything else inside an update section is not diff content; skip it.
  }
  closeEdit();
  return edits;
}

function push(hunk: DiffHunk, op: DiffLine["op"], text: string): void {
  hunk.lines.push({ op, text });
  if (op !== "+") hunk.oldLines++;
  if (op !== "-") hunk.newLines++;
}

function finish(edit: FileEdit): FileEdit {
  // Drop trailing blank context lines that are only the patch's own line breaks.
  for (const hunk of edit.hunks) {
    while (hunk.lines.length > 0) {
      const last = hunk.lines[hunk.lines.length - 1];
      if (last.op !== " " || last.text !== "") break;
      hunk.lines.pop();
      hunk.oldLines--;
      hunk.newLines--;
    }
  }
  edit.hunks = edit.hunks.filter((h) => h.lines.length > 0);
  for (const hunk of edit.hunks) {
    for (const l of hunk.lines) {
      if (l.op === "+") edit.added++;
      else if (l.op === "-") edit.removed++;
    }
  }
  return edit;
}
