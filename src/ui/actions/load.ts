/** Reading a whole session for an action, under a spinner; failures shown, null = back. */
import type { Session, SessionSummary } from "../../sessions/model.ts";
import { showFailure, type FlowCtx } from "../context.ts";

export async function loadSession(ctx: FlowCtx, summary: SessionSummary): Promise<Session | null> {
  const got = await ctx.ui.spin("Reading the session", () => ctx.deps.sessions.load(summary.path));
  if (got.ok) return got.value;
  if (!got.cancelled) showFailure(ctx, got.error, "The session cannot be read: ");
  return null;
}
