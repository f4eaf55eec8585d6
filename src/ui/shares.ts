/**
 * Active shares: each with session, provider, status, age, expiry and views; pick one to copy its
 * URL, open it, show its QR code or stop it; or stop them all.
 */
import { showShare } from "./actions/share.ts";
import { isListedStatus } from "../daemon/share-ids.ts";
import { showFailure, withDaemon, type FlowCtx } from "./context.ts";
import type { ShareEntry, SharesPort } from "./deps.ts";
import type { Choice } from "./prompts.ts";
import { formatElapsed, line, plural, safe, truncate } from "./text.ts";

const STOP_ALL = "\u0000stop-all";
const BACK = "\u0000back";

/** "my session  cloudflare · active · started 2h 0m ago · expires in 22h 0m · 3 views". */
export function shareLabel(s: ShareEntry, now: number, width: number): string {
  const age = formatElapsed(now - Date.parse(s.startedAt));
  const expiry = s.expiresAt ? `expires in ${formatElapsed(Date.parse(s.expiresAt) - now)}` : "no expiry";
  const parts = [s.provider, s.status, `started ${age} ago`, expiry, plural(s.views, "view")];
  const meta = parts.join(" · ");
  const name = line(s.sessionName) || s.id.slice(0, 8);
  return truncate(`${truncate(name, Math.max(12, width - meta.length - 3))}  ${meta}`, width);
}

export async function sharesMenu(ctx: FlowCtx): Promise<void> {
  const status = await ctx.deps.daemon.status().catch(() => ({ running: false, hasState: false }));
  if (!status.running) {
    if (!status.hasState) {
      ctx.ui.info("No active shares (the panko daemon is not running).");
      return;
    }
    const next = await ctx.ui.select("The panko daemon is not running; the shares it had come back when it starts.", [
      { value: "start", label: "Start it and show the shares" },
      { value: "back", label: "Back" },
    ]);
    if (next !== "start") return;
  }
  await withDaemon(ctx, (shares) => sharesLoop(ctx, shares));
}

async function sharesLoop(ctx: FlowCtx, shares: SharesPort): Promise<void> {
  for (;;) {
    let list: ShareEntry[];
    try {
      list = (await shares.list()).filter((s) => isListedStatus(s.status));
    } catch (e) {
      showFailure(ctx, e, "The shares cannot be listed: ");
      return;
    }
    if (!list.length) {
      ctx.ui.info("No active shares.");
      return;
    }
    const width = ctx.ui.optionColumns;
    const now = ctx.deps.now();
    const options: Choice<string>[] = [
      ...list.map((s) => ({ value: s.id, label: shareLabel(s, now, width), hint: s.lastError ? safe(line(s.lastError)) : undefined })),
      { value: STOP_ALL, label: `Stop all (${list.length})` },
      { value: BACK, label: "Back" },
    ];
    const failed = list.filter((s) => s.status === "error").length;
    const title = `Active shares (${list.length - failed}${failed ? `, ${failed} failed` : ""})`;
    const picked = await ctx.ui.select(title, options);
    if (picked === null || picked === BACK) return;
    if (picked === STOP_ALL) {
      const sure = await ctx.ui.confirm(`Stop all ${plural(list.length, "share")}? Their URLs stop working.`, false);
      if (sure) await stopEach(ctx, shares, list);
      continue;
    }
    const share = list.find((s) => s.id === picked);
    if (share) await shareMenu(ctx, shares, share);
  }
}

async function stopEach(ctx: FlowCtx, shares: SharesPort, list: ShareEntry[]): Promise<void> {
  let stopped = 0;
  for (const s of list) {
    try {
      await shares.stop(s.id);
      stopped++;
    } catch (e) {
      showFailure(ctx, e, `${line(s.sessionName)}: `);
    }
  }
  ctx.ui.success(`Stopped ${plural(stopped, "share")}.`);
}

async function shareMenu(ctx: FlowCtx, shares: SharesPort, share: ShareEntry): Promise<void> {
  const url = share.publicUrl ?? "";
  const noUrl = url === "";
  for (;;) {
    const action = await ctx.ui.select(`${line(share.sessionName)} · ${noUrl ? `no URL yet (${share.status})` : safe(url)}`, [
      { value: "copy", label: "Copy URL", disabled: noUrl },
      { value: "open", label: "Open in browser", disabled: noUrl },
      { value: "qr", label: "Show QR code", disabled: noUrl },
      { value: "stop", label: share.status === "error" ? "Clear it (the share failed)" : "Stop sharing" },
      { value: "back", label: "Back" },
    ]);
    if (action === null || action === "back") return;
    if (action === "copy") {
      const r = await ctx.deps.clipboard.copy(url);
      if (r.copied) ctx.ui.success(`Copied ${safe(url)}`);
      else ctx.ui.warn(`Could not copy the URL (${safe(r.reason)}): ${safe(url)}`);
    } else if (action === "open") {
      const r = await ctx.deps.opener.url(url);
      if (r.opened) ctx.ui.success(`Opened ${safe(url)}`);
      else ctx.ui.warn(`Could not open a browser (${safe(r.reason)}): ${safe(url)}`);
    } else if (action === "qr") {
      await showShare(ctx, share, { copy: false });
    } else if (action === "stop") {
      try {
        await shares.stop(share.id);
        ctx.ui.success(share.status === "error" ? `Cleared ${line(share.sessionName)}.` : `Stopped sharing ${line(share.sessionName)}.`);
        return;
      } catch (e) {
        showFailure(ctx, e, "The share did not stop: ");
      }
    }
  }
}
