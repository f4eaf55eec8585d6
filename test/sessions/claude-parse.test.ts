import { describe, expect, test } from "bun:test";
import { exportChunks } from "../../src/cli/export.ts";
import { summarizeFile } from "../../src/sessions/summary/index.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PankoError } from "../../src/errors.ts";
import { parseClaudeSession, parseClaudeText } from "../../src/sessions/claude/parse.ts";
import { classifyUserText } from "../../src/sessions/claude/prompt.ts";
import type { Block, Session, ToolBlock } from "../../src/sessions/model.ts";

const FIX = join(import.meta.dir, "../fixtures/claude");
const parse = (name: string) => parseClaudeSession(join(FIX, name));

const blocks = (s: Session, opts: { abandoned?: boolean } = {}): Block[] =>
  s.turns.filter((t) => opts.abandoned === undefined || !!t.abandoned === opts.abandoned).flatMap((t) => t.blocks);
const ofKind = <K extends Block["kind"]>(s: Session, kind: K) => blocks(s).filter((b): b is Extract<Block, { kind: K }> => b.kind === kind);
const tool = (s: Session, id: string) => ofKind(s, "tool").find((b) => b.toolUseId === id) as ToolBlock;
const shape = (s: Session) => s.turns.map((t) => (t.abandoned ? "x:" : "") + t.blocks.map((b) => b.kind).join(","));

/** Block ids are unique in a session and turn indexes are positions. */
function checkInvariants(s: Session) {
  const ids = new Set<string>();
  s.turns.forEach((t, i) => {
    expect(t.index).toBe(i);
    for (const b of t.blocks) {
      expect(ids.has(b.id)).toBe(false);
      ids.add(b.id);
    }
  });
  expect(JSON.parse(JSON.stringify(s))).toEqual(s); // plain data
}

describe("session fields", () => {
  test("id, project, branch, version, timestamps, title from the first prompt", async () => {
    const s = await parse("streaming.jsonl");
    expect(s).toMatchObject({
      id: "sess-stream",
      source: "claude",
      path: join(FIX, "streaming.jsonl"),
      title: "Explain the streaming merge",
      project: "/home/dev/proj",
      gitBranch: "main",
      version: "2.1.0",
      startedAt: "2026-01-10T09:59:59.000Z",
      endedAt: "2026-01-10T10:00:11.000Z",
    });
    expect(s.stats).toEqual({ lines: 13, malformedLines: 0, malformed: [], unknownRecords: 0 });
    checkInvariants(s);
  });

  test("records without uuid fall back to file order; id from the session-id record", async () => {
    const s = await parse("no-uuid.jsonl");
    expect(s.id).toBe("plain-session");
    expect(shape(s)).toEqual(["prompt,text", "prompt,text"]);
    expect(s.models).toEqual([]);
    checkInvariants(s);
  });

  test("id falls back to the file name", () => {
    const s = parseClaudeText('{"type":"user","message":{"role":"user","content":"hi"}}\n', "/x/abc-123.jsonl");
    expect(s.id).toBe("abc-123");
  });
});

describe("assistant messages", () => {
  test("lines sharing message.id merge; usage once per message (max, not sum); models in order", async () => {
    const s = await parse("streaming.jsonl");
    expect(shape(s)).toEqual(["prompt,thinking,text,tool,thinking,thinking,text,text,text"]);
    expect(s.models).toEqual(["claude-opus-4-5", "claude-sonnet-4-5"]);
    // msg_A: max(10,10,10)=10 in, max(2,2,40)=40 out; msg_C: 3 in, 4 out, 7 cache creation.
    // msg_A and msg_B end with a record that has a stop_reason; msg_C's only record has none, so
    // its output count is a mid-reply figure.
    expect(s.usage["claude-opus-4-5"]).toEqual({ inputTokens: 13, outputTokens: 44, cacheReadTokens: 100, cacheCreationTokens: 57, replies: 2, midReplyOutputs: 1 });
    expect(s.usage["claude-sonnet-4-5"]).toEqual({ inputTokens: 5, outputTokens: 9, cacheReadTokens: 10, cacheCreationTokens: 0, replies: 1, midReplyOutputs: 0 });
    expect(s.usage["<synthetic>"]).toBeUndefined();
  });

  test("thinking: text kept; signed-empty and redacted -> encrypted; empty unsigned dropped", async () => {
    const t = ofKind(await parse("streaming.jsonl"), "thinking");
    expect(t.map((b) => [b.text, !!b.encrypted])).toEqual([
      ["Let me think about streaming.", false],
      ["", true],
      ["", true],
    ]);
  });

  test("text blocks carry the model; synthetic messages have none", async () => {
    const texts = ofKind(await parse("streaming.jsonl"), "text");
    expect(texts.map((b) => b.model)).toEqual(["claude-opus-4-5", "claude-sonnet-4-5", "claude-opus-4-5", undefined]);
  });
});

describe("user lines", () => {
  test("prompts (string and array), context wrappers stripped, isMeta ignored, commands, interrupts, images, queued prompts", async () => {
    const s = await parse("prompts.jsonl");
    expect(shape(s)).toEqual(["prompt,text", "command,image,prompt,text,notice", "prompt,text"]);
    expect(ofKind(s, "prompt").map((b) => b.text)).toEqual(["What does x.ts do?", "What is in this picture?", "also check y.ts"]);
    expect(ofKind(s, "command")[0]).toMatchObject({ name: "/model", args: "opus", output: "Set model to opus" });
    expect(ofKind(s, "image")[0]).toMatchObject({ mediaType: "image/png" });
    expect(ofKind(s, "image")[0].data).toStartWith("iVBORw0KGgo");
    expect(ofKind(s, "notice")[0]).toMatchObject({ level: "info", subtype: "interrupt", text: "[Request interrupted by user]" });
    expect(s.title).toBe("What does x.ts do?");
    checkInvariants(s);
  });
});

describe("unknown content", () => {
  test("unknown user parts and assistant blocks are kept raw, not counted as unknown records", () => {
    const L = (o: object) => JSON.stringify(o);
    const s = parseClaudeText(
      [
        L({ type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: [{ type: "text", text: "see doc" }, { type: "sculpture", source: { media_type: "model/stl", data: "JVBE" } }] } }),
        L({ type: "assistant", uuid: "u2", parentUuid: "u1", message: { id: "m", role: "assistant", content: [{ type: "hologram", beam: 1 }] } }),
      ].join("\n"),
    );
    expect(shape(s)).toEqual(["prompt,unknown,unknown"]);
    expect(ofKind(s, "unknown").map((u) => u.recordType)).toEqual(["sculpture", "hologram"]);
    expect(ofKind(s, "unknown")[1].raw).toEqual({ type: "hologram", beam: 1 });
    expect(s.stats.unknownRecords).toBe(0);
  });
});

describe("tool calls", () => {
  test("results attach by tool_use_id: string, array with image, is_error, before the call, parallel, orphan", async () => {
    const s = await parse("tools.jsonl");
    expect(shape(s)).toEqual(["prompt,tool,tool,tool,tool,tool,tool,tool,text"]);
    expect(tool(s, "toolu_str").result).toMatchObject({ text: "hi", isError: false, meta: { stdout: "hi" } });
    const arr = tool(s, "toolu_arr").result!;
    expect(arr.text).toBe("Read image (1 KB)\nsecond part");
    expect(arr.images).toHaveLength(1);
    expect(arr.images[0]).toMatchObject({ kind: "image", mediaType: "image/png" });
    expect(tool(s, "toolu_err").result).toMatchObject({ isError: true, meta: "Error: exit code 1" });
    const early = tool(s, "toolu_early");
    expect(early).toMatchObject({ name: "Grep", input: { pattern: "x" }, result: { text: "early result" } });
    expect(tool(s, "toolu_p1").result?.text).toBe("a.ts");
    expect(tool(s, "toolu_p2").result?.text).toBe("b.js");
    // a result whose call never came is kept
    expect(tool(s, "toolu_ghost")).toMatchObject({ name: "unknown", result: { text: "nobody called me" } });
    // meta only when the line has exactly one result
    expect(tool(s, "toolu_p1").result?.meta).toBeUndefined();
    checkInvariants(s);
  });

  test("a ToolSearch result names the tools it found", () => {
    const lines = [
      { type: "user", uuid: "u1", parentUuid: null, sessionId: "s", timestamp: "2026-05-01T10:00:00.000Z", message: { role: "user", content: "find a tool" } },
      { type: "assistant", uuid: "a1", parentUuid: "u1", sessionId: "s", timestamp: "2026-05-01T10:00:01.000Z", message: { id: "m1", model: "claude-opus-4-5", role: "assistant", content: [{ type: "tool_use", id: "toolu_ts", name: "ToolSearch", input: { query: "slack" } }] } },
      { type: "user", uuid: "u2", parentUuid: "a1", sessionId: "s", timestamp: "2026-05-01T10:00:02.000Z", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_ts", content: [{ type: "tool_reference", tool_name: "mcp__slack__send" }, { type: "tool_reference", tool_name: "mcp__slack__read" }] }] } },
    ];
    const s = parseClaudeText(lines.map((l) => JSON.stringify(l)).join("\n"));
    expect(tool(s, "toolu_ts").result?.text).toBe("mcp__slack__send\nmcp__slack__read");
  });
});

describe("file edits", () => {
  test("Edit / MultiEdit / Write / NotebookEdit become real diffs; failed edits have none", async () => {
    const s = await parse("edits.jsonl");
    const e = (id: string) => tool(s, id).edits?.[0];
    expect(e("toolu_e1")).toMatchObject({ path: "/p/a.txt", change: "update", added: 1, removed: 1 });
    expect(e("toolu_e1")!.hunks[0]).toMatchObject({ oldStart: 1, oldLines: 5, newStart: 1, newLines: 5 });
    // located in originalFile: real line numbers without a structuredPatch
    expect(e("toolu_e2")).toMatchObject({ added: 1, removed: 0 });
    expect(e("toolu_e2")!.hunks[0]).toMatchObject({ oldStart: 4, newStart: 4 });
    expect(e("toolu_m1")).toMatchObject({ path: "/p/c.txt", added: 2, removed: 2 });
    expect(e("toolu_w1")).toMatchObject({ path: "/p/new.txt", change: "create", added: 2, removed: 0 });
    expect(e("toolu_w2")).toMatchObject({ change: "update", added: 1, removed: 4 });
    expect(e("toolu_n1")).toMatchObject({ path: "/p/nb.ipynb", added: 2, removed: 0 });
    expect(tool(s, "toolu_bad").edits).toBeUndefined();
  });

  test("the whole file before an edit is not kept once the edits are made; the rest of toolUseResult is", async () => {
    const s = await parse("edits.jsonl");
    for (const id of ["toolu_e1", "toolu_e2", "toolu_m1", "toolu_w1", "toolu_w2"]) {
      const meta = tool(s, id).result?.meta as Record<string, unknown>;
      expect(meta).toBeObject();
      expect("originalFile" in meta).toBe(false);
      expect("originalFileContents" in meta).toBe(false);
    }
    // e2 has no structuredPatch: its hunks were placed with the original file before it went
    expect(tool(s, "toolu_e2").edits![0].hunks[0]).toMatchObject({ oldStart: 4, newStart: 4 });
    expect(tool(s, "toolu_e1").result?.meta).toMatchObject({ filePath: "/p/a.txt", oldString: "line 3", newString: "LINE THREE", userModified: false, replaceAll: false });
    expect(tool(s, "toolu_w2").result?.meta).toMatchObject({ type: "update", content: "line 1\nchanged\n" });
    expect(JSON.stringify(s)).not.toContain("originalFile");
  });

  test("edits are computed when first read, then are plain data; calls that edit nothing have none", async () => {
    const s = await parse("edits.jsonl");
    const e1 = tool(s, "toolu_e1");
    expect(typeof Object.getOwnPropertyDescriptor(e1, "edits")?.get).toBe("function");
    const viaJson = JSON.parse(JSON.stringify(e1)).edits;
    expect(viaJson).toEqual(e1.edits);
    expect(Object.getOwnPropertyDescriptor(e1, "edits")).toMatchObject({ writable: true, enumerable: true });
    expect(e1.edits).toBe(e1.edits!); // computed once
    const w1 = tool(s, "toolu_w1");
    w1.edits = [];
    expect(w1.edits).toEqual([]);
    expect({ ...tool(s, "toolu_e2") }.edits![0].path).toBe("/p/b.txt");
    for (const b of ofKind(s, "tool")) if (!["Edit", "MultiEdit", "Write", "NotebookEdit"].includes(b.name)) expect("edits" in b).toBe(false);
  });
});

describe("system records, compaction, titles, unknown and malformed", () => {
  test("notices, commands from local_command, compaction with its summary, unknowns, malformed lines", async () => {
    const s = await parse("system.jsonl");
    expect(shape(s)).toEqual(["prompt,notice,text,notice", "command,notice,compaction", "prompt,text,unknown,unknown,notice"]);
    const notices = ofKind(s, "notice");
    expect(notices[0]).toMatchObject({ level: "error", subtype: "api_error", text: "API error (ConnectionRefused), retry 2/10 in 1.2s" });
    expect(notices[1]).toMatchObject({ level: "info", subtype: "informational", text: "Hooks updated" });
    expect(notices[2]).toMatchObject({ level: "warning", subtype: "hook_blocking_error", text: "PreToolUse:Bash: blocked by policy" });
    expect(notices[3]).toMatchObject({ level: "error", subtype: "api_error", text: "API Error: 529 Overloaded" });
    expect(ofKind(s, "command")[0]).toMatchObject({ name: "/cost", output: "Total cost: $0.01" });
    const c = ofKind(s, "compaction")[0];
    expect(c).toMatchObject({ trigger: "manual", preTokens: 123456 });
    expect(c.summary).toStartWith("This session is being continued");
    // a compact summary is not a prompt
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["Start the work", "Continue after compaction"]);
    const unknown = ofKind(s, "unknown");
    expect(unknown.map((u) => u.recordType)).toEqual(["widget", "future-record"]);
    expect(unknown[1].raw).toEqual({ type: "future-record", uuid: "fut-1", something: [1, 2, 3] });
    expect(s.stats.unknownRecords).toBe(1);
    expect(s.stats.malformedLines).toBe(2);
    expect(s.stats.malformed.map((m) => m.line)).toEqual([17, 18]);
    expect(s.title).toBe("My own title");
    checkInvariants(s);
  });

  test("the session state Claude Code re-appends (tag, PR link, worktree, agent colour, ...) and the plan's file snapshot are bookkeeping, not unknown", () => {
    const sid = "s-meta";
    const lines = [
      { type: "user", uuid: "u1", parentUuid: null, sessionId: sid, timestamp: "2026-05-01T10:00:00.000Z", message: { role: "user", content: "ship it" } },
      { type: "system", subtype: "file_snapshot", content: "File snapshot", level: "info", isMeta: true, uuid: "f1", parentUuid: "u1", snapshotFiles: [{ key: "plan", path: "/p/plan.md", content: "# Plan" }] },
      { type: "tag", tag: "release", sessionId: sid },
      { type: "pr-link", sessionId: sid, prNumber: 12, prUrl: "https://github.com/o/r/pull/12", prRepository: "o/r", timestamp: "2026-05-01T10:01:00.000Z" },
      { type: "worktree-state", worktreeSession: { worktreePath: "/w" }, sessionId: sid },
      { type: "isolation-latch", side: "worktree", sessionId: sid },
      { type: "agent-color", agentColor: "blue", sessionId: sid },
      { type: "agent-setting", agentSetting: "reviewer", sessionId: sid },
      { type: "bridge-session", sessionId: sid, bridgeSessionId: "b1", lastSequenceNum: 3 },
      { type: "relocated", sessionId: sid, relocatedCwd: "/new/place" },
      { type: "content-replacement", sessionId: sid, replacements: [] },
      { type: "marble-origami-commit", sessionId: sid, id: "c1" },
      { type: "speculation-accept", timeSavedMs: 120 },
      // Claude Code 2.1.332's, as its transcript writer makes them.
      { type: "file-history-delta", messageId: "u1", snapshotMessageId: "u1", trackingPath: "/p/a.ts", backup: "a@v2", timestamp: "2026-05-01T10:01:01.000Z" },
      { type: "cost-state", sessionId: sid, totalCostUSD: 0.42, totalAPIDuration: 1200, totalLinesAdded: 3, totalLinesRemoved: 1 },
      { type: "memory-mode", mode: "on", afterUuid: "u1", timestamp: "2026-05-01T10:01:02.000Z", sessionId: sid },
      { type: "repl-mode", replMode: "default", sessionId: sid },
      { type: "session-owner", sessionId: sid, name: "dev" },
      { type: "hybrid-organization", organizationUuid: "o-1", sessionId: sid },
      { type: "dev-mods", folder: "/p/.mods", sessionId: sid },
      { type: "tools-used", tools: ["Bash"], sessionId: sid },
      { type: "data-flow-records", v: 1, sessionId: sid, records: [], snapshot: true },
      { type: "data-flow-incomplete", v: 1, sessionId: sid, codes: ["x"] },
      { type: "derived-from", v: 1, sessionId: sid, sessions: [{ type: "unknown", id: null, via: "import" }] },
      { type: "ended-by-model", timestamp: "2026-05-01T10:01:03.000Z", sessionId: sid },
      { type: "resume-head-vouch", sessionId: sid, sum: "abc" },
      { type: "observer-ref", sessionId: sid, timestamp: "2026-05-01T10:01:04.000Z" },
      { type: "api-request", sessionId: sid, id: "r1", timestamp: "2026-05-01T10:01:05.000Z", params: { messages: [{ role: "user", content: "ship it" }] } },
    ];
    const s = parseClaudeText(lines.map((l) => JSON.stringify(l)).join("\n"));
    expect(shape(s)).toEqual(["prompt"]);
    expect(s.stats.unknownRecords).toBe(0);
    // The PR link is kept as a fact of the session, and so is the cost Claude Code counted.
    expect(s.pullRequest).toEqual({ number: 12, url: "https://github.com/o/r/pull/12", repository: "o/r" });
    expect(s.costUsd).toBe(0.42);
  });

  test("messages relayed from a teammate or a channel are notices with their words, a tick is nothing, a # memory is a command", async () => {
    const s = await parse("relayed.jsonl");
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["Coordinate the release with the team", "Now tag the release"]);
    expect(ofKind(s, "notice").map((n) => [n.subtype, n.text])).toEqual([
      ["teammate-message", "Message from teammate reviewer: Review done\nThe changelog misses the migration note.\nEverything else looks good."],
      ["channel", "Message from slack\nShip it after lunch."],
    ]);
    expect(ofKind(s, "command").map((c) => [c.name, c.args])).toEqual([["#", "Releases go out after lunch"]]);
    // Pasted XML with such a tag but not Claude Code's attributes is the user's own prompt.
    expect(classifyUserText("<channel>\n<title>My feed</title>\n</channel>\nwhy is this RSS invalid?").kind).toBe("prompt");
    // Several messages in one text, escaped as Claude Code escapes them (attributes as XML, a closing tag in the words as <\/).
    const two = classifyUserText('<teammate-message teammate_id="a" summary="Said &quot;hi&quot;">\nfirst <\\/teammate-message> quoted\n</teammate-message>\n<teammate-message teammate_id="b">\nsecond\n</teammate-message>');
    expect(two).toEqual({ kind: "notice", level: "info", subtype: "teammate-message", text: 'Message from teammate a: Said "hi"\nfirst </teammate-message> quoted\n\nMessage from teammate b\nsecond' });
    expect(s.turns.length).toBe(2);
    const md = [...exportChunks(s, "md")].join("");
    expect(md).toContain("> The changelog misses the migration note.\n> Everything else looks good.");
    expect(md).not.toContain("09:30");
    checkInvariants(s);
  });

  test("documents: a Read PDF handed to the model is not shown twice, a result's PDF is a line, a text document keeps its words", () => {
    const pdf = { type: "document", source: { type: "base64", media_type: "application/pdf", data: "A".repeat(4096) } };
    const line = (o: Record<string, unknown>) => JSON.stringify({ sessionId: "s", timestamp: "2026-05-01T10:00:00.000Z", ...o });
    const s = parseClaudeText(
      [
        line({ type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: "read the spec" } }),
        line({ type: "assistant", uuid: "a1", parentUuid: "u1", message: { id: "m1", role: "assistant", model: "claude-x", content: [{ type: "tool_use", id: "t1", name: "Read", input: { file_path: "/s.pdf" } }] } }),
        line({ type: "user", uuid: "u2", parentUuid: "a1", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [pdf] }] } }),
        line({ type: "user", uuid: "u3", parentUuid: "u2", isMeta: true, message: { role: "user", content: [pdf] } }),
        line({ type: "user", uuid: "u4", parentUuid: "u3", message: { role: "user", content: [{ type: "text", text: "and this one" }, { type: "document", title: "notes.txt", source: { type: "text", media_type: "text/plain", data: "Ship on Friday." } }] } }),
      ].join("\n"),
    );
    expect(tool(s, "t1").result?.text).toBe("[document: application/pdf, 3 KB]");
    expect(ofKind(s, "unknown")).toEqual([]);
    expect(ofKind(s, "notice").map((n) => n.text)).toEqual(['[document "notes.txt": text/plain, 15 B]\nShip on Friday.']);
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["read the spec", "and this one"]);
  });

  test("saved memories and stopped background agents are notices, as Claude Code shows them", () => {
    const line = (o: Record<string, unknown>) => JSON.stringify({ sessionId: "s", timestamp: "2026-05-01T10:00:00.000Z", ...o });
    const s = parseClaudeText(
      [
        line({ type: "user", uuid: "u1", parentUuid: null, message: { role: "user", content: "remember this" } }),
        line({ type: "system", subtype: "memory_saved", uuid: "m1", parentUuid: "u1", writtenPaths: ["/home/u/.claude/memory/a.md"], isMeta: false }),
        line({ type: "system", subtype: "agents_killed", uuid: "k1", parentUuid: "m1", isMeta: false }),
      ].join("\n"),
    );
    expect(ofKind(s, "notice").map((n) => [n.level, n.text])).toEqual([
      ["info", "Saved 1 memory\n/home/u/.claude/memory/a.md"],
      ["warning", "All background agents stopped"],
    ]);
  });

  test("a hook's message and a stop it made are notices, worded as Claude Code shows them", () => {
    const att = (uuid: string, parent: string, attachment: Record<string, unknown>) => JSON.stringify({ type: "attachment", uuid, parentUuid: parent, sessionId: "s", timestamp: "2026-05-01T10:00:01.000Z", attachment });
    const s = parseClaudeText(
      [
        JSON.stringify({ type: "user", uuid: "u1", parentUuid: null, sessionId: "s", timestamp: "2026-05-01T10:00:00.000Z", message: { role: "user", content: "go" } }),
        att("h1", "u1", { type: "hook_system_message", content: "Formatting applied", hookName: "PostToolUse:Edit", toolUseID: "t1", hookEvent: "PostToolUse" }),
        att("h2", "h1", { type: "hook_stopped_continuation", message: "Tests must pass first", hookName: "PreToolUse:Bash", toolUseID: "t2", hookEvent: "PreToolUse" }),
        att("h3", "h2", { type: "hook_stopped_continuation", message: "done", hookName: "Stop", hookEvent: "Stop" }),
      ].join("\n"),
    );
    expect(ofKind(s, "notice").map((n) => [n.level, n.subtype, n.text])).toEqual([
      ["info", "hook_system_message", "PostToolUse:Edit says: Formatting applied"],
      ["warning", "hook_stopped_continuation", "PreToolUse:Bash hook stopped continuation: Tests must pass first"],
    ]);
  });

  test("server tool and MCP connector calls get their results; the API's compaction block is a compaction", async () => {
    const s = await parse("server-tools.jsonl");
    expect(ofKind(s, "tool").map((t) => [t.name, t.toolUseId, t.result?.text])).toEqual([
      ["web_search", "srvtoolu_01", expect.stringContaining("Release notes 2.0")],
      ["mcp__tracker__create_issue", "mcptoolu_01", "Created issue #41"],
    ]);
    expect(ofKind(s, "compaction").map((c) => c.summary)).toEqual(["The user wanted the 2.0 notes; issue #41 was filed."]);
    expect(s.stats.unknownRecords).toBe(0);
    expect(ofKind(s, "unknown")).toEqual([]);
    const listed = summarizeFile(join(FIX, "server-tools.jsonl"), "claude", undefined, { exactMaxBytes: 0 })!;
    expect(listed.tools).toEqual({ web_search: 1, mcp__tracker__create_issue: 1 });
  });

  test("title precedence: custom-title > ai-title > summary > first prompt, cut to one line", () => {
    const user = '{"type":"user","uuid":"u1","parentUuid":null,"message":{"role":"user","content":"the first prompt"}}';
    const summary = '{"type":"summary","summary":"A summary","leafUuid":"u1"}';
    const ai = '{"type":"ai-title","aiTitle":"AI title"}';
    const custom = '{"type":"custom-title","customTitle":"Custom title"}';
    expect(parseClaudeText([user, summary, ai, custom].join("\n")).title).toBe("Custom title");
    expect(parseClaudeText([user, summary, ai].join("\n")).title).toBe("AI title");
    expect(parseClaudeText([user, summary].join("\n")).title).toBe("A summary");
    expect(parseClaudeText(user).title).toBe("the first prompt");
    const long = JSON.stringify({ type: "user", message: { role: "user", content: "word ".repeat(60) + "\nnext line" } });
    const t = parseClaudeText(long).title;
    expect(t.length).toBeLessThanOrEqual(101);
    expect(t).not.toContain("\n");
  });

  test("a summary naming a leaf of this file wins over one about another session", () => {
    const user = '{"type":"user","uuid":"u1","parentUuid":null,"message":{"role":"user","content":"p"}}';
    const own = '{"type":"summary","summary":"Ours","leafUuid":"u1"}';
    const other = '{"type":"summary","summary":"Theirs","leafUuid":"zzz"}';
    expect(parseClaudeText([own, other, user].join("\n")).title).toBe("Ours");
  });
});

describe("ordering", () => {
  test("a rewind: the abandoned branch becomes its own turn just before the one that replaced it", async () => {
    const s = await parse("rewind.jsonl");
    expect(shape(s)).toEqual(["prompt,text", "prompt,tool,tool,text", "x:prompt,text", "prompt,text"]);
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["First question", "Use two tools", "Abandoned idea", "Better idea"]);
    // parallel tool results hanging off each call line are not rewinds
    expect(tool(s, "toolu_r1").result?.text).toBe("A");
    expect(s.title).toBe("First question");
    checkInvariants(s);
  });

  test("an abandoned branch written after the replacing branch is still placed before it", () => {
    const L = (o: object) => JSON.stringify(o);
    const u = (uuid: string, parentUuid: string | null, content: string) => L({ type: "user", uuid, parentUuid, message: { role: "user", content } });
    const a = (uuid: string, parentUuid: string, text: string) => L({ type: "assistant", uuid, parentUuid, message: { id: uuid, role: "assistant", content: [{ type: "text", text }] } });
    const s = parseClaudeText([u("1", null, "q1"), a("2", "1", "a1"), u("3", "2", "kept"), a("4", "3", "a-kept"), u("5", "2", "dropped"), a("6", "4", "a-kept-2")].join("\n"));
    expect(s.turns.map((t) => [t.abandoned ?? false, t.blocks.map((b) => ("text" in b ? b.text : ""))])).toEqual([
      [false, ["q1", "a1"]],
      [true, ["dropped"]],
      [false, ["kept", "a-kept", "a-kept-2"]],
    ]);
  });

  test("cycles and duplicate uuids do not hang or duplicate", () => {
    const L = (o: object) => JSON.stringify(o);
    const lines = [
      L({ type: "user", uuid: "a", parentUuid: "b", message: { role: "user", content: "one" } }),
      L({ type: "assistant", uuid: "b", parentUuid: "a", message: { id: "m", role: "assistant", content: [{ type: "text", text: "two" }] } }),
      L({ type: "assistant", uuid: "b", parentUuid: "a", message: { id: "m", role: "assistant", content: [{ type: "text", text: "two" }] } }),
    ];
    const s = parseClaudeText(lines.join("\n"));
    expect(shape(s)).toEqual(["prompt,text"]);
  });
});

describe("sub-agents", () => {
  test("inline sidechains become nested sessions on the Task call (matched by prompt); unclaimed ones are kept", async () => {
    const s = await parse("inline-sidechain.jsonl");
    const task = tool(s, "toolu_task1");
    expect(task.subAgent).toBeDefined();
    const sub = task.subAgent!;
    expect(sub.title).toBe("Analyse deps");
    expect(shape(sub)).toEqual(["prompt,tool,text"]);
    expect(tool(sub, "toolu_sg1").result?.text).toBe("package.json");
    expect(sub.models).toEqual(["claude-haiku-4-5"]);
    expect(sub.usage["claude-haiku-4-5"]).toMatchObject({ inputTokens: 15, outputTokens: 150 });
    // the parent's usage is its own
    expect(Object.keys(s.usage)).toEqual(["claude-opus-4-5"]);
    // sidechain lines are not in the main turns
    expect(shape(s)).toEqual(["prompt,tool,text,tool"]);
    const unclaimed = ofKind(s, "tool")[1];
    expect(unclaimed).toMatchObject({ name: "Task", input: { prompt: "Warmup" } });
    expect(shape(unclaimed.subAgent!)).toEqual(["prompt,text"]);
    checkInvariants(s);
  });

  test("sub-agent files (<id>/subagents/agent-*.jsonl and flat agent-*.jsonl) linked by agentId or prompt", async () => {
    const s = await parse("layout/0b9a1c2d-0000-4000-8000-000000000001.jsonl");
    const byId = tool(s, "toolu_ag1").subAgent!;
    expect(byId).toMatchObject({ agentId: "a1b2c3d", id: "a1b2c3d", title: "Poem one" });
    expect(byId.path).toEndWith("subagents/agent-a1b2c3d.jsonl");
    expect(ofKind(byId, "text")[0].text).toBe("Roses are red.");
    expect(byId.usage["claude-haiku-4-5"]).toMatchObject({ inputTokens: 2, outputTokens: 20 });
    // no agentId in the result: matched by prompt
    expect(tool(s, "toolu_ag2").subAgent).toMatchObject({ agentId: "b2c3d4e", title: "Poem two" });
    // old flat layout
    expect(tool(s, "toolu_ag3").subAgent).toMatchObject({ agentId: "f1a7000" });
    // the compaction helper agent is claimed by no call and left out
    expect(ofKind(s, "tool").every((t) => t.subAgent?.agentId !== "acompact-1")).toBe(true);
  });

  test("an agent-<id>.jsonl opened on its own is a session of its own, not a nested sidechain", async () => {
    const s = await parse("layout/0b9a1c2d-0000-4000-8000-000000000001/subagents/agent-a1b2c3d.jsonl");
    expect(s).toMatchObject({ id: "a1b2c3d", agentId: "a1b2c3d", title: "Write poem one" });
    expect(shape(s)).toEqual(["prompt,text"]);
  });

  test("subAgentFiles: false skips the files", async () => {
    const s = await parseClaudeSession(join(FIX, "layout/0b9a1c2d-0000-4000-8000-000000000001.jsonl"), { subAgentFiles: false });
    expect(tool(s, "toolu_ag1").subAgent).toBeUndefined();
  });
});

describe("files that are not sessions, and big ones", () => {
  test("empty file -> not-a-session", async () => {
    const err = await parse("empty.jsonl").catch((e) => e);
    expect(err).toBeInstanceOf(PankoError);
    expect(err.code).toBe("not-a-session");
    expect(err.message).toBe(`not a Claude Code or Codex session: ${join(FIX, "empty.jsonl")}`);
  });

  test("other JSON -> not-a-session", async () => {
    const err = await parse("not-a-session.jsonl").catch((e) => e);
    expect(err).toBeInstanceOf(PankoError);
    expect(err.code).toBe("not-a-session");
  });

  test("bookkeeping only (a summary-only file) -> not-a-session", () => {
    expect(() => parseClaudeText('{"type":"summary","summary":"x","leafUuid":"y"}\n{"type":"file-history-snapshot","messageId":"m"}\n')).toThrow(PankoError);
  });

  test("missing file -> not-found", async () => {
    const err = await parse("nope.jsonl").catch((e) => e);
    expect(err).toBeInstanceOf(PankoError);
    expect(err.code).toBe("not-found");
  });

  test("a big non-session file is rejected without reading it all", async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), "claude-"));
    const p = join(dir, "rows.jsonl");
    writeFileSync(p, '{"row":1,"value":"xxxxxxxx"}\n'.repeat(200_000));
    const err = await parseClaudeSession(p).catch((e) => e);
    expect(err.code).toBe("not-a-session");
  });

  test("a line of several MB (base64 image) streams fine", async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), "claude-"));
    const p = join(dir, "big.jsonl");
    const data = Buffer.alloc(6 * 1024 * 1024, 7).toString("base64"); // 8 MB of base64
    const lines = [
      { type: "user", uuid: "u1", parentUuid: null, sessionId: "big", message: { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "base64", media_type: "image/jpeg", data } }] } },
      { type: "assistant", uuid: "u2", parentUuid: "u1", sessionId: "big", message: { id: "m1", model: "claude-opus-4-5", role: "assistant", content: [{ type: "text", text: "a big picture" }] } },
    ];
    writeFileSync(p, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const s = await parseClaudeSession(p);
    expect(shape(s)).toEqual(["prompt,image,text"]);
    const img = ofKind(s, "image")[0];
    expect(img.mediaType).toBe("image/jpeg");
    expect(img.data!.length).toBe(data.length);
  });
});

describe("resumed sessions", () => {
  // resumed.jsonl: a conversation, then the copy Claude Code wrote of it on resume (new uuids, new
  // root, same timestamps and content; multi-part user messages split one part per record; only
  // one of two parallel calls kept), then the conversation going on from the copy's last uuid.
  test("the copy of the earlier conversation is skipped; what follows hangs from the original", async () => {
    const s = await parse("resumed.jsonl");
    expect(shape(s)).toEqual(["prompt,thinking,tool,tool,text,tool,text,notice,text", "prompt,text", "prompt,text", "prompt,text"]);
    // "commit!" typed again (another timestamp) stays twice
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["read plan.md and notes.md", "commit!", "commit!", "thanks"]);
    expect(s.turns.some((t) => t.abandoned)).toBe(false);
    expect(ofKind(s, "tool").map((t) => t.toolUseId)).toEqual(["toolu_a", "toolu_b", "toolu_task"]);
    expect(tool(s, "toolu_a").result?.text).toBe("plan");
    expect(tool(s, "toolu_b").result?.text).toBe("notes");
    // one sub-agent, on the original call; no unclaimed copy of it
    expect(tool(s, "toolu_task").subAgent?.turns.map((t) => t.blocks.map((b) => b.kind).join(","))).toEqual(["prompt,text"]);
    expect(ofKind(s, "tool").filter((t) => t.name === "Task")).toHaveLength(1);
    expect(s.usage["claude-opus-4-5"].outputTokens).toBe(5 * 8); // 8 message ids, counted once each
    expect(s.endedAt).toBe("2026-01-21T15:40:03.000Z");
    expect(s.title).toBe("Reading the plan");
    checkInvariants(s);
  });

  test("a copy at the end of the file (resumed, nothing new yet) adds nothing", async () => {
    const text = await Bun.file(join(FIX, "resumed.jsonl")).text();
    const lines = text.trim().split("\n");
    const s = parseClaudeText(lines.slice(0, lines.findIndex((l) => l.includes('"uuid":"n01"'))).join("\n"));
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["read plan.md and notes.md", "commit!"]);
    expect(s.endedAt).toBe("2026-01-21T15:31:01.000Z");
  });

  test("same content at another time is no replay; a replay keeps its place in the chain", () => {
    const L = (o: object) => JSON.stringify(o);
    const u = (uuid: string, parentUuid: string | null, ts: string, content: string) => L({ type: "user", uuid, parentUuid, timestamp: ts, message: { role: "user", content } });
    const a = (uuid: string, parentUuid: string, ts: string, id: string, text: string) =>
      L({ type: "assistant", uuid, parentUuid, timestamp: ts, message: { id, role: "assistant", content: [{ type: "text", text }] } });
    const s = parseClaudeText(
      [
        u("1", null, "T1", "again"),
        a("2", "1", "T2", "m1", "ok"),
        u("3", "2", "T3", "again"), // typed twice
        a("4", "3", "T4", "m2", "ok"),
        u("1c", null, "T1", "again"), // resume copy
        a("2c", "1c", "T2", "m1", "ok"),
        u("5", "2c", "T5", "branch from the first answer"), // a rewind made after resuming
        a("6", "5", "T6", "m3", "fine"),
      ].join("\n"),
    );
    expect(shape(s)).toEqual(["prompt,text", "x:prompt,text", "prompt,text"]);
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["again", "again", "branch from the first answer"]);
  });

  test("sub-agent files: a replayed part of the transcript is skipped too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "panko-resume-"));
    const L = (o: object) => JSON.stringify({ isSidechain: true, agentId: "r1", sessionId: "s", ...o });
    const u = (uuid: string, parentUuid: string | null, ts: string, content: unknown) => L({ type: "user", uuid, parentUuid, timestamp: ts, message: { role: "user", content } });
    const a = (uuid: string, parentUuid: string, ts: string, content: unknown[]) => L({ type: "assistant", uuid, parentUuid, timestamp: ts, message: { id: `m${ts}`, role: "assistant", content } });
    const lines = [
      u("1", null, "T1", "Find the bug"),
      a("2", "1", "T2", [{ type: "tool_use", id: "t1", name: "Grep", input: { pattern: "bug" } }]),
      u("3", "2", "T3", [{ type: "tool_result", tool_use_id: "t1", content: "x.ts:1" }]),
      u("1c", null, "T1", "Find the bug"),
      a("2c", "1c", "T2", [{ type: "tool_use", id: "t1", name: "Grep", input: { pattern: "bug" } }]),
      u("3c", "2c", "T3", [{ type: "tool_result", tool_use_id: "t1", content: "x.ts:1" }]),
      a("4", "3c", "T4", [{ type: "text", text: "It is in x.ts." }]),
    ];
    const file = join(dir, "agent-r1.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const s = await parseClaudeSession(file);
    expect(shape(s)).toEqual(["prompt,tool,text"]);
    expect(tool(s, "t1").result?.text).toBe("x.ts:1");
  });
});

describe("harness notices in user lines", () => {
  test("<task-notification> is a quiet notice: no prompt, no turn, no title", () => {
    const L = (o: object) => JSON.stringify(o);
    const note = (id: string, status: string, summary: string) =>
      `<task-notification>\n<task-id>${id}</task-id>\n<status>${status}</status>\n<summary>${summary}</summary>\n<result>Done. <command-name>/x</command-name></result>\n</task-notification>\nFull transcript available at: /tmp/tasks/${id}.output`;
    const s = parseClaudeText(
      [
        L({ type: "user", uuid: "1", parentUuid: null, message: { role: "user", content: note("aa5ef13", "completed", 'Agent "Poem about Thai green curry" completed') } }),
        L({ type: "assistant", uuid: "2", parentUuid: "1", message: { id: "m1", role: "assistant", content: [{ type: "text", text: "The poem is done." }] } }),
        L({ type: "user", uuid: "3", parentUuid: "2", message: { role: "user", content: "Write one more" } }),
        L({ type: "assistant", uuid: "4", parentUuid: "3", message: { id: "m2", role: "assistant", content: [{ type: "text", text: "Sure." }] } }),
        L({ type: "user", uuid: "5", parentUuid: "4", message: { role: "user", content: [{ type: "text", text: note("b1", "failed", 'Background command "make" failed with exit code 2') }] } }),
        L({ type: "attachment", uuid: "6", parentUuid: "5", attachment: { type: "queued_command", prompt: note("c2", "completed", 'Agent "x" completed') } }),
      ].join("\n"),
    );
    expect(shape(s)).toEqual(["notice,text", "prompt,text,notice,notice"]);
    expect(ofKind(s, "notice")).toMatchObject([
      { level: "info", subtype: "task-notification", text: 'Background task aa5ef13 completed: Agent "Poem about Thai green curry" completed' },
      { level: "warning", subtype: "task-notification", text: 'Background task b1 failed: Background command "make" failed with exit code 2' },
      { level: "info", subtype: "task-notification", text: 'Background task c2 completed: Agent "x" completed' },
    ]);
    expect(ofKind(s, "command")).toEqual([]);
    expect(s.title).toBe("Write one more");
  });

  test("a queued command is a prompt when somebody sent it (as Claude Code counts turns), else the harness's", () => {
    const L = (o: object) => JSON.stringify(o);
    const q = (uuid: string, parent: string, attachment: object) => L({ type: "attachment", uuid, parentUuid: parent, timestamp: `2026-01-10T10:00:0${uuid}.000Z`, attachment: { type: "queued_command", ...attachment } });
    const s = parseClaudeText(
      [
        L({ type: "user", uuid: "1", parentUuid: null, timestamp: "2026-01-10T10:00:01.000Z", message: { role: "user", content: "Start the job" } }),
        q("2", "1", { prompt: "typed while it worked" }),
        q("3", "2", { prompt: "typed, said to be human", origin: { kind: "human" } }),
        q("4", "3", { prompt: "keep going", origin: { kind: "auto-continuation" } }),
        q("5", "4", { prompt: "from the team channel", origin: { kind: "channel" } }),
        q("6", "5", { prompt: "from a sub-agent's task", origin: { kind: "peer", senderTaskId: "t1" } }),
        q("7", "6", { prompt: "meta text for the model", isMeta: true }),
        q("8", "7", { prompt: "a peer with no task", origin: { kind: "peer" } }),
        q("9", "8", { prompt: "<task-notification>\n<task-id>c9</task-id>\n<status>completed</status>\n</task-notification>", commandMode: "task-notification" }),
      ].join("\n"),
    );
    expect(ofKind(s, "prompt").map((b) => (b as { text: string }).text)).toEqual([
      "Start the job",
      "typed while it worked",
      "typed, said to be human",
      "keep going",
      "from the team channel",
      "from a sub-agent's task",
    ]);
    expect(ofKind(s, "notice")).toMatchObject([{ subtype: "task-notification", text: "Background task c9 completed" }]);
  });

  test("classifyUserText: notifications, caveats and reminder-only text are not prompts", () => {
    expect(classifyUserText("<bash-notification>\n<shell-id>bb6abe4</shell-id>\n<status>completed</status>\n<summary>Background command \"dev\" completed.</summary>\n</bash-notification>")).toEqual({
      kind: "notice",
      level: "info",
      subtype: "bash-notification",
      text: 'Background command bb6abe4 completed: Background command "dev" completed.',
    });
    expect(classifyUserText("<task-notification>\n<task-id>a</task-id>\n<status>completed</status>\n</task-notification>\n<task-notification>\n<task-id>b</task-id>\n<status>killed</status>\n</task-notification>")).toMatchObject({
      kind: "notice",
      level: "warning",
      text: "Background task a completed\nBackground task b killed",
    });
    expect(classifyUserText("<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>").kind).toBe("ignore");
    expect(classifyUserText("<system-reminder>Remember the todo list.</system-reminder>").kind).toBe("ignore");
    expect(classifyUserText("<user-prompt-submit-hook>hook said hi</user-prompt-submit-hook>").kind).toBe("ignore");
    expect(classifyUserText("what does <task-notification> mean?")).toEqual({ kind: "prompt", text: "what does <task-notification> mean?" });
  });
});

describe("command wrappers and prompts in a row (wrappers fixture)", async () => {
  const s = await parse("wrappers.jsonl");

  test("words around a command are a prompt after it; the command is a command", () => {
    expect(s.turns[0].blocks.map((b) => b.kind)).toEqual(["command", "prompt", "text"]);
    expect(s.turns[0].blocks[0]).toMatchObject({ kind: "command", name: "/review", args: "PR 12" });
    expect(s.turns[0].blocks[1]).toMatchObject({ kind: "prompt", text: "Please look at this first\n\nand then tell me what you think." });
    expect(s.title).toBe("Please look at this first and then tell me what you think.");
  });

  test("two prompts with no reply between are two turns", () => {
    expect(shape(s)).toEqual(["command,prompt,text", "command,prompt", "prompt,text", "prompt,text", "command,prompt,text"]);
    expect((s.turns[2].blocks[0] as { text: string }).text).toBe("Second question, sent before any reply.");
  });

  test('"(no content)" local output is no output; `!` input gets its output', () => {
    expect(ofKind(s, "command").map((c) => [c.name, c.args, c.output])).toEqual([
      ["/review", "PR 12", undefined],
      ["/model", "opus", undefined],
      ["!", "git status", "On branch main"],
    ]);
  });

  test("classifyUserText keeps the words around wrappers", () => {
    expect(classifyUserText("see <command-name>/x</command-name> here")).toEqual({ kind: "command", name: "/x", text: "see\nhere" });
    expect(classifyUserText("<command-name>/x</command-name><command-args>a</command-args>")).toEqual({ kind: "command", name: "/x", args: "a" });
    expect(classifyUserText("<local-command-stdout>(no content)</local-command-stdout>")).toEqual({ kind: "command", name: "" });
  });
});
