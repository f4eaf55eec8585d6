/** The session file itself: Download (a copy in the Downloads folder), Open folder, Delete. */
import { basename, dirname, extname, join } from "node:path";
import type { SessionSummary } from "../../sessions/model.ts";
import { showFailure, withDaemon, type FlowCtx } from "../context.ts";
import { line, safe } from "../text.ts";
import { isListedStatus } from "../../daemon/share-ids.ts";

/** `name`, or `name (2)`, `name (3)`, ... : the first that does not exist in `dir`. */
export function freeName(dir: string, name: string, exists: (path: string) => boolean): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = join(dir, name);
  for (let n = 2; exists(candidate); n++) candidate = join(dir, `${stem} (${n})${ext}`);
  return candidate;
}

export async function downloadAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  try {
    const dir = ctx.deps.fs.downloadsDir();
    const to = freeName(dir, basename(summary.path), ctx.deps.fs.exists);
    ctx.deps.fs.copyFile(summary.path, to);
    ctx.ui.success(`Copied the session file to ${safe(to)}`);
  } catch (e) {
    showFailure(ctx, e, "The download failed: ");
  }
}

export async function openFolderAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  const folder = dirname(summary.path);
  const opened = await ctx.deps.opener.folder(folder);
  if (opened.opened) ctx.ui.success(`Opened ${safe(folder)}`);
  else ctx.ui.warn(`Could not open the folder (${safe(opened.reason)}); it is ${safe(folder)}`);
}

/** Deletes the session (after a confirm), unless it is shared. True when it is gone. */
export async function deleteAction(ctx: FlowCtx, summary: SessionSummary): Promise<boolean> {
  // A stopped daemon restores its shares when it starts again: ask one whenever one ran here.
  const status = await ctx.deps.daemon.status().catch(() => ({ running: false, hasState: true }));
  if (status.running || status.hasState) {
    const shared = await withDaemon(ctx, async (shares) => (await shares.list()).filter((s) => s.sessionPath === summary.path && isListedStatus(s.status)));
    if (shared === null) {
      ctx.ui.warn("Not deleted: panko could not check whether the session is shared.");
      return false;
    }
    if (shared.length) {
      ctx.ui.error(`This session is shared (${shared.map((s) => safe(s.publicUrl ?? s.status)).join(", ")}). Stop the share first, under Active shares.`);
      return false;
    }
  }
  const ok = await ctx.ui.confirm(`Delete "${line(summary.title)}"? The file and its sub-agent transcripts are removed for good.`, false);
  if (!ok) return false;
  try {
    ctx.deps.fs.removeSession(summary.path);
  } catch (e) {
    showFailure(ctx, e, "The session was not deleted: ");
    return false;
  }
  ctx.ui.success(`Deleted ${safe(summary.path)}`);
  return true;
}
