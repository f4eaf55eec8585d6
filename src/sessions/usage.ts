/**
 * A session's tokens summed over its models, for every place that shows them (the picker's note,
 * the page's header, the Markdown header), with what is known of the output count.
 *
 * Claude Code writes a reply's records while it streams, each with the usage of that moment: the
 * output count of a record whose stop_reason is still null is a mid-reply figure (often 1-30
 * tokens for a reply of thousands), and recent versions never write the final one. Such a count
 * is not shown as the output: `output` says whether every count is final, only some are (the sum
 * is then a lower bound) or none is (the output was not recorded).
 */
import type { Session } from "./model.ts";

export interface UsageTotals {
  /** Input tokens, cache reads and writes included. */
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens as recorded (a lower bound unless `output` is "final"). */
  outputTokens: number;
  output: "final" | "partial" | "unrecorded";
}

export function usageTotals(session: Session): UsageTotals {
  let input = 0;
  let cacheRead = 0;
  let cacheWrite = 0;
  let outputTokens = 0;
  let replies = 0;
  let midReply = 0;
  for (const u of Object.values(session.usage)) {
    input += u.inputTokens + u.cacheReadTokens + u.cacheCreationTokens;
    cacheRead += u.cacheReadTokens;
    cacheWrite += u.cacheCreationTokens;
    outputTokens += u.outputTokens;
    replies += u.replies ?? 0;
    midReply += u.midReplyOutputs ?? 0;
  }
  const output = midReply === 0 ? "final" : midReply >= replies ? "unrecorded" : "partial";
  return { input, cacheRead, cacheWrite, outputTokens, output };
}

/** Whether there is anything to show. */
export function hasUsage(t: UsageTotals): boolean {
  return t.input > 0 || t.outputTokens > 0;
}

/** "12.3k out", "at least 12.3k out" or "output not recorded", numbers drawn by `count`. */
export function describeOutput(t: UsageTotals, count: (n: number) => string): string {
  if (t.output === "unrecorded") return "output not recorded";
  return `${t.output === "partial" ? "at least " : ""}${count(t.outputTokens)} out`;
}

/** Why the output count is missing or low, for a tooltip or a footnote; undefined when it is final. */
export function outputCaveat(t: UsageTotals): string | undefined {
  if (t.output === "final") return undefined;
  return "Claude Code writes each reply's token count while the reply streams; the final output count is not in the transcript";
}

/** "$1.24", "$0.004": the agent's own cost estimate, to a cent or, below one, to a tenth of one. */
export function formatCost(usd: number): string {
  return usd >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(3)}`;
}

/** What the cost figure is, for a tooltip or a footnote. */
export const COST_NOTE = "Claude Code's own estimate at API prices, its sub-agents included";
