/** View in browser: the foreground viewer of `panko view`, until Ctrl+C brings the flow back. */
import type { SessionSummary } from "../../sessions/model.ts";
import { showFailure, type FlowCtx } from "../context.ts";

export async function viewAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  ctx.ui.info("Serving the session on this machine. Press Ctrl+C to come back here.");
  const controller = new AbortController();
  const off = ctx.deps.onInterrupt(() => controller.abort());
  try {
    await ctx.deps.viewer.run(summary.path, controller.signal);
  } catch (e) {
    showFailure(ctx, e, "The viewer stopped: ");
  } finally {
    off();
  }
}
