import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { markdownTranscriptChunks } from "../../src/render/markdown.ts";
import { renderPage } from "../../src/render/page.ts";
import { parseClaudeText } from "../../src/sessions/claude/parse.ts";
import { describeOutput, formatCost, usageTotals } from "../../src/sessions/usage.ts";
import { previewLines } from "../../src/ui/preview.ts";
import { session } from "../render/fixture.ts";
import { summary } from "../ui/fakes.ts";
import { readStream, served } from "../render/helpers.ts";

/** A Claude transcript: one assistant record per [message id, output_tokens, stop_reason]. */
function transcript(records: [string, number, string | null][]): string {
  const lines = [JSON.stringify({ type: "user", uuid: "u0", sessionId: "s", timestamp: "2026-01-01T00:00:00.000Z", message: { role: "user", content: "go" } })];
  records.forEach(([id, out, stop], i) =>
    lines.push(
      JSON.stringify({
        type: "assistant",
        uuid: `a${i}`,
        parentUuid: i ? `a${i - 1}` : "u0",
        sessionId: "s",
        timestamp: `2026-01-01T00:00:0${i + 1}.000Z`,
        message: { id, model: "claude-opus-4-5", role: "assistant", content: [{ type: "text", text: `part ${i}` }], stop_reason: stop, usage: { input_tokens: 5, output_tokens: out } },
      }),
    ),
  );
  return lines.join("\n") + "\n";
}

describe("output tokens as Claude Code records them", () => {
  test("a reply whose records all lack a stop_reason has no recorded output", () => {
    // As Claude Code 2.1 writes them: every record mid-stream, with the figure of that moment.
    const t = usageTotals(parseClaudeText(transcript([["m1", 3, null], ["m1", 3, null], ["m2", 1, null]])));
    expect(t).toMatchObject({ input: 10, outputTokens: 4, output: "unrecorded" });
    expect(describeOutput(t, String)).toBe("output not recorded");
  });

  test("a reply with a final record counts; with some replies unfinished the sum is a lower bound", () => {
    const all = usageTotals(parseClaudeText(transcript([["m1", 2, null], ["m1", 480, "tool_use"], ["m2", 90, "end_turn"]])));
    expect(all).toMatchObject({ outputTokens: 570, output: "final" });
    expect(describeOutput(all, String)).toBe("570 out");
    const some = usageTotals(parseClaudeText(transcript([["m1", 480, "end_turn"], ["m2", 7, null]])));
    expect(some).toMatchObject({ outputTokens: 487, output: "partial" });
    expect(describeOutput(some, String)).toBe("at least 487 out");
  });

  test("usage without reply counts (Codex, a session built by hand) is final", () => {
    expect(usageTotals(session([])).output).toBe("final");
  });

  test("the page, the Markdown header and the picker's note say so", async () => {
    const s = parseClaudeText(transcript([["m1", 3, null]]), join("/tmp", "s.jsonl"));
    const { html } = await readStream(renderPage(s, served));
    expect(html).toContain(`<span class="nw"><span title="Claude Code writes each reply`);
    expect(html).toContain(`output not recorded</span>`);
    expect(html).not.toContain("3 out");
    const md = [...markdownTranscriptChunks(s)].join("");
    expect(md).toMatch(/Tokens.*output not recorded \(Claude Code writes/);
    expect(previewLines(summary({ id: "s", title: "go", path: s.path, tools: {} }), { now: Date.now(), width: 80, session: s }).join("\n")).toContain("tokens    5 in, output not recorded");
  });
});

describe("the cost Claude Code counted", () => {
  test("the latest cost-state record is the session's cost, shown on the page, in Markdown and in the picker", async () => {
    const base = transcript([["m1", 3, null]]);
    const cost = (usd: unknown) => JSON.stringify({ type: "cost-state", sessionId: "s", totalCostUSD: usd, totalLinesAdded: 3, totalLinesRemoved: 1, modelUsage: {} });
    const s = parseClaudeText(base + [cost(0.5), cost(1.2345), cost("lots")].join("\n") + "\n", join("/tmp", "s.jsonl"));
    expect(s.costUsd).toBe(1.2345); // a value that is not a number is no cost
    const { html } = await readStream(renderPage(s, served));
    expect(html).toContain(`<dt>Cost</dt><dd><span title="Claude Code&#x27;s own estimate at API prices, its sub-agents included">$1.23</span></dd>`);
    expect([...markdownTranscriptChunks(s)].join("")).toContain("- Cost: $1.23 (Claude Code's own estimate at API prices, its sub-agents included)");
    expect(previewLines(summary({ id: "s", title: "go", path: s.path, tools: {} }), { now: Date.now(), width: 80, session: s })).toContain("cost      $1.23 (Claude Code's estimate)");
    expect(parseClaudeText(base).costUsd).toBeUndefined();
    expect(formatCost(0.004)).toBe("$0.004");
  });
});
