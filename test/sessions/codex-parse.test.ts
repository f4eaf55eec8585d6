import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Block, PromptBlock, Session, TextBlock, ThinkingBlock, ToolBlock } from "../../src/sessions/model.ts";
import { parseCodexSession } from "../../src/sessions/codex/parse.ts";
import { buildCodexSession, patchText, sessionIdFromPath } from "../../src/sessions/codex/build.ts";
import { parseApplyPatch } from "../../src/sessions/codex/patch.ts";
import { headerExitCode, toToolResult } from "../../src/sessions/codex/output.ts";
import { classifyCodexUserText, stripIdeContext } from "../../src/sessions/codex/user.ts";
import { UNTITLED } from "../../src/sessions/title.ts";

const fixtures = join(import.meta.dir, "../fixtures/codex");
const blocks = (s: Session): Block[] => s.turns.flatMap((t) => t.blocks);
const ofKind = <K extends Block["kind"]>(s: Session, kind: K) => blocks(s).filter((b) => b.kind === kind) as Extract<Block, { kind: K }>[];
const tool = (s: Session, id: string) => ofKind(s, "tool").find((b) => b.toolUseId === id) as ToolBlock;

const rec = (type: string, payload: Record<string, unknown>, timestamp = "2025-01-01T00:00:00.000Z") => ({ timestamp, type, payload });
const userItem = (text: string) => rec("response_item", { type: "message", role: "user", content: [{ type: "input_text", text }] });
const userEvent = (message: string) => rec("event_msg", { type: "user_message", message });
const agentItem = (text: string) => rec("response_item", { type: "message", role: "assistant", content: [{ type: "output_text", text }] });
const agentEvent = (message: string) => rec("event_msg", { type: "agent_message", message });

describe("parseCodexSession on the full fixture", async () => {
  const s = await parseCodexSession(join(fixtures, "full.jsonl"));

  test("session fields", () => {
    expect(s.source).toBe("codex");
    expect(s.id).toBe("0199a000-1111-7222-8333-944445555666");
    expect(s.project).toBe("/home/dev/shop");
    expect(s.gitBranch).toBe("feature/cart");
    expect(s.version).toBe("0.40.0");
    expect(s.models).toEqual(["gpt-5-codex", "gpt-5"]);
    expect(s.startedAt).toBe("2025-09-01T10:00:00.000Z");
    expect(s.endedAt).toBe("2025-09-01T10:03:02.500Z");
    expect(s.title).toBe("Add a total() method to the cart");
    expect(s.path).toBe(join(fixtures, "full.jsonl"));
  });

  test("one prompt per real prompt, injections dropped, IDE preamble kept apart as context", () => {
    const prompts = ofKind(s, "prompt");
    expect(prompts.map((p) => p.text)).toEqual([
      "Add a   total() method to the cart",
      "Why does this screenshot fail?",
      "thanks",
      "thanks",
    ]);
    expect(prompts[0].context!.startsWith("# Context from my IDE setup:")).toBe(true);
    expect(prompts[0].context).not.toContain("My request for Codex");
    expect(prompts.some((p) => p.text.includes("My request for Codex"))).toBe(false);
    expect(blocks(s).some((b) => b.kind === "prompt" && /environment_context|user_instructions|AGENTS\.md|permissions/.test(b.text))).toBe(false);
  });

  test("a turn per prompt, opened by the prompt", () => {
    expect(s.turns.length).toBe(4);
    s.turns.forEach((t, i) => {
      expect(t.index).toBe(i);
      expect(t.blocks[0].kind).toBe("prompt");
      expect(t.id).toBe(t.blocks[0].id);
    });
  });

  test("agent messages deduplicated in either order", () => {
    expect(ofKind(s, "text").map((b) => b.text)).toEqual(["Added `total()` to the cart.", "Let me apply a fix.", "Done.", "Done."]);
    expect(ofKind(s, "text")[0].model).toBe("gpt-5-codex");
    expect(ofKind(s, "text")[1].model).toBe("gpt-5");
  });

  test("reasoning: summary events merged with the item, encrypted-only noted", () => {
    const thinking = ofKind(s, "thinking");
    expect(thinking.length).toBe(2);
    expect(thinking[0].text).toBe("**Reading the cart**\n\nI should look at cart.ts first.\n\n**Planning**\n\nThen add total().");
    expect(thinking[0].encrypted).toBeUndefined();
    expect(thinking[1]).toMatchObject({ text: "", encrypted: true });
  });

  test("tool calls with results attached by call_id", () => {
    const exec = tool(s, "call_exec1");
    expect(exec.name).toBe("exec_command");
    expect(exec.input).toEqual({ cmd: "cat src/cart.ts", workdir: "/home/dev/shop" });
    expect(exec.result?.isError).toBe(false);
    expect(exec.result?.text).toContain("export class Cart");

    const shell = tool(s, "call_shell1");
    expect(shell.input).toMatchObject({ command: ["bash", "-lc", "bun test"] });
    expect(shell.result).toMatchObject({ text: "1 fail\nerror: expected 3", isError: true, meta: { exit_code: 1 } });

    expect(tool(s, "call_local1")).toMatchObject({ name: "local_shell", input: { command: ["ls", "-la"] }, result: { text: "total 0" } });
    expect(tool(s, "ws_1")).toMatchObject({ name: "web_search", input: { query: "bun test snapshot" } });
    expect(tool(s, "ws_1").result).toBeUndefined();
    expect(tool(s, "call_raw").input).toBe("not json");
    expect(tool(s, "call_fnpatch").result?.isError).toBe(true);
  });

  test("tool result content items keep their images", () => {
    const view = tool(s, "call_view");
    expect(view.result?.text).toBe("shot.png");
    expect(view.result?.images).toEqual([expect.objectContaining({ kind: "image", mediaType: "image/jpeg", data: "/9j/4AAQ" })]);
  });

  test("prompt images, once", () => {
    const images = ofKind(s, "image");
    expect(images.length).toBe(1);
    expect(images[0]).toMatchObject({ mediaType: "image/png", data: "iVBORw0KGgo=" });
    expect(s.turns[1].blocks[1].kind).toBe("image");
  });

  test("apply_patch: add, update + move, update, delete in one patch", () => {
    const edits = tool(s, "call_patch1").edits!;
    expect(edits.map((e) => [e.path, e.change, e.added, e.removed])).toEqual([
      ["src/total.ts", "create", 3, 0],
      ["src/cart.ts", "move", 3, 1],
      ["README.md", "update", 1, 1],
      ["src/legacy.ts", "delete", 0, 0],
    ]);
    expect(edits[1].movePath).toBe("src/cart/index.ts");
    expect(edits[1].hunks.length).toBe(2);
    expect(edits[0].hunks[0]).toMatchObject({ oldStart: 0, oldLines: 0, newStart: 1, newLines: 3 });
    expect(edits[2].hunks[0]).toEqual({
      oldStart: 0,
      oldLines: 2,
      newStart: 0,
      newLines: 2,
      lines: [
        { op: " ", text: "# Shop" },
        { op: "-", text: "old line" },
        { op: "+", text: "new line" },
      ],
    });
  });

  test("apply_patch through shell, exec_command heredoc and function_call", () => {
    expect(tool(s, "call_shellpatch").edits).toEqual([
      expect.objectContaining({ path: "src/app.ts", change: "update", added: 1, removed: 1 }),
    ]);
    expect(tool(s, "call_execpatch").edits).toEqual([expect.objectContaining({ path: "notes.md", change: "create", added: 1 })]);
    expect(tool(s, "call_fnpatch").edits).toEqual([expect.objectContaining({ path: "tmp.txt", change: "delete" })]);
    expect(tool(s, "call_exec1").edits).toBeUndefined();
  });

  test("usage: last total, split by the model that was answering", () => {
    expect(s.usage).toEqual({
      "gpt-5-codex": { inputTokens: 600, cacheReadTokens: 400, outputTokens: 200, cacheCreationTokens: 0 },
      "gpt-5": { inputTokens: 1400, cacheReadTokens: 600, outputTokens: 300, cacheCreationTokens: 0 },
    });
    const sum = Object.values(s.usage).reduce((a, u) => a + u.inputTokens + u.cacheReadTokens, 0);
    expect(sum).toBe(3000);
  });

  test("compaction, notices, shell commands", () => {
    expect(ofKind(s, "compaction")).toEqual([expect.objectContaining({ summary: "Summary: cart total added; screenshot issue open." })]);
    expect(ofKind(s, "notice").map((n) => [n.level, n.subtype])).toEqual([
      ["error", "error"],
      ["warning", "turn_aborted"],
    ]);
    expect(ofKind(s, "command")).toEqual([expect.objectContaining({ name: "!", args: "git status", output: "clean" })]);
  });

  test("unknown records kept and counted; malformed lines counted", () => {
    const unknown = ofKind(s, "unknown");
    expect(unknown.map((u) => u.recordType)).toEqual([
      "function_call_output (no matching call)",
      "event_msg/hologram_update",
      "response_item/teleport_call",
      "future_record",
    ]);
    expect(s.stats.unknownRecords).toBe(3);
    expect(s.stats.malformedLines).toBe(1);
    expect(s.stats.malformed[0].line).toBe(24);
    expect(s.stats.lines).toBe(57);
  });

  test("block ids are unique", () => {
    const ids = blocks(s).map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("legacy rollouts (no envelope)", async () => {
  const s = await parseCodexSession(join(fixtures, "legacy.jsonl"));
  test("reads meta, prompt, reasoning, tool and answer", () => {
    expect(s.id).toBe("5b7a1c2e-0000-4000-8000-00000000abcd");
    expect(s.gitBranch).toBe("main");
    expect(s.title).toBe("rename foo to bar");
    expect(ofKind(s, "prompt").length).toBe(1);
    expect(ofKind(s, "thinking")[0].text).toBe("Searching for foo.");
    expect(tool(s, "call_a")).toMatchObject({ name: "shell", input: { command: ["rg", "foo"] }, result: { text: "src/x.ts:1:foo\n", isError: false } });
    expect(ofKind(s, "text")[0].text).toBe("Renamed.");
    expect(s.stats.unknownRecords).toBe(0);
  });
});

describe("dedupe rules", () => {
  test("prompt item then event, and event then item", () => {
    const s = buildCodexSession([userItem("a"), userEvent("a"), agentItem("x"), userEvent("b"), userItem("b"), agentEvent("y")], "/t/x.jsonl");
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["a", "b"]);
    expect(s.turns.length).toBe(2);
  });

  test("the same prompt typed twice stays twice", () => {
    const s = buildCodexSession([userEvent("go"), userItem("go"), agentEvent("ok"), agentItem("ok"), userEvent("go"), userItem("go")], "/t/x.jsonl");
    expect(ofKind(s, "prompt").length).toBe(2);
    expect(ofKind(s, "text").length).toBe(1);
  });

  test("one copy only (older files) is not dropped", () => {
    const s = buildCodexSession([userItem("q"), agentItem("same"), agentItem("same")], "/t/x.jsonl");
    expect(ofKind(s, "text").map((t) => t.text)).toEqual(["same", "same"]);
  });

  test("interleaved answer copies", () => {
    const s = buildCodexSession([userEvent("q"), agentEvent("one"), agentEvent("two"), agentItem("one"), agentItem("two")], "/t/x.jsonl");
    expect(ofKind(s, "text").map((t) => t.text)).toEqual(["one", "two"]);
  });

  test("reasoning item first, then its events", () => {
    const s = buildCodexSession(
      [
        userEvent("q"),
        rec("response_item", { type: "reasoning", summary: [{ type: "summary_text", text: "A" }, { type: "summary_text", text: "B" }], encrypted_content: "zz" }),
        rec("event_msg", { type: "agent_reasoning", text: "A" }),
        rec("event_msg", { type: "agent_reasoning", text: "B" }),
      ],
      "/t/x.jsonl",
    );
    expect(ofKind(s, "thinking").map((t: ThinkingBlock) => t.text)).toEqual(["A\n\nB"]);
  });

  test("records before the first prompt open turn 0", () => {
    const s = buildCodexSession([agentItem("hello"), userEvent("q")], "/t/x.jsonl");
    expect(s.turns.length).toBe(2);
    expect((s.turns[0].blocks[0] as TextBlock).text).toBe("hello");
    expect((s.turns[1].blocks[0] as PromptBlock).text).toBe("q");
    expect(s.title).toBe("q");
  });

  test("no prompt: a fallback title, id from the file name", () => {
    const s = buildCodexSession([], "/x/rollout-2025-05-01T10-00-00-0197aaaa-bbbb-7ccc-8ddd-eeeeffff0000.jsonl");
    expect(s.title).toBe(UNTITLED);
    expect(s.id).toBe("0197aaaa-bbbb-7ccc-8ddd-eeeeffff0000");
    expect(s.turns).toEqual([]);
  });
});

describe("apply_patch parser", () => {
  test("empty patch", () => {
    expect(parseApplyPatch("*** Begin Patch\n*** End Patch\n")).toEqual([]);
  });
  test("first hunk without @@, several hunks, End of File marker", () => {
    const [e] = parseApplyPatch("*** Begin Patch\n*** Update File: a.py\n def f():\n-    return 1\n+    return 2\n@@ class B:\n-x\n+y\n*** End of File\n*** End Patch");
    expect(e.hunks.length).toBe(2);
    expect(e.hunks[0]).toMatchObject({ oldLines: 2, newLines: 2 });
    expect([e.added, e.removed]).toEqual([2, 2]);
  });
  test("not a patch", () => {
    expect(parseApplyPatch("hello")).toEqual([]);
  });
  test("patchText finds patches in shell commands only when apply_patch runs", () => {
    expect(patchText("shell", { command: ["bash", "-lc", "apply_patch <<'P'\n*** Begin Patch\n*** Delete File: x\n*** End Patch\nP"] })).toBe(
      "*** Begin Patch\n*** Delete File: x\n*** End Patch",
    );
    expect(patchText("shell", { command: ["cat", "notes.md"] })).toBeNull();
    expect(patchText("exec_command", { cmd: "grep -r 'Begin Patch' ." })).toBeNull();
  });
});

describe("tool outputs", () => {
  const ctx = { nextId: () => "i" };
  test("plain string, headers decide errors", () => {
    expect(toToolResult("Process exited with code 2\nOutput:\nboom", ctx)).toMatchObject({ isError: true, meta: { exit_code: 2 } });
    expect(toToolResult("Exit code: 0\nWall time: 1s\nOutput:\nok", ctx).isError).toBe(false);
    expect(toToolResult("plain text", ctx)).toEqual({ text: "plain text", images: [], isError: false });
    expect(headerExitCode("Output:\nProcess exited with code 1")).toBeUndefined();
  });
  test("the unified exec header is unwrapped: output alone, exit code and wall time as meta", () => {
    const r = toToolResult("Chunk ID: abc\nWall time: 0.0100 seconds\nProcess exited with code 1\nOriginal token count: 3\nOutput:\nfile1.txt\nfile2.txt\n", ctx);
    expect(r).toEqual({ text: "file1.txt\nfile2.txt\n", images: [], isError: true, meta: { chunk_id: "abc", wall_time_seconds: 0.01, exit_code: 1 } });
    const running = toToolResult("Chunk ID: 07acea\nWall time: 5.0019 seconds\nProcess running with session ID 55249\nOriginal token count: 2\nOutput:\n500/700\n", ctx);
    expect(running).toMatchObject({ text: "500/700\n", isError: false, meta: { session_id: "55249" } });
    // Not a header: text that only mentions such lines is kept whole.
    expect(toToolResult("Output:\nChunk ID: x", ctx).text).toBe("Output:\nChunk ID: x");
    expect(toToolResult("hello\nChunk ID: x\nOutput:\ny", ctx).text).toBe("hello\nChunk ID: x\nOutput:\ny");
  });
  test("commentary and final answers are told apart (message phase, either copy)", () => {
    const phased = (text: string, phase: string) => rec("response_item", { type: "message", role: "assistant", content: [{ type: "output_text", text }], phase });
    const s = buildCodexSession(
      [userEvent("go"), userItem("go"), agentEvent("Looking."), phased("Looking.", "commentary"), phased("Done.", "final_answer"), agentEvent("Done."), agentItem("plain")],
      "/t/x.jsonl",
    );
    expect(ofKind(s, "text").map((t) => [t.text, t.phase])).toEqual([
      ["Looking.", "commentary"],
      ["Done.", "final"],
      ["plain", undefined],
    ]);
  });
  test("object forms", () => {
    expect(toToolResult({ output: "x", metadata: { exit_code: 0 } }, ctx)).toMatchObject({ text: "x", isError: false });
    expect(toToolResult({ content: "nope", success: false }, ctx)).toMatchObject({ text: "nope", isError: true });
    expect(toToolResult('{"output":"y","metadata":{"exit_code":3}}', ctx)).toMatchObject({ text: "y", isError: true });
    expect(toToolResult('{"not":"an output"}', ctx).text).toBe('{"not":"an output"}');
  });
});

describe("user text", () => {
  test("IDE preamble", () => {
    expect(stripIdeContext("# Context from my IDE setup:\n\n## Active file: a\n\n## My request for Codex:\nfix it\n")).toBe("fix it");
    expect(stripIdeContext("just text")).toBe("just text");
  });
  test("injections are not prompts", () => {
    expect(classifyCodexUserText("<environment_context>x</environment_context>").kind).toBe("ignore");
    expect(classifyCodexUserText("<user_instructions>x</user_instructions>").kind).toBe("ignore");
    expect(classifyCodexUserText("# AGENTS.md instructions for /x\n\n<INSTRUCTIONS>\n...\n</INSTRUCTIONS>").kind).toBe("ignore");
    // As Codex judges: it must begin and end so. A prompt the user starts with such a tag is theirs.
    expect(classifyCodexUserText("<skill> tags in my parser break, why?").kind).toBe("prompt");
    expect(classifyCodexUserText("<environment_context> is what I want to print").kind).toBe("prompt");
    expect(classifyCodexUserText("<turn_aborted>gone</turn_aborted>")).toEqual({ kind: "aborted", text: "gone" });
    expect(classifyCodexUserText("<div>html is fine</div>").kind).toBe("prompt");
  });
  test("what newer Codex injects for the model is not a prompt either (matched ignoring case, as Codex does)", () => {
    for (const text of [
      "<skill>\n<name>demo</name>\n<path>skills/demo/SKILL.md</path>\nbody\n</skill>",
      '<subagent_notification>{"agent_id":"a","status":"completed"}</subagent_notification>',
      "<SUBAGENT_NOTIFICATION>{}</subagent_notification>",
      "<additional_context>\n<title>Context from my editor</title>\n</additional_context>",
      "<extension_context>\n<example>data</example>\n</extension_context>",
      '<codex_internal_context source="extension">\nInternal steering.\n</codex_internal_context>',
      "<recommended_plugins>\n- Google Drive\n</recommended_plugins>",
      "<ENVIRONMENT_CONTEXT><cwd>/x</cwd></ENVIRONMENT_CONTEXT>",
    ]) {
      expect([text, classifyCodexUserText(text).kind]).toEqual([text, "ignore"]);
    }
    // Injected between two prompts, a skill opens no turn and is no prompt.
    const s = buildCodexSession([userItem("first"), userItem("<skill>\n<name>demo</name>\nbody\n</skill>"), agentItem("ok"), userItem("second")], "/t/x.jsonl");
    expect(ofKind(s, "prompt").map((p) => p.text)).toEqual(["first", "second"]);
    expect(s.turns.length).toBe(2);
  });
  test("session id from a rollout name", () => {
    expect(sessionIdFromPath("/a/other.jsonl")).toBe("other");
  });
});

describe("aborted turns", () => {
  test("the event and the <turn_aborted> message make one notice", () => {
    const s = buildCodexSession(
      [userEvent("q"), rec("event_msg", { type: "turn_aborted", reason: "interrupted" }), userItem("<turn_aborted>\nThe user interrupted.\n</turn_aborted>")],
      "/t/x.jsonl",
    );
    expect(ofKind(s, "notice").map((n) => n.text)).toEqual(["Turn aborted: interrupted"]);
    expect(ofKind(s, "prompt").length).toBe(1);
  });
});

/** Records newer Codex versions persist (codex-rs rollout policy): image generation, thread names, rollbacks, remote compaction. */
describe("newer Codex records", async () => {
  const s = await parseCodexSession(join(fixtures, "newer-events.jsonl"));

  test("the thread's name is the title; the first prompt stays the first prompt", () => {
    expect(s.title).toBe("Poster artwork");
    expect(ofKind(s, "prompt")[0].text).toBe("Draw a small blue square for the poster");
    expect(s.stats.unknownRecords).toBe(0);
  });

  test("an image generation is one call (item and end event), the prompt as input, the picture as result", () => {
    const calls = ofKind(s, "tool").filter((c) => c.name === "image_generation");
    expect(calls.map((c) => [c.name, c.toolUseId])).toEqual([["image_generation", "ig_0001"]]);
    expect(calls[0].input).toEqual({ prompt: "A tiny blue square on white" });
    expect(calls[0].result?.isError).toBe(false);
    expect(calls[0].result?.images.map((i) => [i.mediaType, i.data?.slice(0, 8)])).toEqual([["image/png", "iVBORw0K"]]);
  });

  test("a namespaced call (an MCP server's tool) is named namespace__name, as Codex names it", () => {
    expect(tool(s, "call_up1")).toMatchObject({ name: "mcp__board__upload_image", input: { image: "ig_0001" }, result: { text: "Uploaded to the poster board" } });
  });

  test("a tool search is a call with the tools it found as its result", () => {
    expect(tool(s, "ts_0001")).toMatchObject({ name: "tool_search", input: { query: "image upload", limit: 2 }, result: { text: "upload_image: Upload an image to the poster board" } });
  });

  test("the end event alone makes the call too; a failed one is an error", () => {
    const ended = buildCodexSession(
      [userEvent("draw"), rec("event_msg", { type: "image_generation_end", call_id: "ig_9", status: "completed", result: "iVBORw0KGgo=", saved_path: "/tmp/ig_9.png" })],
      "/t/x.jsonl",
    );
    expect(tool(ended, "ig_9").result).toMatchObject({ text: "saved to /tmp/ig_9.png", isError: false });
    expect(tool(ended, "ig_9").result?.images.length).toBe(1);
    // An item still generating, then its end event: one call, with the picture.
    const later = buildCodexSession(
      [
        userEvent("draw"),
        rec("response_item", { type: "image_generation_call", id: "ig_7", status: "generating", revised_prompt: "a dot", result: "" }),
        rec("event_msg", { type: "image_generation_end", call_id: "ig_7", status: "completed", result: "iVBORw0KGgo=" }),
      ],
      "/t/x.jsonl",
    );
    expect(ofKind(later, "tool").length).toBe(1);
    expect(tool(later, "ig_7")).toMatchObject({ input: { prompt: "a dot" }, result: { isError: false } });
    expect(tool(later, "ig_7").result?.images.length).toBe(1);
    const failed = buildCodexSession([userEvent("draw"), rec("response_item", { type: "image_generation_call", id: "ig_8", status: "failed", result: "" })], "/t/x.jsonl");
    expect(tool(failed, "ig_8").result).toMatchObject({ text: "status: failed", isError: true, images: [] });
  });

  test("a rolled-back turn stays, marked as rewound; the turns around it do not", () => {
    expect(s.turns.map((t) => [(t.blocks.find((b) => b.kind === "prompt") as PromptBlock | undefined)?.text, t.abandoned === true])).toEqual([
      ["Draw a small blue square for the poster", false],
      ["Make it red instead", true],
      ["Make it green instead", false],
    ]);
    const two = buildCodexSession([userEvent("a"), agentEvent("1"), userEvent("b"), agentEvent("2"), userEvent("c"), rec("event_msg", { type: "thread_rolled_back", num_turns: 2 })], "/t/x.jsonl");
    expect(two.turns.map((t) => t.abandoned === true)).toEqual([false, true, true]);
    // More turns than there are: all of them, nothing thrown.
    const all = buildCodexSession([userEvent("a"), rec("event_msg", { type: "thread_rolled_back", num_turns: 5 })], "/t/x.jsonl");
    expect(all.turns.map((t) => t.abandoned)).toEqual([true]);
  });

  test("a remote compaction (compaction item, then the compacted record) is one marker", () => {
    expect(ofKind(s, "compaction").length).toBe(1);
    const local = buildCodexSession([userEvent("a"), rec("compacted", { message: "The summary." })], "/t/x.jsonl");
    expect(ofKind(local, "compaction").map((c) => c.summary)).toEqual(["The summary."]);
  });

  test("a thread name set to nothing gives the title back to the first prompt", () => {
    const cleared = buildCodexSession(
      [userEvent("first prompt"), rec("event_msg", { type: "thread_name_updated", thread_id: "t", thread_name: "Named" }), rec("event_msg", { type: "thread_name_updated", thread_id: "t" })],
      "/t/x.jsonl",
    );
    expect(cleared.title).toBe("first prompt");
  });
});
