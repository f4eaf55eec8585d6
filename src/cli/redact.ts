/**
 * `panko redact SESSION`: what a share or an export would hide, before anything is published:
 * every item with its kind, where it is (turn, block, field) and a masked preview (`ghp_…k3`).
 */
import { findRedactions, formatPlace, type RedactionReport } from "../privacy/preview.ts";
import { formatRedactionSummary } from "../privacy/redact.ts";
import { parseSession } from "../sessions/parse.ts";
import { resolveSessionPath } from "../sessions/resolve.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";
import type { Io } from "./io.ts";
import { REDACT_OPTIONS, redactSettings } from "./redact-flags.ts";

/** The report as `panko redact` prints it: one line per item, then the summary on stderr. */
export function printRedactionReport(report: RedactionReport, io: Io, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(report) + "\n");
    return;
  }
  const c = io.colors;
  const kindWidth = Math.max(4, ...report.items.map((i) => i.kind.length));
  for (const item of report.items) {
    io.out(`${c.yellow(item.kind.padEnd(kindWidth))}  ${terminalSafe(item.preview).padEnd(9)}  ${terminalSafe(formatPlace(item))}\n`);
  }
  io.err(`${formatRedactionSummary(report.counts)}\n`);
}

export default defineCommand({
  name: "redact",
  summary: "Show what sharing or exporting a session would hide",
  usage: "panko redact SESSION [--json] [--redact-pattern REGEX] [--keep REGEX]",
  description:
    "Lists every secret that `panko share` and `panko export` hide in this session: its kind, where it is\n" +
    "(turn, block, field) and a masked preview. Nothing is published. Keep a false positive with --keep\n" +
    "(or config redact_keep); hide more with --redact-pattern (or config redact_patterns).",
  options: {
    json: { type: "boolean", description: 'Print {"items":[{kind,turn,block,field,preview}],"counts","total"}' },
    "redact-pattern": REDACT_OPTIONS["redact-pattern"],
    keep: REDACT_OPTIONS.keep,
  },
  positionals: { min: 1, max: 1 },
  examples: ["panko redact latest", "panko redact 3f2a --json | jq '.items[].kind'", "panko redact latest --keep 'sk-test-fixture-[a-z]+'"],
  async run({ values, positionals: [ref], io }) {
    const { options } = redactSettings(values, io);
    const path = resolveSessionPath(ref!, { env: io.env, cwd: io.cwd });
    const session = await parseSession(path);
    printRedactionReport(findRedactions(session, options), io, values.json === true);
    return 0;
  },
});
