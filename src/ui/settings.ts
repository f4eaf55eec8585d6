/**
 * Settings: default provider, ngrok token (a password prompt), default sort, default expiry,
 * redaction and its extra patterns (to hide, to keep); written through the config code `panko config set` uses, so the file keeps its
 * comments and a bad value is refused with the same message.
 */
import { PROVIDERS, SORT_KEYS, formatDuration, showValue, type Config } from "../config.ts";
import { describeError } from "../errors.ts";
import { currentConfig, showFailure, type FlowCtx } from "./context.ts";
import type { Choice } from "./prompts.ts";
import { line, plural, truncate } from "./text.ts";

type Key = "default_provider" | "ngrok_token" | "default_sort" | "share_ttl" | "redact" | "redact_patterns" | "redact_keep";
type ListKey = "redact_patterns" | "redact_keep";

function describe(config: Config, key: Key): string {
  switch (key) {
    case "default_provider":
      return config.default_provider ?? "first available";
    case "ngrok_token":
      return config.ngrok_token ? `set (${showValue("ngrok_token", config.ngrok_token)})` : "not set";
    case "default_sort":
      return config.default_sort;
    case "share_ttl":
      return config.share_ttl === undefined ? "no expiry" : formatDuration(config.share_ttl);
    case "redact":
      return config.redact ? "on" : "off";
    case "redact_patterns":
    case "redact_keep":
      return config[key].length ? plural(config[key].length, "pattern") : "none";
  }
}

const LABELS: Record<Key, string> = {
  default_provider: "Default provider",
  ngrok_token: "ngrok token",
  default_sort: "Default sort",
  share_ttl: "Default expiry",
  redact: "Hide secrets (redact)",
  redact_patterns: "Extra patterns to hide",
  redact_keep: "Patterns never to hide",
};

/** Saves one value (typed text, parsed as `panko config set` does, or a list); true when saved. `raw` undefined removes the key. */
function save(ctx: FlowCtx, key: Key, raw: string | string[] | undefined): boolean {
  try {
    const value = raw === undefined || Array.isArray(raw) ? raw : ctx.deps.config.parse(key, raw);
    ctx.deps.config.set(key, value);
  } catch (e) {
    showFailure(ctx, e);
    return false;
  }
  ctx.ui.success(`${LABELS[key]}: ${describe(currentConfig(ctx), key)}`);
  return true;
}

/** A list of regular expressions: add one (checked as the config checks it) or remove one. */
async function editList(ctx: FlowCtx, key: ListKey): Promise<void> {
  const what = key === "redact_patterns" ? "hidden in every share and export" : "never hidden (false positives)";
  for (;;) {
    const list = currentConfig(ctx)[key];
    const choice = await ctx.ui.select<string>(`Regular expressions ${what}`, [
      ...list.map((p, i) => ({ value: String(i), label: truncate(`Remove ${line(p)}`, ctx.ui.optionColumns) })),
      { value: "add", label: "Add a pattern" },
      { value: "back", label: "Back" },
    ]);
    if (choice === null || choice === "back") return;
    if (choice === "add") {
      const pattern = await ctx.ui.text({
        message: "A regular expression (for example acme_[0-9a-f]{32}, or /internal-\\d+/i)",
        validate: (v) => {
          if (!v.trim()) return "Type a pattern";
          try {
            ctx.deps.config.parse(key, v.trim());
          } catch (e) {
            return describeError(e);
          }
          return undefined;
        },
      });
      if (pattern !== null) save(ctx, key, [...list, pattern.trim()]);
    } else {
      const rest = list.filter((_, i) => String(i) !== choice);
      save(ctx, key, rest.length ? rest : undefined);
    }
  }
}

async function edit(ctx: FlowCtx, key: Key, config: Config): Promise<void> {
  switch (key) {
    case "redact_patterns":
    case "redact_keep":
      return editList(ctx, key);
    case "default_provider": {
      const v = await ctx.ui.select<string>(
        "Share through which provider by default?",
        [{ value: "", label: "The first one available" }, ...PROVIDERS.map((p) => ({ value: p, label: p }))],
        config.default_provider ?? "",
      );
      if (v !== null) save(ctx, key, v || undefined);
      return;
    }
    case "ngrok_token": {
      const v = await ctx.ui.password("ngrok auth token (from dashboard.ngrok.com; empty to remove it)");
      if (v !== null) save(ctx, key, v.trim() || undefined);
      return;
    }
    case "default_sort": {
      const v = await ctx.ui.select("Order of the session list", SORT_KEYS.map((k) => ({ value: k, label: k })), config.default_sort);
      if (v !== null) save(ctx, key, v);
      return;
    }
    case "share_ttl": {
      for (;;) {
        const v = await ctx.ui.text({
          message: "How long a share lives by default (30m, 24h, 7d; empty for no expiry)",
          initialValue: config.share_ttl === undefined ? "" : formatDuration(config.share_ttl),
        });
        if (v === null) return;
        if (save(ctx, key, v.trim() || undefined)) return;
      }
    }
    case "redact": {
      const v = await ctx.ui.select(
        "Hide secrets before sharing or exporting?",
        [
          { value: "true", label: "Yes, hide them", hint: "recommended" },
          { value: "false", label: "No, publish sessions as they are" },
        ],
        String(config.redact),
      );
      if (v !== null) save(ctx, key, v);
      return;
    }
  }
}

export async function settingsMenu(ctx: FlowCtx): Promise<void> {
  let last: Key | "back" = "default_provider";
  for (;;) {
    const config = currentConfig(ctx);
    const options: Choice<Key | "back">[] = [
      ...(Object.keys(LABELS) as Key[]).map((k) => ({ value: k, label: truncate(`${LABELS[k]}: ${describe(config, k)}`, ctx.ui.optionColumns) })),
      { value: "back", label: "Back" },
    ];
    const key: Key | "back" | null = await ctx.ui.select("Settings", options, last);
    if (key === null || key === "back") return;
    last = key;
    await edit(ctx, key, config);
  }
}
