/**
 * Share publicly: a provider (only the available ones; none: say why and offer to install
 * cloudflared), the redaction preview and a confirm, an expiry, a spinner while the daemon starts
 * the tunnel, then the URL with its QR code, copied to the clipboard, and the provider's caveats
 * (the notes the daemon's tunnel reports).
 * Any failure is shown with its reason and the flow goes back to the actions.
 */
import { formatDuration } from "../../config.ts";
import type { Config } from "../../config.ts";
import type { Session, SessionSummary } from "../../sessions/model.ts";
import { currentConfig, showFailure, withDaemon, type FlowCtx } from "../context.ts";
import type { ProviderChoice, RedactionPreview, ShareEntry } from "../deps.ts";
import { line, plural, safe, truncate } from "../text.ts";
import { isLiveStatus } from "../../daemon/share-ids.ts";
import { loadSession } from "./load.ts";
import { providerDisplayName } from "../../tunnels/registry.ts";

const EXPIRIES: [string, number | undefined][] = [
  ["1 hour", 3_600_000],
  ["24 hours", 86_400_000],
  ["7 days", 7 * 86_400_000],
  ["no expiry", undefined],
];

/** Pick among the available providers, or offer cloudflared when there is none; null = back. */
async function chooseProvider(ctx: FlowCtx, config: Config): Promise<ProviderChoice | null> {
  for (;;) {
    const got = await ctx.ui.spin("Looking for tunnel providers", () => ctx.deps.tunnels.providers(config));
    if (!got.ok) {
      if (!got.cancelled) showFailure(ctx, got.error);
      return null;
    }
    const available = got.value.filter((p) => p.available);
    if (available.length) {
      const preferred = available.find((p) => p.name === config.default_provider) ?? available[0];
      const ordered = [preferred, ...available.filter((p) => p !== preferred)];
      return ctx.ui.select(
        "Share through",
        ordered.map((p) => ({ value: p, label: p.displayName, hint: p === preferred ? "default" : undefined })),
        preferred,
      );
    }
    ctx.ui.note(noProviderText(got.value), "No tunnel provider available");
    const next = await ctx.ui.select("Install cloudflared now? (a Cloudflare quick tunnel needs no account)", [
      { value: "install", label: "Install cloudflared", hint: "panko tunnel install cloudflared" },
      { value: "back", label: "Back" },
    ]);
    if (next !== "install") return null;
    const installed = await ctx.ui.spin("Installing cloudflared", () => ctx.deps.tunnels.installCloudflared());
    if (!installed.ok) {
      if (!installed.cancelled) showFailure(ctx, installed.error, "cloudflared was not installed: ");
      return null;
    }
    ctx.ui.success(`cloudflared installed at ${safe(installed.value)}`);
  }
}

function noProviderText(providers: ProviderChoice[]): string {
  return [
    "A share needs a tunnel executable. Here is each one's state:",
    ...providers.map((p) => `  ${p.displayName}: ${safe(p.problem ?? "not available")}`),
    "",
    "cloudflared is the simplest: panko can download it for you.",
  ].join("\n");
}

/** The redaction preview as note lines: counts by kind, then masked examples. */
export function redactionText(preview: RedactionPreview, width: number, max = 12): string {
  if (preview.total === 0) return "No secrets found: the session is shared as it is.";
  const kinds = Object.entries(preview.counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${n} ${line(k)}`);
  const lines = [`${plural(preview.total, "secret")} will be hidden: ${kinds.join(", ")}`, ""];
  for (const item of preview.items.slice(0, max)) {
    lines.push(truncate(`${line(item.kind)}  ${line(item.preview)}  ${line(item.where)}`, width));
  }
  if (preview.items.length > max) lines.push(`… and ${preview.items.length - max} more (panko redact SESSION lists them all)`);
  return lines.join("\n");
}

async function chooseExpiry(ctx: FlowCtx, config: Config): Promise<{ ttlMs: number | undefined } | null> {
  const def = config.share_ttl;
  const options = [
    { value: "default", label: def === undefined ? "No expiry" : `${formatDuration(def)}`, hint: "default" },
    ...EXPIRIES.filter(([, ms]) => ms !== def).map(([label, ms]) => ({ value: String(ms ?? "none"), label })),
  ];
  const v = await ctx.ui.select("Stop sharing after", options, "default");
  if (v === null) return null;
  if (v === "default") return { ttlMs: def };
  return { ttlMs: v === "none" ? undefined : Number(v) };
}

/** Shows the share: URL, QR code, clipboard, caveats. */
export async function showShare(ctx: FlowCtx, share: ShareEntry, opts: { copy: boolean }): Promise<void> {
  const url = share.publicUrl;
  if (!url) {
    ctx.ui.warn(`This share has no public URL yet (${share.status}${share.lastError ? `: ${safe(share.lastError)}` : ""}).`);
    return;
  }
  const lines = [url, "", ctx.deps.qr(url)];
  if (opts.copy) {
    const copied = await ctx.deps.clipboard.copy(url);
    lines.push(copied.copied ? "copied to clipboard" : `not copied to the clipboard (${copied.reason})`);
  }
  if (share.expiresAt) lines.push(`expires ${new Date(share.expiresAt).toLocaleString()}`);
  // The provider's caveats (ngrok's warning page, a new funnel name's DNS delay), as its tunnel reports them.
  if (share.notes?.length) lines.push("", ...share.notes.map((n) => safe(n)));
  ctx.ui.note(lines.join("\n"), `Shared through ${providerDisplayName(share.provider)}`);
}

/** When the session is shared already: its URLs, and whether to share it once more. */
async function againOrBack(ctx: FlowCtx, summary: SessionSummary): Promise<boolean> {
  const status = await ctx.deps.daemon.status().catch(() => ({ running: false, shares: undefined }));
  const current = (status.shares ?? []).filter((s) => s.sessionPath === summary.path && isLiveStatus(s.status));
  if (!current.length) return true;
  const lines = current.map((s) => `${safe(s.publicUrl ?? "(no URL yet)")}  ${s.provider} · ${s.status}`);
  ctx.ui.note(lines.join("\n"), "Shared already");
  const next = await ctx.ui.select("Share it once more, at another URL?", [
    { value: "again", label: "Share it again" },
    { value: "back", label: "Back" },
  ]);
  return next === "again";
}

export async function shareAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  if (!(await againOrBack(ctx, summary))) return;
  const config = currentConfig(ctx);
  const provider = await chooseProvider(ctx, config);
  if (provider === null) return;

  const session = await loadSession(ctx, summary);
  if (!session) return;
  if (!(await confirmRedactions(ctx, session, config))) return;

  const expiry = await chooseExpiry(ctx, config);
  if (expiry === null) return;

  // The executable found here (this terminal's PATH and config): the daemon may have an older PATH.
  const request = { sessionPath: summary.path, provider: provider.name, executable: provider.path ?? undefined, ttlMs: expiry.ttlMs, redact: config.redact };
  const share = await withDaemon(ctx, async (shares) => {
    let pending: Promise<ShareEntry> | undefined;
    const started = await ctx.ui.spin(`Starting the ${provider.displayName}`, () => (pending = shares.start(request)));
    if (started.ok) return started.value;
    if (started.cancelled) {
      // The daemon goes on starting it: stop it as soon as it is up, so a cancelled share is not left running.
      const stopped = await ctx.ui.spin("Cancelling: the share stops as soon as its tunnel answers", async () => {
        const s = await pending!.catch(() => null);
        if (s) await shares.stop(s.id);
      });
      if (stopped.ok) ctx.ui.info("Share cancelled.");
      else ctx.ui.warn("The share may still come up: stop it under Active shares.");
    } else showFailure(ctx, started.error, "The share did not start: ");
    return null;
  });
  if (share) await showShare(ctx, share, { copy: true });
}

async function confirmRedactions(ctx: FlowCtx, session: Session, config: Config): Promise<boolean> {
  if (!config.redact) {
    ctx.ui.warn("Redaction is off (config redact = false): secrets in this session will be published as they are.");
    return (await ctx.ui.confirm("Share it publicly anyway?", false)) === true;
  }
  let preview: RedactionPreview;
  try {
    preview = ctx.deps.privacy.preview(session, config);
  } catch (e) {
    showFailure(ctx, e, "The redaction preview failed: ");
    return false;
  }
  ctx.ui.note(redactionText(preview, ctx.ui.columns - 8), "Hidden before sharing");
  return (await ctx.ui.confirm("Share it publicly?", true)) === true;
}
