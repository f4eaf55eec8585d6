/** A hand-built session holding every block kind and every tool renderer, for the render tests. */
import type { Block, ImageBlock, Session, ToolBlock, Turn } from "../../src/sessions/model.ts";
import { emptyStats } from "../../src/sessions/model.ts";

export const PNG_1x1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

let n = 0;
const id = () => `b${++n}`;

export function tool(name: string, input: unknown, result?: Partial<ToolBlock["result"]> & { text?: string }, extra: Partial<ToolBlock> = {}): ToolBlock {
  const toolUseId = `toolu_${++n}`;
  return {
    kind: "tool",
    id: toolUseId,
    toolUseId,
    name,
    input,
    timestamp: "2026-01-21T15:31:00.000Z",
    result: result === undefined ? undefined : { text: "", images: [], isError: false, ...result },
    ...extra,
  };
}

export function session(turns: Block[][], over: Partial<Session> = {}): Session {
  return {
    id: "sess-1",
    source: "claude",
    path: "/tmp/sess-1.jsonl",
    title: "Fixture session",
    project: "/home/me/project",
    gitBranch: "main",
    version: "2.1.11",
    startedAt: "2026-01-21T15:30:00.000Z",
    endedAt: "2026-01-21T16:45:30.000Z",
    models: ["claude-opus-4-5"],
    usage: { "claude-opus-4-5": { inputTokens: 1200, outputTokens: 34000, cacheReadTokens: 2_500_000, cacheCreationTokens: 120_000 } },
    stats: emptyStats(),
    turns: turns.map((blocks, index): Turn => ({ index, id: `t${index}`, timestamp: "2026-01-21T15:30:00.000Z", blocks })),
    ...over,
  };
}

const image: ImageBlock = { kind: "image", id: "img1", mediaType: "image/png", data: PNG_1x1 };

export const longOutput = Array.from({ length: 120 }, (_, i) => `line ${i + 1}`).join("\n");

export function allKinds(): Session {
  const sub = session([[{ kind: "prompt", id: id(), text: "Find the config files" }, { kind: "text", id: id(), text: "Found **two** files." }, tool("Glob", { pattern: "**/*.json" }, { text: "a.json\nb.json" })]], {
    id: "agent-1",
    title: "sub",
    agentId: "a1",
  });
  const s = session([
    [
      { kind: "prompt", id: id(), text: "Please fix the bug in `parse.ts`\nand run the tests" },
      image,
      { kind: "thinking", id: id(), text: "Let me think about the parser first." },
      { kind: "thinking", id: id(), text: "", encrypted: true },
      { kind: "text", id: id(), text: "Sure. Here is the plan:\n\n1. read\n2. fix\n\n```ts\nconst x: number = 1; // one\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |", model: "claude-opus-4-5" },
      tool("Bash", { command: "bun test --bail", description: "Run the tests" }, { text: "\x1b[32mpass\x1b[0m 3 tests\n\x1b[31mfail\x1b[0m 1 test", isError: true }),
      tool("exec_command", { cmd: "ls -la", workdir: "/tmp" }, { text: "file1\nfile2" }),
      tool("Read", { file_path: "/home/me/project/src/parse.ts" }, { text: "     1→export function parse() {\n     2→  return 42;\n     3→}\n\n<system-reminder>\nWhenever you read a file...\n</system-reminder>\n" }),
      tool(
        "Edit",
        { file_path: "/home/me/project/src/parse.ts", old_string: "return 42;", new_string: "return 43;" },
        { text: "The file has been updated." },
        { edits: [{ path: "/home/me/project/src/parse.ts", change: "update", added: 1, removed: 1, hunks: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: [{ op: " ", text: "export function parse() {" }, { op: "-", text: "  return 42;" }, { op: "+", text: "  return 43;" }, { op: " ", text: "}" }] }] }] },
      ),
      tool("Write", { file_path: "/home/me/project/new.py", content: "print('hi')\n" }, { text: "File created" }, { edits: [{ path: "/home/me/project/new.py", change: "create", added: 1, removed: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, lines: [{ op: "+", text: "print('hi')" }] }] }] }),
      tool("apply_patch", "*** Begin Patch\n*** Update File: a.txt\n-x\n+y\n*** End Patch", { text: "Success." }, { edits: [{ path: "a.txt", change: "move", movePath: "b.txt", added: 1, removed: 1, hunks: [{ oldStart: 0, oldLines: 1, newStart: 0, newLines: 1, lines: [{ op: "-", text: "x" }, { op: "+", text: "y" }] }] }] }),
      tool("TodoWrite", { todos: [{ content: "Read the parser", status: "completed" }, { content: "Fix the bug", status: "in_progress" }, { content: "Run tests", status: "pending" }] }, { text: "Todos updated" }),
      tool("Grep", { pattern: "parse\\(", path: "src", glob: "*.ts" }, { text: "src/a.ts:1:parse(x)" }),
      tool("Glob", { pattern: "**/*.ts" }, { text: "src/a.ts\nsrc/b.ts" }),
      tool("WebSearch", { query: "bun markdown api" }, { text: "Results: ..." }),
      tool("WebFetch", { url: "https://bun.sh/docs", prompt: "Summarise" }, { text: "# Docs\nBun is fast." }),
      tool("Task", { description: "Find configs", prompt: "Look for config files", subagent_type: "Explore" }, { text: "I found **two** config files." }, { subAgent: sub }),
      tool("mcp__github__create_issue", { title: "Bug", body: "It broke" }, { text: '{"number": 12}' }),
      tool("SomethingNew", { alpha: 1, beta: [true, null] }, { text: "ok" }),
      tool("ExitPlanMode", { plan: "# Plan\n\n- step one" }, { text: "User approved" }),
      tool("AskUserQuestion", { questions: [{ question: "Which one?", options: [{ label: "A", description: "first" }] }] }, { text: "User answered A" }),
      tool("Screenshot", {}, { text: "", images: [image] }),
      tool("Bash", { command: "seq 120" }, { text: longOutput }),
      tool("Bash", { command: "sleep 100" }),
    ],
    [
      { kind: "command", id: id(), name: "/compact", args: "keep it short", output: "Compacted." },
      { kind: "compaction", id: id(), summary: "The user asked to fix **parse.ts**.", trigger: "manual", preTokens: 150000 },
      { kind: "notice", id: id(), level: "error", subtype: "api_error", text: "Overloaded (529)" },
      { kind: "notice", id: id(), level: "warning", subtype: "retry", text: "Retrying\nattempt 2 of 10" },
      { kind: "unknown", id: id(), recordType: "future-record", raw: { type: "future-record", x: 1 } },
      { kind: "text", id: id(), text: "Done." },
    ],
    [{ kind: "prompt", id: id(), text: "a rewound prompt" }, { kind: "text", id: id(), text: "rewound answer" }],
  ]);
  s.turns[2].abandoned = true;
  return s;
}
