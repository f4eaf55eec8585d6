/**
 * Real Claude Code transcripts from ../shared/corpus (outside the repo, read-only): every file
 * (sub-agent transcripts included) parses with nothing malformed or unknown, and the counts the
 * corpus README promises come out.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { corpusPart } from "../helpers/corpus.ts";
import { join, relative } from "node:path";
import { parseClaudeSession } from "../../src/sessions/claude/parse.ts";
import type { Block, Session, ToolBlock } from "../../src/sessions/model.ts";

const dir = corpusPart("claude") ?? "";
const present = dir !== "";

function walk(d: string): string[] {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : name.endsWith(".jsonl") ? [p] : [];
  });
}
const files = present ? walk(dir).map((p) => relative(dir, p)).sort() : [];

const blocks = (s: Session, all = true): Block[] => s.turns.filter((t) => all || !t.abandoned).flatMap((t) => t.blocks);
const tools = (s: Session) => blocks(s).filter((b): b is ToolBlock => b.kind === "tool");
const count = (s: Session, kind: Block["kind"]) => blocks(s).filter((b) => b.kind === kind).length;
const parse = (name: string) => parseClaudeSession(join(dir, name));

describe.skipIf(!present)("claude corpus", () => {
  test.each(files)("%s parses cleanly", async (file) => {
    const s = await parse(file);
    expect(s.source).toBe("claude");
    expect(s.stats.malformedLines).toBe(0);
    expect(s.stats.unknownRecords).toBe(0);
    expect(blocks(s).filter((b) => b.kind === "unknown")).toEqual([]);
    expect(s.turns.length).toBeGreaterThan(0);
    expect(s.title).not.toBe("");
    const ids = blocks(s).map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of tools(s)) if (t.subAgent) expect(t.subAgent.stats.malformedLines).toBe(0);
  });

  test("general-tool-calls: thinking, tool calls and results, edits, usage", async () => {
    const s = await parse("general-tool-calls.jsonl");
    // From line 353 on, Claude Code 2.1.14 wrote the earlier conversation again (resume): counted once.
    expect(count(s, "thinking")).toBe(49);
    const calls = tools(s);
    expect(calls.length).toBe(65);
    expect(new Set(calls.map((t) => t.toolUseId)).size).toBe(65);
    expect(calls.filter((t) => t.result).length).toBe(64);
    expect(new Set(calls.map((t) => t.name)).size).toBe(13);
    const edited = calls.filter((t) => t.edits?.length);
    expect(edited.length).toBeGreaterThan(10);
    for (const t of edited) for (const e of t.edits!) expect(e.added + e.removed).toBeGreaterThan(0);
    expect(edited.filter((t) => t.name === "Edit").every((t) => t.edits![0].hunks[0].oldStart > 0)).toBe(true);
    expect(s.models).toEqual(["claude-opus-4-5-20251101", "claude-haiku-4-5-20251001"]);
    expect(s.usage["claude-opus-4-5-20251101"].outputTokens).toBeGreaterThan(0);
    expect(s.title).toBe("Claude Code Session Share Plugin Development");
    expect(s.id).toBe("88f04c6a-d128-40bf-96b3-6b2aa787f62c");
    expect(s.project).toBe("/Users/pete/git/moredip/session-share");
  });

  test("general-tool-calls: the resume copy is shown once, the continuation follows the original turns", async () => {
    const s = await parse("general-tool-calls.jsonl");
    const prompts = blocks(s).filter((b) => b.kind === "prompt");
    expect(prompts.length).toBe(6);
    expect(prompts.map((p) => p.timestamp)).toEqual([...prompts.map((p) => p.timestamp!)].sort());
    expect(s.turns.length).toBe(10);
    expect(s.turns.filter((t) => t.abandoned)).toEqual([]); // parallel tool calls are not rewinds
    expect(s.turns[6].blocks[0]).toMatchObject({ kind: "command", name: "/publish-session" });
    expect(s.endedAt).toBe("2026-01-21T21:56:38.366Z");
  });

  test("subagent-layout: 5 sub-agents linked from files, api errors as notices, the rewound prompt abandoned", async () => {
    const s = await parse("subagent-layout/0ccf1a04-1b4c-43b6-8aa5-79e41db43a68.jsonl");
    const subs = tools(s).filter((t) => t.subAgent);
    expect(subs.length).toBe(5);
    expect(new Set(subs.map((t) => t.subAgent!.agentId)).size).toBe(5);
    for (const t of subs) {
      expect(t.name).toBe("Task");
      expect(t.subAgent!.turns.length).toBeGreaterThan(0);
      expect(tools(t.subAgent!).length).toBeGreaterThan(0);
    }
    const notices = blocks(s).filter((b) => b.kind === "notice" && b.subtype === "api_error");
    expect(notices.length).toBe(9);
    const abandoned = s.turns.filter((t) => t.abandoned);
    expect(abandoned.length).toBe(1);
    expect(abandoned[0].blocks[0]).toMatchObject({ kind: "prompt", text: "are they still being written?" });
    // background agents' completion notices are quiet notices, not prompts
    const notes = blocks(s).filter((b) => b.kind === "notice" && b.subtype === "task-notification");
    expect(notes.map((b) => (b as { text: string }).text)).toEqual([
      'Background task ac27727 completed: Agent "Poem about Thai red curry" completed',
      'Background task a5bdbc1 completed: Agent "Poem about Thai yellow curry" completed',
      'Background task afbbf75 completed: Agent "Poem about Thai green curry" completed',
    ]);
    expect(count(s, "prompt")).toBe(3);
  });

  test("inline-sidechain-multiedit: sidechains linked to their Task calls, MultiEdit diff", async () => {
    const s = await parse("inline-sidechain-multiedit.jsonl");
    const tasks = tools(s).filter((t) => t.name === "Task");
    expect(tasks.length).toBe(3);
    const linked = tasks.filter((t) => t.subAgent);
    expect(linked.length).toBe(2); // the third call failed validation and spawned nothing
    for (const t of linked) expect(blocks(t.subAgent!).find((b) => b.kind === "prompt")).toMatchObject({ text: (t.input as { prompt: string }).prompt });
    expect(tools(s).filter((t) => t.name === "Task" && !t.toolUseId)).toEqual([]); // no unclaimed sidechain
    const multi = tools(s).find((t) => t.name === "MultiEdit")!;
    expect(multi.edits?.[0].added).toBeGreaterThan(0);
    expect(multi.edits?.[0].hunks[0].oldStart).toBe(1);
    // sidechain lines stay out of the main conversation
    expect(tools(s).length).toBe(13);
  });

  test("images-in-user-messages: user images kept with their data", async () => {
    const s = await parse("images-in-user-messages.jsonl");
    const images = blocks(s).filter((b) => b.kind === "image");
    expect(images.length).toBe(1); // the second was the resume copy of the first
    expect(count(s, "prompt")).toBe(2);
    for (const i of images) expect(i).toMatchObject({ mediaType: "image/png" });
  });

  test("current-record-types: session-id, no uuids, file order", async () => {
    const s = await parse("current-record-types.jsonl");
    expect(s.id).toBe("test-session-abc123");
    expect(count(s, "prompt")).toBe(3);
    expect(count(s, "thinking")).toBe(1);
    expect(tools(s)[0].result?.text).toBe("file contents here");
  });
});
