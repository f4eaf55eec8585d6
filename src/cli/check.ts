/** `panko check FILE...`: parse session files without a server and report what they hold. */
import { resolve } from "node:path";
import { describeError } from "../errors.ts";
import { describeCounts, sessionCounts, type SessionCounts } from "../sessions/counts.ts";
import { plural } from "../plural.ts";
import type { Session, Source } from "../sessions/model.ts";
import { parseSession } from "../sessions/parse.ts";
import { formatElapsed } from "./format.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";

export interface CheckResult {
  file: string;
  ok: boolean;
  source: Source | null;
  sessionId: string | null;
  error: string | null;
  counts: SessionCounts | null;
}

function blockCount(session: Session): number {
  let n = 0;
  for (const turn of session.turns) n += turn.blocks.length;
  return n;
}

export async function checkFile(file: string): Promise<{ result: CheckResult; session?: Session; ms: number }> {
  const started = performance.now();
  try {
    const session = await parseSession(resolve(file));
    const result: CheckResult = {
      file,
      ok: true,
      source: session.source,
      sessionId: session.id,
      error: null,
      counts: sessionCounts(session),
    };
    return { result, session, ms: performance.now() - started };
  } catch (e) {
    const result: CheckResult = { file, ok: false, source: null, sessionId: null, error: describeError(e), counts: null };
    return { result, ms: performance.now() - started };
  }
}

export default defineCommand({
  name: "check",
  summary: "Validate session files without a server",
  usage: "panko check FILE... [--quiet] [--json]",
  description: "Parses each file and reports its source, session id, blocks, duration and malformed lines.\nExits 1 when any file is not a session.",
  options: {
    quiet: { type: "boolean", short: "q", description: "Print only the files that failed" },
    json: { type: "boolean", description: "Print a JSON array, one object per file" },
  },
  positionals: { min: 1, max: Infinity },
  examples: ["panko check ~/.claude/projects/*/*.jsonl", "panko check session.jsonl --json"],
  async run({ values, positionals, io }) {
    const c = io.colors;
    const results: CheckResult[] = [];
    for (const file of positionals) {
      const { result, session, ms } = await checkFile(file);
      results.push(result);
      if (values.json) continue;
      if (!result.ok) {
        io.out(`${c.red("failed")}  ${terminalSafe(file)}\n        ${terminalSafe(result.error ?? "")}\n`);
        continue;
      }
      if (values.quiet || !session || !result.counts) continue;
      const k = result.counts;
      const span = session.startedAt && session.endedAt ? formatElapsed(Date.parse(session.endedAt) - Date.parse(session.startedAt)) : "?";
      const malformed = k.malformedLines ? c.yellow(plural(k.malformedLines, "malformed line")) : "0 malformed lines";
      io.out(
        `${c.green("ok")}      ${terminalSafe(file)}\n` +
          `        ${session.source} ${session.id} · ${plural(session.turns.length, "turn")}, ${plural(blockCount(session), "block")} · lasted ${span} · ${malformed}` +
          ` · read in ${Math.round(ms)} ms\n` +
          `        ${describeCounts(k)} · ${k.toolResults} with results, ${plural(k.thinking, "thinking block")}, ${plural(k.images, "image")}` +
          (k.unknownRecords ? `, ${plural(k.unknownRecords, "unknown record")}` : "") +
          "\n",
      );
      for (const m of session.stats.malformed.slice(0, 3)) io.out(c.dim(`        line ${m.line}: ${terminalSafe(m.error)}\n`));
    }
    if (values.json) io.out(JSON.stringify(results, null, 2) + "\n");
    const failed = results.filter((r) => !r.ok).length;
    if (!values.json && !values.quiet && positionals.length > 1) {
      io.out(`${results.length - failed} ok, ${failed} failed\n`);
    }
    return failed > 0 ? 1 : 0;
  },
});
