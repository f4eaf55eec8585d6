import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { emptyStats, type Block, type ImageBlock, type Session, type ToolBlock } from "../../src/sessions/model.ts";
import { allSessions, sessionCounts, walkBlocks } from "../../src/sessions/counts.ts";
import { parseCodexSession } from "../../src/sessions/codex/parse.ts";

const image = (id: string): ImageBlock => ({ kind: "image", id, mediaType: "image/png", data: "AAAA" });

function session(id: string, blocks: Block[], stats = emptyStats()): Session {
  return { id, source: "claude", path: `/s/${id}.jsonl`, title: id, models: [], usage: {}, turns: [{ index: 0, id: "t0", blocks }], stats };
}

function tool(id: string, opts: Partial<ToolBlock> = {}): ToolBlock {
  return { kind: "tool", id, toolUseId: id, name: "Bash", input: {}, ...opts };
}

describe("sessionCounts", () => {
  const grandchild = session("grand", [{ kind: "prompt", id: "g0", text: "sub-sub task" }, tool("tg1", { result: { text: "", images: [image("gi")], isError: false } })], {
    ...emptyStats(),
    malformedLines: 1,
  });
  const child = session(
    "child",
    [
      { kind: "prompt", id: "c0", text: "sub task" },
      { kind: "thinking", id: "c1", text: "pondering" },
      tool("tc1", { result: { text: "ok", images: [], isError: false } }),
      tool("tc2", { name: "Task", subAgent: grandchild }),
    ],
    { ...emptyStats(), unknownRecords: 2 },
  );
  const thinking = { kind: "thinking", id: "b2", text: "hmm" } as const;
  const top = session(
    "top",
    [
      { kind: "prompt", id: "b0", text: "do it" },
      image("b1"),
      thinking,
      { kind: "thinking", id: "b3", text: "", encrypted: true },
      { kind: "thinking", id: "b4", text: "   " },
      tool("t1", { result: { text: "x", images: [image("r1"), image("r2")], isError: true } }),
      tool("t2"),
      // The same call written twice (e.g. a rewound branch keeping the call): counted once.
      tool("t2", { id: "t2#2", result: { text: "late", images: [], isError: false } }),
      tool("t3", { name: "Task", subAgent: child, result: { text: "done", images: [], isError: false } }),
      { kind: "prompt", id: "b9", text: "again" },
    ],
    { ...emptyStats(), malformedLines: 3, unknownRecords: 1 },
  );
  top.turns[0].blocks.push(thinking); // the same block object twice: counted once

  test("counts everything once, recursively; tool calls of sub-agents apart", () => {
    expect(sessionCounts(top)).toEqual({
      prompts: 2,
      messages: 0,
      thinking: 2,
      toolCalls: 3,
      toolResults: 3,
      subAgentToolCalls: 3,
      images: 4,
      subAgents: 2,
      malformedLines: 4,
      unknownRecords: 3,
    });
  });

  test("a sub-agent linked twice is counted once", () => {
    const twice = session("twice", [tool("a", { subAgent: child }), tool("b", { subAgent: child })]);
    expect(sessionCounts(twice).subAgents).toBe(2); // child + grandchild
    expect(allSessions(twice).map((s) => s.id)).toEqual(["twice", "child", "grand"]);
  });

  test("an empty session", () => {
    expect(sessionCounts(session("e", []))).toEqual({
      prompts: 0,
      messages: 0,
      thinking: 0,
      toolCalls: 0,
      toolResults: 0,
      subAgentToolCalls: 0,
      images: 0,
      subAgents: 0,
      malformedLines: 0,
      unknownRecords: 0,
    });
  });

  test("walkBlocks visits result images and sub-agent blocks with their context", () => {
    const seen: string[] = [];
    walkBlocks(top, (block, ctx) => {
      seen.push(`${ctx.depth}:${block.id}${ctx.resultOf ? `<${ctx.resultOf.id}` : ""}@${ctx.session.id}`);
    });
    expect(seen).toEqual([
      "0:b0@top",
      "0:b1@top",
      "0:b2@top",
      "0:b3@top",
      "0:b4@top",
      "0:t1@top",
      "0:r1<t1@top",
      "0:r2<t1@top",
      "0:t2@top",
      "0:t2#2@top",
      "0:t3@top",
      "1:c0@child",
      "1:c1@child",
      "1:tc1@child",
      "1:tc2@child",
      "2:g0@grand",
      "2:tg1@grand",
      "2:gi<tg1@grand",
      "0:b9@top",
      "0:b2@top",
    ]);
  });
});

describe("sessionCounts on a Codex session", () => {
  test("the full fixture", async () => {
    const s = await parseCodexSession(join(import.meta.dir, "../fixtures/codex/full.jsonl"));
    expect(sessionCounts(s)).toEqual({
      prompts: 4,
      messages: 4,
      thinking: 1,
      toolCalls: 10,
      toolResults: 8,
      subAgentToolCalls: 0,
      images: 2,
      subAgents: 0,
      malformedLines: 1,
      unknownRecords: 3,
    });
  });
});
