/**
 * What of a Claude `toolUseResult` (ToolResult.meta) the session keeps.
 *
 * Exported: slimResultMeta (when a result is attached), dropOriginals (at finish, once the file
 * edits are computed).
 *
 * A parse keeps what it builds, and keeping it is most of a parse's cost (memory touched for the
 * first time, garbage collections that must walk it), so the meta loses what no stage reads:
 * - `originalFile` / `originalFileContents`, the whole file before each edit, only place the
 *   edit's hunks when no structuredPatch does (sessions/diff.ts). They go as soon as the result
 *   is attached when they cannot be needed (a structuredPatch is there, the call failed, the tool
 *   is not one that diffs against them), so they die young as the rest of a parsed line does;
 *   the others go at finish, after the edits (dropOriginals). The privacy pass already leaves
 *   them out of downloads.
 * - strings that repeat the call's input or the result text (Edit oldString/newString, Write
 *   content, Bash stdout, WebFetch result, ...) are replaced by the very same string: equal
 *   values, one copy in memory, nothing changed for any reader.
 */
import type { ToolBlock } from "../model.ts";
import { isObj } from "./fields.ts";

/** Fields of a toolUseResult read only to compute an edit's line numbers. */
const ORIGINALS = ["originalFile", "originalFileContents"] as const;

/** Tools whose edits may be diffed against the original file (diff.ts editFromEdit/MultiEdit/Write). */
const DIFFS_AGAINST_ORIGINAL = new Set(["Edit", "MultiEdit", "Write"]);

/** toolUseResult field -> the tool input field it repeats, where the names differ. */
const INPUT_NAME = new Map([
  ["oldString", "old_string"],
  ["newString", "new_string"],
  ["filePath", "file_path"],
]);

/** Shorter strings are left alone: sharing them saves little and costs a comparison. */
const SHARE_MIN = 64;

/**
 * Slims the meta of a result just attached. `call` is the call it answers, undefined while that
 * is not known (a result before its call). Returns true when the meta still holds an original
 * file that the edits may need (dropOriginals takes it off at finish).
 */
export function slimResultMeta(meta: unknown, text: string, isError: boolean, call: ToolBlock | undefined): boolean {
  if (!isObj(meta)) return false;
  const input = call !== undefined && isObj(call.input) ? call.input : undefined;
  for (const k in meta) {
    const v = meta[k];
    if (typeof v !== "string" || v.length < SHARE_MIN) continue;
    if (v === text) meta[k] = text;
    else if (input !== undefined) {
      const name = input[k] === v ? k : INPUT_NAME.get(k);
      if (name !== undefined && input[name] === v) meta[k] = input[name];
    }
  }
  if (meta.originalFile === undefined && meta.originalFileContents === undefined) return false;
  if (call !== undefined && (isError || !DIFFS_AGAINST_ORIGINAL.has(call.name) || hasPatch(meta.structuredPatch) || (call.name === "Write" && meta.type !== "update"))) {
    dropFrom(meta);
    return false;
  }
  return true;
}

/** Takes the original files off metas slimResultMeta had to leave them on. */
export function dropOriginals(metas: Iterable<unknown>): void {
  for (const meta of metas) if (isObj(meta)) dropFrom(meta);
}

function dropFrom(meta: Record<string, unknown>): void {
  for (const k of ORIGINALS) if (k in meta) delete meta[k];
}

/** Whether diff.ts hunksFromStructuredPatch would take this patch (then no original is read). */
function hasPatch(patch: unknown): boolean {
  if (!Array.isArray(patch) || patch.length === 0) return false;
  for (const h of patch) if (!isObj(h) || !Array.isArray(h.lines)) return false;
  return true;
}
