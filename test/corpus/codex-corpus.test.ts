/**
 * Real Codex rollouts from ../shared/corpus (outside the repo, read-only): every file parses with
 * nothing malformed or unknown, and the expected prompts, tool calls and edits come out.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { corpusPart } from "../helpers/corpus.ts";
import { join } from "node:path";
import { parseCodexSession } from "../../src/sessions/codex/parse.ts";
import { sessionCounts } from "../../src/sessions/counts.ts";
import type { Block, Session, ToolBlock } from "../../src/sessions/model.ts";

const dir = corpusPart("codex") ?? "";
const present = dir !== "";
const files = present ? readdirSync(dir).filter((f) => f.endsWith(".jsonl")) : [];

const blocks = (s: Session): Block[] => s.turns.flatMap((t) => t.blocks);
const tools = (s: Session) => blocks(s).filter((b): b is ToolBlock => b.kind === "tool");

describe.skipIf(!present)("codex corpus", () => {
  test.each(files)("%s parses cleanly", async (file) => {
    const s = await parseCodexSession(join(dir, file));
    expect(s.source).toBe("codex");
    expect(s.stats.malformedLines).toBe(0);
    expect(s.stats.unknownRecords).toBe(0);
    expect(blocks(s).filter((b) => b.kind === "unknown")).toEqual([]);
    expect(s.turns.length).toBeGreaterThan(0);
    const c = sessionCounts(s);
    expect(c.toolResults).toBe(c.toolCalls); // every call answered
  });

  const expectFile = (name: string) => (files.includes(name) ? test : test.skip);

  expectFile("fixture-codex.jsonl")("fixture-codex.jsonl: prompts, tools, patch", async () => {
    const s = await parseCodexSession(join(dir, "fixture-codex.jsonl"));
    expect(s.id).toBe("test-session");
    expect(s.title).toBe("list files here");
    expect(blocks(s).filter((b) => b.kind === "prompt").length).toBe(3);
    expect(s.turns.length).toBe(3);
    expect(tools(s).map((t) => t.name)).toEqual(["exec_command", "apply_patch", "apply_patch"]);
    expect(tools(s)[0].input).toEqual({ cmd: "ls", workdir: "/tmp/test" });
    expect(tools(s)[0].result?.text).toContain("file1.txt");
    expect(tools(s).every((t) => t.result && !t.result.isError)).toBe(true);
    expect(tools(s)[1].edits).toEqual([expect.objectContaining({ path: "/tmp/hello.txt", change: "create", added: 1, removed: 0 })]);
    expect(tools(s)[2].edits).toEqual([expect.objectContaining({ path: "/tmp/hello.txt", change: "update", added: 1, removed: 1 })]);
    expect(blocks(s).filter((b) => b.kind === "thinking")).toEqual([expect.objectContaining({ text: "", encrypted: true })]);
    expect(blocks(s).filter((b) => b.kind === "text").length).toBe(5);
    expect(sessionCounts(s)).toMatchObject({ prompts: 3, toolCalls: 3, toolResults: 3, thinking: 0 });
  });

  expectFile("fixture-codex-patch.jsonl")("fixture-codex-patch.jsonl: context lines, empty and multi-file patches", async () => {
    const s = await parseCodexSession(join(dir, "fixture-codex-patch.jsonl"));
    expect(s.title).toBe("patch with context lines");
    expect(blocks(s).filter((b) => b.kind === "prompt").length).toBe(3);
    const [ctx, empty, add, update] = tools(s);
    expect(ctx.edits?.[0].hunks[0].lines.map((l) => l.op)).toEqual([" ", "-", "+", " "]);
    expect(ctx.edits?.[0]).toMatchObject({ path: "/src/app.js", change: "update", added: 1, removed: 1 });
    expect(empty.edits).toEqual([]);
    expect(add.edits).toEqual([expect.objectContaining({ path: "/src/new.js", change: "create", added: 1 })]);
    expect(update.edits).toEqual([expect.objectContaining({ path: "/src/old.js", change: "update", added: 1, removed: 1 })]);
  });
});
