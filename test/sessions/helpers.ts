/** Builders for session fixtures written into temp dirs by the tests (no real transcripts copied). */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function tempDir(name: string): string {
  const base = process.env.PANKO_TEST_ROOT ?? process.env.HOME!;
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${name}-`));
}

export function writeJsonl(path: string, records: unknown[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n");
  return path;
}

let clock = Date.parse("2025-03-01T10:00:00Z");
const ts = () => new Date((clock += 1000)).toISOString();

export const claude = {
  user(content: unknown, extra: Record<string, unknown> = {}) {
    return { parentUuid: null, isSidechain: false, userType: "external", cwd: "/work/proj", sessionId: "s", version: "2.1.0", gitBranch: "main", type: "user", message: { role: "user", content }, uuid: crypto.randomUUID(), timestamp: ts(), ...extra };
  },
  assistant(id: string, content: unknown[], extra: Record<string, unknown> = {}) {
    return { parentUuid: null, isSidechain: false, userType: "external", cwd: "/work/proj", sessionId: "s", version: "2.1.0", gitBranch: "main", message: { model: "claude-opus-4-5", id, type: "message", role: "assistant", content }, type: "assistant", uuid: crypto.randomUUID(), timestamp: ts(), ...extra };
  },
  tool(id: string, name: string, input: unknown = {}) {
    return { type: "tool_use", id, name, input };
  },
  result(id: string, content: unknown = "ok") {
    return claude.user([{ tool_use_id: id, type: "tool_result", content }]);
  },
};

/** A small but complete Claude Code session. */
export function claudeSession(prompt = "Fix the parser bug", extra: unknown[] = []): unknown[] {
  return [
    { type: "queue-operation", operation: "dequeue", timestamp: ts(), sessionId: "s" },
    claude.user(prompt),
    claude.assistant("msg_1", [{ type: "thinking", thinking: "hmm" }]),
    claude.assistant("msg_1", [{ type: "text", text: "Looking." }]),
    claude.assistant("msg_1", [claude.tool("toolu_1", "Read", { file_path: "/a" })]),
    claude.result("toolu_1"),
    claude.assistant("msg_2", [claude.tool("toolu_2", "Bash", { command: "ls" })]),
    claude.result("toolu_2"),
    claude.assistant("msg_3", [{ type: "text", text: "Done." }]),
    ...extra,
  ];
}

export const codex = {
  meta(id: string, cwd = "/work/codexproj") {
    const t = ts();
    return { timestamp: t, type: "session_meta", payload: { id, timestamp: t, cwd, originator: "codex_cli_rs", cli_version: "0.60.0", git: { branch: "dev" } } };
  },
  context(model = "gpt-5-codex") {
    return { timestamp: ts(), type: "turn_context", payload: { cwd: "/work/codexproj", model } };
  },
  userItem(text: string) {
    return { timestamp: ts(), type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text }] } };
  },
  userEvent(message: string) {
    return { timestamp: ts(), type: "event_msg", payload: { type: "user_message", message, images: [] } };
  },
  agentEvent(message: string) {
    return { timestamp: ts(), type: "event_msg", payload: { type: "agent_message", message } };
  },
  assistantItem(text: string) {
    return { timestamp: ts(), type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text }] } };
  },
  call(callId: string, name = "shell") {
    return { timestamp: ts(), type: "response_item", payload: { type: "function_call", name, arguments: "{}", call_id: callId } };
  },
};

export function codexSession(id: string, prompt = "list the files"): unknown[] {
  return [
    codex.meta(id),
    codex.userItem("<environment_context>\n  <cwd>/work/codexproj</cwd>\n</environment_context>"),
    codex.context(),
    codex.userItem(prompt),
    codex.userEvent(prompt),
    codex.call("call_1"),
    { timestamp: ts(), type: "response_item", payload: { type: "function_call_output", call_id: "call_1", output: "a\nb" } },
    codex.agentEvent("Two files."),
    codex.assistantItem("Two files."),
  ];
}
