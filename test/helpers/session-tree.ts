/** Small session trees on disk (under the test's temp HOME) for discovery and CLI tests. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function writeLines(path: string, records: unknown[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

/** A minimal Claude Code session: one prompt, one streamed answer with a tool call and its result. */
export function claudeSession(opts: { id: string; cwd: string; prompt: string; at: string; branch?: string }): unknown[] {
  const base = { sessionId: opts.id, cwd: opts.cwd, gitBranch: opts.branch ?? "main", version: "2.1.0", userType: "external", isSidechain: false };
  const t = (s: number) => new Date(Date.parse(opts.at) + s * 1000).toISOString();
  return [
    { ...base, type: "user", uuid: `${opts.id}-u1`, parentUuid: null, timestamp: t(0), message: { role: "user", content: opts.prompt } },
    {
      ...base,
      type: "assistant",
      uuid: `${opts.id}-a1`,
      parentUuid: `${opts.id}-u1`,
      timestamp: t(2),
      message: { id: `msg_${opts.id}`, role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: "Looking." }], usage: { input_tokens: 10, output_tokens: 5 } },
    },
    {
      ...base,
      type: "assistant",
      uuid: `${opts.id}-a2`,
      parentUuid: `${opts.id}-a1`,
      timestamp: t(3),
      message: {
        id: `msg_${opts.id}`,
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [{ type: "tool_use", id: `toolu_${opts.id}`, name: "Bash", input: { command: "ls" } }],
        usage: { input_tokens: 10, output_tokens: 5 },
      },
    },
    {
      ...base,
      type: "user",
      uuid: `${opts.id}-u2`,
      parentUuid: `${opts.id}-a2`,
      timestamp: t(4),
      message: { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${opts.id}`, content: "README.md\nsrc" }] },
    },
  ];
}

/** A minimal Codex rollout. */
export function codexSession(opts: { id: string; cwd: string; prompt: string; at: string }): unknown[] {
  const t = (s: number) => new Date(Date.parse(opts.at) + s * 1000).toISOString();
  return [
    { timestamp: t(0), type: "session_meta", payload: { id: opts.id, cwd: opts.cwd, cli_version: "0.50.0", git: { branch: "dev" } } },
    { timestamp: t(0), type: "turn_context", payload: { cwd: opts.cwd, model: "gpt-5-codex" } },
    { timestamp: t(1), type: "event_msg", payload: { type: "user_message", message: opts.prompt } },
    { timestamp: t(1), type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: opts.prompt }] } },
    { timestamp: t(2), type: "response_item", payload: { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_1" } },
    { timestamp: t(3), type: "response_item", payload: { type: "function_call_output", call_id: "call_1", output: '{"output":"a\\nb","metadata":{"exit_code":0}}' } },
    { timestamp: t(4), type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: "Two files." }] } },
  ];
}

/** Writes two Claude sessions and one Codex rollout under HOME; returns their paths. */
export function writeSampleTree(home: string) {
  const claudeA = writeLines(
    join(home, ".claude/projects/-work-alpha/aaaa1111-0000-4000-8000-000000000001.jsonl"),
    claudeSession({ id: "aaaa1111-0000-4000-8000-000000000001", cwd: "/work/alpha", prompt: "Fix the login bug in alpha", at: "2026-01-02T10:00:00Z" }),
  );
  const claudeB = writeLines(
    join(home, ".claude/projects/-work-beta/aaaa2222-0000-4000-8000-000000000002.jsonl"),
    claudeSession({ id: "aaaa2222-0000-4000-8000-000000000002", cwd: "/work/beta", prompt: "Write tests for beta", at: "2026-01-03T10:00:00Z" }),
  );
  const codex = writeLines(
    join(home, ".codex/sessions/2026/01/04/rollout-2026-01-04T10-00-00-bbbb3333-0000-4000-8000-000000000003.jsonl"),
    codexSession({ id: "bbbb3333-0000-4000-8000-000000000003", cwd: "/work/gamma", prompt: "Explain gamma's build", at: "2026-01-04T10:00:00Z" }),
  );
  return { claudeA, claudeB, codex };
}

/**
 * 40 Claude sessions of ~600 KB under `home`'s ~/.claude/projects (four projects): more bytes than
 * a cold `list` reads on one thread alone, so it summarizes some in its worker.
 */
export function writeWorkerTree(home: string): void {
  const pad = "x".repeat(600 * 1024);
  for (let i = 0; i < 40; i++) {
    const id = `0000${i.toString().padStart(4, "0")}-0000-4000-8000-000000000000`;
    const recs = claudeSession({ id, cwd: `/p${i % 4}`, prompt: `prompt ${i} ${pad}`, at: `2026-01-0${1 + (i % 9)}T10:00:00Z` });
    writeLines(join(home, ".claude/projects", `-p${i % 4}`, `${id}.jsonl`), recs);
  }
}
