/** A picked session: its preview, then the actions until Back (or the session is deleted). */
import { UNTITLED } from "../sessions/title.ts";
import type { Session, SessionSummary } from "../sessions/model.ts";
import { copyContextAction, copyPathAction } from "./actions/copy.ts";
import { exportAction } from "./actions/export.ts";
import { deleteAction, downloadAction, openFolderAction } from "./actions/files.ts";
import { shareAction } from "./actions/share.ts";
import { viewAction } from "./actions/view.ts";
import type { FlowCtx } from "./context.ts";
import { previewLines } from "./preview.ts";
import type { Choice } from "./prompts.ts";
import { line, truncate } from "./text.ts";

type Action = "view" | "share" | "copy-path" | "copy-context" | "export" | "download" | "open-folder" | "delete" | "back";

const ACTIONS: Choice<Action>[] = [
  { value: "view", label: "View in browser", hint: "a local page; Ctrl+C comes back here" },
  { value: "share", label: "Share publicly", hint: "a public URL through a tunnel, secrets hidden" },
  { value: "copy-path", label: "Copy path" },
  { value: "copy-context", label: "Copy as context", hint: "the Markdown transcript, for another agent" },
  { value: "export", label: "Export", hint: "html, md or json, to a file" },
  { value: "download", label: "Download", hint: "copy the session file to your Downloads folder" },
  { value: "open-folder", label: "Open folder" },
  { value: "delete", label: "Delete" },
  { value: "back", label: "Back" },
];

const RUN: Record<Exclude<Action, "back" | "delete">, (ctx: FlowCtx, s: SessionSummary) => Promise<void>> = {
  view: viewAction,
  share: shareAction,
  "copy-path": copyPathAction,
  "copy-context": copyContextAction,
  export: exportAction,
  download: downloadAction,
  "open-folder": openFolderAction,
};

/** Sessions at most this big are parsed for the preview's token count. */
export const TOKENS_MAX_BYTES = 8 * 1024 * 1024;

async function showPreview(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  const width = ctx.ui.columns - 8;
  let session: Session | undefined;
  let tokensNote: string | undefined;
  if (summary.size <= TOKENS_MAX_BYTES) {
    session = await ctx.deps.sessions.load(summary.path).catch(() => undefined);
    if (!session) tokensNote = "unknown (the file cannot be read)";
  } else tokensNote = "not counted for a file this big (see View in browser)";
  const lines = previewLines(summary, { now: ctx.deps.now(), home: ctx.deps.env.HOME, width, session, tokensNote });
  ctx.ui.note(lines.join("\n"), truncate(line(summary.title) || UNTITLED, width));
}

/** Returns when the user goes back; the picker then lists the sessions again. */
export async function sessionMenu(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  await showPreview(ctx, summary);
  let last: Action = "view";
  for (;;) {
    const action: Action | null = await ctx.ui.select("What now?", ACTIONS, last);
    if (action === null || action === "back") return;
    last = action;
    if (action === "delete") {
      if (await deleteAction(ctx, summary)) return;
    } else await RUN[action](ctx, summary);
  }
}
