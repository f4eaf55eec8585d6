/**
 * What every step of the flow is given: the prompts, the dependencies, and a few helpers they
 * share (the config as it is now, the daemon with Retry / Back, a failure shown as a message).
 */
import { DEFAULTS, type Config } from "../config.ts";
import { describeError, isPankoError } from "../errors.ts";
import type { FlowDeps, SharesPort } from "./deps.ts";
import type { Ui } from "./prompts.ts";
import { safe } from "./text.ts";

export interface FlowCtx {
  ui: Ui;
  deps: FlowDeps;
  /** The config problem last reported (said once, not at every step). */
  configProblem?: string;
}

/** The config as it is now; a broken file is reported (once) and the defaults are used. */
export function currentConfig(ctx: FlowCtx): Config {
  try {
    const config = ctx.deps.config.load();
    ctx.configProblem = undefined;
    return config;
  } catch (e) {
    const problem = describeError(e);
    if (problem !== ctx.configProblem) ctx.ui.warn(`${safe(problem)}; using the default settings`);
    ctx.configProblem = problem;
    return { ...DEFAULTS };
  }
}

/** A failure as the user reads it: the message and its detail lines, never a stack. */
export function showFailure(ctx: FlowCtx, e: unknown, prefix = ""): void {
  const lines = [prefix + describeError(e), ...(isPankoError(e) ? e.details : [])];
  ctx.ui.error(safe(lines.join("\n")));
}

/**
 * Runs `fn` with a daemon connection (starting the daemon when none runs). When the daemon cannot
 * be reached, says why and offers Retry / Back; null means the user went back.
 */
export async function withDaemon<T>(ctx: FlowCtx, fn: (shares: SharesPort) => Promise<T>): Promise<T | null> {
  for (;;) {
    const got = await ctx.ui.spin("Connecting to the panko daemon", () => ctx.deps.daemon.connect());
    if (got.ok) {
      try {
        return await fn(got.value);
      } finally {
        got.value.close();
      }
    }
    if (got.cancelled) return null;
    showFailure(ctx, got.error, "The panko daemon cannot be reached: ");
    const next = await ctx.ui.select("What now?", [
      { value: "retry", label: "Retry" },
      { value: "back", label: "Back" },
    ]);
    if (next !== "retry") return null;
  }
}
