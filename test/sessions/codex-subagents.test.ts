/**
 * Codex sub-agents nested under their spawn_agent calls: found by thread id (multi-agent v1) or by
 * agent path under this parent (v2), in the day folders the session spans; a forked sub-agent's
 * copy of the parent's history is left out; a missing one leaves the call as it was.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { exportChunks } from "../../src/cli/export.ts";
import { sessionCounts } from "../../src/sessions/counts.ts";
import type { Session, ToolBlock } from "../../src/sessions/model.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { FORKED_HISTORY_NOTE } from "../../src/sessions/codex/subagents.ts";
import { tempDir, writeJsonl } from "./helpers.ts";

const PARENT = "019a0000-0000-7000-8000-00000000a001";
const CHILD = "019a0000-0000-7000-8000-00000000c001";

const at = (t: string) => `2026-03-13T${t}.000Z`;
const meta = (id: string, t: string, source?: unknown) => ({ timestamp: at(t), type: "session_meta", payload: { id, timestamp: at(t), cwd: "/work/proj", originator: "codex_cli_rs", cli_version: "0.125.0", ...(source ? { source } : {}) } });
const spawnSource = (parent: string, agentPath?: string) => ({ subagent: { thread_spawn: { parent_thread_id: parent, depth: 1, agent_path: agentPath ?? null, agent_nickname: "Ada", agent_role: null } } });
const user = (t: string, text: string) => [
  { timestamp: at(t), type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text }] } },
  { timestamp: at(t), type: "event_msg", payload: { type: "user_message", message: text, images: [] } },
];
const answer = (t: string, text: string) => [
  { timestamp: at(t), type: "event_msg", payload: { type: "agent_message", message: text } },
  { timestamp: at(t), type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text }] } },
];
const call = (t: string, id: string, name: string, args: unknown, output: string) => [
  { timestamp: at(t), type: "response_item", payload: { type: "function_call", name, arguments: JSON.stringify(args), call_id: id } },
  { timestamp: at(t), type: "response_item", payload: { type: "function_call_output", call_id: id, output } },
];

/** A parent rollout that spawns one sub-agent whose call is answered with `output`. */
function parent(dir: string, output: string): string {
  return writeJsonl(join(dir, "2026", "03", "13", `rollout-2026-03-13T10-00-00-${PARENT}.jsonl`), [
    meta(PARENT, "10:00:00"),
    ...user("10:00:01", "Find the flaky test"),
    ...call("10:00:02", "call_spawn", "spawn_agent", { message: "Look through tests/ for timing bugs", agent_type: "explorer" }, output),
    ...answer("10:00:30", "The sub-agent found it."),
  ]);
}

/** A sub-agent rollout: its task, one command, its report. */
function childLines(source: unknown, t0 = "10:00:03"): unknown[] {
  return [
    meta(CHILD, t0, source),
    ...user("10:00:04", "Look through tests/ for timing bugs"),
    ...call("10:00:05", "call_c1", "exec_command", { cmd: "rg sleep tests" }, "Chunk ID: a\nWall time: 0.1 seconds\nProcess exited with code 0\nOutput:\ntests/net.test.ts:12: await sleep(10)\n"),
    ...answer("10:00:06", "tests/net.test.ts sleeps 10 ms and races."),
  ];
}

const spawnOf = (s: Session) => s.turns.flatMap((t) => t.blocks).find((b): b is ToolBlock => b.kind === "tool" && b.name === "spawn_agent")!;
const texts = (s: Session) => s.turns.flatMap((t) => t.blocks).map((b) => ("text" in b ? String(b.text) : b.kind === "tool" ? `${b.name}` : b.kind));

describe("Codex sub-agents", () => {
  test("v1: the rollout named by the call's agent_id is nested under the call, and counted as a sub-agent", async () => {
    const dir = tempDir("codex-sub-v1");
    const p = parent(dir, JSON.stringify({ agent_id: CHILD, nickname: "Ada" }));
    writeJsonl(join(dir, "2026", "03", "13", `rollout-2026-03-13T10-00-03-${CHILD}.jsonl`), childLines(spawnSource(PARENT)));
    const s = await parseSession(p);
    const sub = spawnOf(s).subAgent;
    expect(sub?.id).toBe(CHILD);
    expect(texts(sub!)).toEqual(["Look through tests/ for timing bugs", "exec_command", "tests/net.test.ts sleeps 10 ms and races."]);
    const counts = sessionCounts(s);
    expect([counts.toolCalls, counts.subAgents, counts.subAgentToolCalls]).toEqual([1, 1, 1]);
    const page = [...exportChunks(s, "html")].join("");
    expect(page).toContain("Sub-agent transcript");
    expect([...exportChunks(s, "md")].join("")).toContain("tests/net.test.ts sleeps 10 ms and races.");
  });

  test("v2: the rollout with this parent and the call's agent path, not another parent's child of the same path", async () => {
    const dir = tempDir("codex-sub-v2");
    const p = parent(dir, JSON.stringify({ task_name: "/root/find_flaky", nickname: "Ada" }));
    // Written after midnight UTC: the next day's folder.
    const other = "019a0000-0000-7000-8000-00000000d001";
    writeJsonl(join(dir, "2026", "03", "14", `rollout-2026-03-14T00-00-01-${other}.jsonl`), [meta(other, "10:00:03", spawnSource("019a0000-0000-7000-8000-0000000000ff", "/root/find_flaky")), ...user("10:00:04", "someone else's task")]);
    writeJsonl(join(dir, "2026", "03", "14", `rollout-2026-03-14T00-00-02-${CHILD}.jsonl`), childLines(spawnSource(PARENT, "/root/find_flaky")));
    const sub = spawnOf(await parseSession(p)).subAgent;
    expect(sub?.id).toBe(CHILD);
    expect(texts(sub!)[0]).toBe("Look through tests/ for timing bugs");
  });

  test("a forked sub-agent shows from its task on, without its copy of the parent's history", async () => {
    const dir = tempDir("codex-sub-fork");
    const p = parent(dir, JSON.stringify({ agent_id: CHILD, nickname: "Ada" }));
    const [m, ...own] = childLines(spawnSource(PARENT));
    writeJsonl(join(dir, "2026", "03", "13", `rollout-2026-03-13T10-00-03-${CHILD}.jsonl`), [
      m,
      ...user("10:00:01", "Find the flaky test"),
      ...call("10:00:02", "call_spawn", "spawn_agent", { message: "Look through tests/ for timing bugs", fork_context: true }, `${FORKED_HISTORY_NOTE} Treat the next user message as your new task, and use the forked history only as background context.`),
      ...own,
    ]);
    const sub = spawnOf(await parseSession(p)).subAgent!;
    expect(texts(sub)).toEqual(["Look through tests/ for timing bugs", "exec_command", "tests/net.test.ts sleeps 10 ms and races."]);
    expect(sub.turns.map((t) => t.index)).toEqual(sub.turns.map((_, i) => i));
  });

  test("a sub-agent that is not there (or a failed spawn) leaves the call as it was", async () => {
    const dir = tempDir("codex-sub-missing");
    const s = await parseSession(parent(dir, JSON.stringify({ agent_id: CHILD, nickname: "Ada" })));
    expect(spawnOf(s).subAgent).toBeUndefined();
    expect(spawnOf(s).result?.text).toContain(CHILD);
    const failed = await parseSession(parent(tempDir("codex-sub-failed"), "Agent depth limit reached. Solve the task yourself."));
    expect(spawnOf(failed).subAgent).toBeUndefined();
  });

  test("a rollout outside the day folders looks beside itself", async () => {
    const dir = tempDir("codex-sub-flat");
    const p = writeJsonl(join(dir, `rollout-2026-03-13T10-00-00-${PARENT}.jsonl`), [
      meta(PARENT, "10:00:00"),
      ...user("10:00:01", "Find the flaky test"),
      ...call("10:00:02", "call_spawn", "spawn_agent", { message: "Look through tests/ for timing bugs" }, JSON.stringify({ agent_id: CHILD })),
    ]);
    writeJsonl(join(dir, `rollout-2026-03-13T10-00-03-${CHILD}.jsonl`), childLines(spawnSource(PARENT)));
    expect(spawnOf(await parseSession(p)).subAgent?.id).toBe(CHILD);
  });
});
