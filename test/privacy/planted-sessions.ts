/**
 * Sessions with the planted secrets (planted.ts) in every place a secret can sit: a Claude Code
 * session (prompt, title, assistant text, thinking, tool input, tool result, toolUseResult,
 * Write / Edit / MultiEdit diffs with structuredPatch and originalFile, a key file written and
 * edited, a sub-agent inline and one in its own file) and a Codex rollout (prompt, apply_patch
 * adding files, a shell call and its output).
 */
import { join } from "node:path";
import { writeLines } from "../helpers/session-tree.ts";
import { mix } from "./samples.ts";
import { pemKey, plantedSecrets, plantedText, type Planted } from "./planted.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export interface PlantedFixture {
  claude: string;
  codex: string;
  planted: Planted[];
}

export function writePlantedSessions(dir: string): PlantedFixture {
  const planted = plantedSecrets();
  const text = plantedText();
  const lines = text.split("\n");
  // a title the cut at 100 characters would split: the token starts at character 90
  const titleToken = "ghp_" + mix(36, 901);
  const prompt = `${"Deploy the service to production and report back when it is finished, using ".padEnd(90, ".")}${titleToken} now.\n\n${text}`;
  // a key file written as bare base64 lines (no header), and one of its lines edited
  const bare = Array.from({ length: 4 }, (_, i) => mix(64, 950 + i, B64));
  const edited = pemKey(12);
  const extra: Planted[] = [
    { name: "title token", shape: "", secret: titleToken },
    ...bare.map((s, i) => ({ name: `bare key line ${i + 1}`, shape: "", secret: s })),
    ...edited.body.slice(0, 2).map((s, i) => ({ name: `edited key line ${i + 1}`, shape: "", secret: s })),
  ];

  const id = "eeee5555-0000-4000-8000-000000000005";
  const base = { sessionId: id, cwd: "/work/planted", gitBranch: "main", version: "2.1.0", userType: "external", isSidechain: false };
  let n = 0;
  let parent: string | null = null;
  const t = () => new Date(Date.parse("2026-03-01T10:00:00Z") + n * 1000).toISOString();
  const rec = (r: Record<string, unknown>) => {
    const uuid = `${id}-r${++n}`;
    const out = { ...base, uuid, parentUuid: parent, timestamp: t(), ...r };
    parent = uuid;
    return out;
  };
  const assistant = (content: unknown[]) => rec({ type: "assistant", message: { id: `msg_${n}`, role: "assistant", model: "claude-sonnet-4-5", content, usage: { input_tokens: 1, output_tokens: 1 } } });
  const result = (toolId: string, content: string, toolUseResult?: unknown) =>
    rec({ type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolId, content }] }, ...(toolUseResult ? { toolUseResult } : {}) });
  const patch = (old: string[], neu: string[]) => [{ oldStart: 1, oldLines: old.length, newStart: 1, newLines: neu.length, lines: [...old.map((l) => "-" + l), ...neu.map((l) => "+" + l)] }];

  const taskPrompt = "Check the deploy configuration files";
  const records: unknown[] = [
    rec({ type: "user", message: { role: "user", content: prompt } }),
    assistant([{ type: "thinking", thinking: `Thinking it over.\n${text}`, signature: "sig" }]),
    assistant([{ type: "text", text: `Here is what I found:\n${text}` }]),
    assistant([{ type: "tool_use", id: "toolu_bash", name: "Bash", input: { command: text, description: "print config" } }]),
    result("toolu_bash", text, { stdout: text, stderr: "", interrupted: false }),
    assistant([{ type: "tool_use", id: "toolu_write", name: "Write", input: { file_path: "/work/planted/secrets.env", content: text } }]),
    result("toolu_write", "File created successfully", { type: "create", filePath: "/work/planted/secrets.env", content: text, structuredPatch: patch([], lines) }),
    assistant([{ type: "tool_use", id: "toolu_edit", name: "Edit", input: { file_path: "/work/planted/config.ini", old_string: "timeout = 30", new_string: text } }]),
    result("toolu_edit", "The file has been updated.", {
      filePath: "/work/planted/config.ini",
      oldString: "timeout = 30",
      newString: text,
      originalFile: `# config\n${text}\ntimeout = 30\n`,
      structuredPatch: patch(["timeout = 30"], lines),
    }),
    assistant([{ type: "tool_use", id: "toolu_multi", name: "MultiEdit", input: { file_path: "/work/planted/app.toml", edits: [{ old_string: "a = 1", new_string: text }] } }]),
    result("toolu_multi", "Applied 1 edit.", { filePath: "/work/planted/app.toml", edits: [{ old_string: "a = 1", new_string: text }], structuredPatch: patch(["a = 1"], lines) }),
    assistant([{ type: "tool_use", id: "toolu_key", name: "Write", input: { file_path: "/home/me/.ssh/id_ed25519", content: bare.join("\n") + "\n" } }]),
    result("toolu_key", "File created successfully", { type: "create", filePath: "/home/me/.ssh/id_ed25519", content: bare.join("\n") + "\n", structuredPatch: patch([], bare) }),
    assistant([{ type: "tool_use", id: "toolu_pem", name: "Edit", input: { file_path: "/work/planted/deploy.pem", old_string: edited.body[0], new_string: edited.body[1] } }]),
    result("toolu_pem", "The file has been updated.", { filePath: "/work/planted/deploy.pem", oldString: edited.body[0], newString: edited.body[1], originalFile: edited.text, structuredPatch: patch([edited.body[0]], [edited.body[1]]) }),
    // a sub-agent whose transcript sits inline (isSidechain records) ...
    assistant([{ type: "tool_use", id: "toolu_task1", name: "Task", input: { description: "check config", prompt: taskPrompt } }]),
  ];
  const inlineParent = parent;
  parent = null;
  records.push(
    { ...rec({ type: "user", message: { role: "user", content: taskPrompt } }), isSidechain: true },
    { ...rec({ type: "assistant", message: { id: "msg_side", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: `Found:\n${text}` }], usage: { input_tokens: 1, output_tokens: 1 } } }), isSidechain: true },
  );
  parent = inlineParent;
  records.push(
    result("toolu_task1", `Done. Found:\n${text}`),
    // ... and one in its own file (subagents/agent-<id>.jsonl)
    assistant([{ type: "tool_use", id: "toolu_task2", name: "Task", input: { description: "audit secrets", prompt: "Audit the secrets" } }]),
    result("toolu_task2", "Audit finished.", { status: "completed", agentId: "a1b2c3d", content: [{ type: "text", text: "Audit finished." }] }),
  );
  const claude = writeLines(join(dir, `${id}.jsonl`), records);
  writeLines(join(dir, id, "subagents", "agent-a1b2c3d.jsonl"), [
    { sessionId: id, agentId: "a1b2c3d", isSidechain: true, type: "user", uuid: "sa-1", parentUuid: null, timestamp: t(), message: { role: "user", content: "Audit the secrets" } },
    {
      sessionId: id,
      agentId: "a1b2c3d",
      isSidechain: true,
      type: "assistant",
      uuid: "sa-2",
      parentUuid: "sa-1",
      timestamp: t(),
      message: { id: "msg_sa", role: "assistant", model: "claude-sonnet-4-5", content: [{ type: "text", text: `Audit:\n${text}` }], usage: { input_tokens: 1, output_tokens: 1 } },
    },
  ]);

  const ts = (s: number) => new Date(Date.parse("2026-03-02T10:00:00Z") + s * 1000).toISOString();
  const addKey = pemKey(13);
  const applyPatch =
    "*** Begin Patch\n*** Add File: /work/planted/.env\n" +
    lines.map((l) => "+" + l).join("\n") +
    "\n*** Add File: /work/planted/keys/id_rsa\n" +
    bare.map((l) => "+" + l).join("\n") +
    "\n*** Add File: /work/planted/server.key.txt\n" +
    addKey.text
      .split("\n")
      .map((l) => "+" + l)
      .join("\n") +
    "\n*** End Patch\n";
  extra.push({ name: "patched key line", shape: "", secret: addKey.body[2] });
  const codex = writeLines(join(dir, "rollout-2026-03-02T10-00-00-ffff6666-0000-4000-8000-000000000006.jsonl"), [
    { timestamp: ts(0), type: "session_meta", payload: { id: "ffff6666-0000-4000-8000-000000000006", cwd: "/work/planted", cli_version: "0.50.0" } },
    { timestamp: ts(0), type: "turn_context", payload: { cwd: "/work/planted", model: "gpt-5-codex" } },
    { timestamp: ts(1), type: "event_msg", payload: { type: "user_message", message: prompt } },
    { timestamp: ts(1), type: "response_item", payload: { type: "message", role: "user", content: [{ type: "input_text", text: prompt }] } },
    { timestamp: ts(2), type: "response_item", payload: { type: "custom_tool_call", name: "apply_patch", input: applyPatch, call_id: "call_patch" } },
    { timestamp: ts(3), type: "response_item", payload: { type: "custom_tool_call_output", call_id: "call_patch", output: "Success. Updated the following files:\nA /work/planted/.env" } },
    { timestamp: ts(4), type: "response_item", payload: { type: "function_call", name: "shell", arguments: JSON.stringify({ command: ["bash", "-lc", text] }), call_id: "call_sh" } },
    { timestamp: ts(5), type: "response_item", payload: { type: "function_call_output", call_id: "call_sh", output: JSON.stringify({ output: text, metadata: { exit_code: 0 } }) } },
    { timestamp: ts(6), type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: `Summary:\n${text}` }] } },
  ]);
  return { claude, codex, planted: [...planted, ...extra] };
}
