/**
 * `panko` with no arguments: an intro line, the session picker at once, and from it a session's
 * actions, the active shares or the settings. Escape / Ctrl+C goes back one step; at the picker it
 * ends panko with code 0.
 */
import type { SessionSummary } from "../sessions/model.ts";
import type { FlowDeps } from "./deps.ts";
import { currentConfig, showFailure, type FlowCtx } from "./context.ts";
import { buildPicker, pick } from "./picker.ts";
import { Ui } from "./prompts.ts";
import { sessionMenu } from "./session-menu.ts";
import { settingsMenu } from "./settings.ts";
import { sharesMenu } from "./shares.ts";
import { plural } from "./text.ts";
import type { PromptIo } from "./io.ts";

const NO_SESSIONS =
  "No sessions found. panko looks in ~/.claude/projects, ~/.config/claude/projects (or CLAUDE_CONFIG_DIR) and ~/.codex/sessions.";

/** The intro line: the version, and the number of active shares when a daemon runs (none is started). */
async function introLine(deps: FlowDeps): Promise<{ text: string; activeShares?: number }> {
  const status = await deps.daemon.status().catch(() => ({ running: false, activeShares: undefined }));
  const base = `panko ${deps.version}`;
  if (!status.running) return { text: base };
  const n = status.activeShares ?? 0;
  return { text: `${base} · ${plural(n, "active share")}`, activeShares: n };
}

export async function runFlow(deps: FlowDeps, io: PromptIo): Promise<number> {
  const ctx: FlowCtx = { ui: new Ui(io), deps };
  const intro = await introLine(deps);
  ctx.ui.intro(intro.text);
  let activeShares = intro.activeShares;
  let first = true;
  for (;;) {
    const config = currentConfig(ctx);
    let sessions: SessionSummary[];
    try {
      sessions = deps.sessions.list(config.default_sort);
    } catch (e) {
      showFailure(ctx, e, "The sessions cannot be listed: ");
      sessions = [];
    }
    if (!sessions.length) ctx.ui.warn(NO_SESSIONS);
    if (!first) activeShares = (await deps.daemon.status().catch(() => ({ running: false, activeShares: undefined }))).activeShares;
    first = false;
    const model = buildPicker(sessions, { now: deps.now(), home: deps.env.HOME, width: ctx.ui.columns - 10, activeShares });
    const picked = await pick(ctx.ui, model);
    if (picked === null) {
      ctx.ui.outro("Bye.");
      return 0;
    }
    if (picked.kind === "shares") await sharesMenu(ctx);
    else if (picked.kind === "settings") await settingsMenu(ctx);
    else await sessionMenu(ctx, picked.session);
  }
}
