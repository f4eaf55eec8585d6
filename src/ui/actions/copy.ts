/** Copy path, and Copy as context (the Markdown transcript, redacted per config, with its size and a token estimate). */
import type { SessionSummary } from "../../sessions/model.ts";
import { currentConfig, showFailure, type FlowCtx } from "../context.ts";
import type { CopyOutcome } from "../deps.ts";
import { compactNumber } from "../preview.ts";
import { formatBytes, safe } from "../text.ts";
import { loadSession } from "./load.ts";

/** About four characters a token, the usual rule of thumb for English text and code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function report(ctx: FlowCtx, outcome: CopyOutcome, what: string): void {
  if (outcome.copied) ctx.ui.success(`Copied ${what} to the clipboard (${outcome.via})`);
  else ctx.ui.warn(`Could not copy ${what}: ${safe(outcome.reason)}`);
}

export async function copyPathAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  const outcome = await ctx.deps.clipboard.copy(summary.path);
  report(ctx, outcome, "the path");
  if (!outcome.copied) ctx.ui.info(safe(summary.path));
}

export async function copyContextAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  const session = await loadSession(ctx, summary);
  if (!session) return;
  let markdown: string;
  try {
    const config = currentConfig(ctx);
    markdown = ctx.deps.exporter.markdown(ctx.deps.privacy.apply(session, config).session);
  } catch (e) {
    showFailure(ctx, e, "The Markdown export failed: ");
    return;
  }
  const size = `${formatBytes(Buffer.byteLength(markdown))}, ~${compactNumber(estimateTokens(markdown))} tokens`;
  report(ctx, await ctx.deps.clipboard.copy(markdown), `the session as Markdown (${size})`);
}
