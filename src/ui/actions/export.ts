/** Export: html / md / json to a file the user names, redacted per config, written atomically. */
import { resolve } from "node:path";
import type { SessionSummary } from "../../sessions/model.ts";
import { currentConfig, showFailure, type FlowCtx } from "../context.ts";
import type { ExportFormat } from "../deps.ts";
import { formatBytes, plural, safe } from "../text.ts";
import { loadSession } from "./load.ts";

const FORMATS: { value: ExportFormat; label: string; hint: string }[] = [
  { value: "html", label: "HTML page", hint: "one self-contained file that reads offline" },
  { value: "md", label: "Markdown", hint: "a readable transcript" },
  { value: "json", label: "JSON", hint: "the parsed session model" },
];

/** The file name offered first: the session id's first 8 characters and the format's extension. */
export function defaultExportName(summary: SessionSummary, format: ExportFormat): string {
  return `${summary.id.slice(0, 8) || "session"}.${format}`;
}

export async function exportAction(ctx: FlowCtx, summary: SessionSummary): Promise<void> {
  const format = await ctx.ui.select("Export as", FORMATS);
  if (format === null) return;
  let file: string | null = null;
  for (;;) {
    const name = await ctx.ui.text({
      message: "Write to which file?",
      initialValue: file ?? defaultExportName(summary, format),
      validate: (v) => (v.trim() ? undefined : "Give a file name"),
    });
    if (name === null) return;
    file = resolve(ctx.deps.cwd, name.trim().replace(/^~(?=\/|$)/, ctx.deps.env.HOME ?? "~"));
    if (!ctx.deps.fs.exists(file)) break;
    const overwrite = await ctx.ui.confirm(`${safe(file)} exists. Replace it?`, false);
    if (overwrite === null) return;
    if (overwrite) break;
  }
  const session = await loadSession(ctx, summary);
  if (!session) return;
  const config = currentConfig(ctx);
  const target = file;
  const written = await ctx.ui.spin(`Writing ${safe(target)}`, async () => {
    const { session: out, counts } = ctx.deps.privacy.apply(session, config);
    const size = await ctx.deps.exporter.write(out, format, target);
    return { size, hidden: Object.values(counts).reduce((a, n) => a + n, 0) };
  });
  if (!written.ok) {
    if (!written.cancelled) showFailure(ctx, written.error, "The export failed: ");
    return;
  }
  const redaction = config.redact ? `, ${plural(written.value.hidden, "secret")} hidden` : ", not redacted (config redact = false)";
  ctx.ui.success(`Wrote ${safe(target)} (${formatBytes(written.value.size)}${redaction})`);
}
