/** Codex tool calls (function, custom, local shell, web search) and their outputs; apply_patch edits. */
import type { ToolBlock } from "../model.ts";
import type { CodexSessionBuilder } from "./build.ts";
import { isObject, str, type Rec } from "./fields.ts";
import { imageBlock, toToolResult } from "./output.ts";
import { extractPatch, parseApplyPatch } from "./patch.ts";

/** A call's full name: newer Codex gives namespaced tools (MCP servers) a `namespace` beside the name. */
export function callName(p: Rec): string | undefined {
  const name = str(p.name);
  const namespace = str(p.namespace);
  return name && namespace ? `${namespace}__${name}` : name;
}

export function addToolCall(b: CodexSessionBuilder, p: Rec, ts: string | undefined, input: unknown): void {
  const name = callName(p) ?? "(unnamed tool)";
  const callId = str(p.call_id) ?? str(p.id) ?? `call-${b.nextBlock}`;
  let id = callId;
  for (let n = 2; b.ids.has(id); n++) id = `${callId}#${n}`;
  b.ids.add(id);
  const block: ToolBlock = { kind: "tool", id, ...(ts ? { timestamp: ts } : {}), toolUseId: callId, name, input };
  const patch = patchText(name, input);
  if (patch !== null) block.edits = parseApplyPatch(patch);
  b.push(block);
  if (!b.tools.has(callId)) b.tools.set(callId, block);
}

export function addToolOutput(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const callId = str(p.call_id);
  const tool = callId ? b.tools.get(callId) : undefined;
  if (!tool) {
    // An answer to a call we never saw (a cut file): keep it visible, as an unknown block.
    b.push({ kind: "unknown", id: b.blockId(), ...(ts ? { timestamp: ts } : {}), recordType: `${str(p.type)} (no matching call)`, raw: p });
    return;
  }
  if (tool.result) return;
  tool.result = toToolResult(p.output, { timestamp: ts, nextId: () => b.blockId() });
}

/** exec_command_end / patch_apply_end: only used when no *_output item answered the call. */
export function addEndEvent(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const callId = str(p.call_id);
  const tool = callId ? b.tools.get(callId) : undefined;
  if (!tool || tool.result) return;
  const text =
    str(p.aggregated_output) ?? str(p.formatted_output) ?? [str(p.stdout), str(p.stderr)].filter(Boolean).join("\n");
  const exitCode = typeof p.exit_code === "number" ? p.exit_code : undefined;
  const isError = (exitCode !== undefined && exitCode !== 0) || p.success === false;
  tool.result = { text, images: [], isError, ...(ts ? { timestamp: ts } : {}), ...(exitCode !== undefined ? { meta: { exit_code: exitCode } } : {}) };
}

/** tool_search_output: the tools a tool_search_call found, one per line (name: description). */
export function addToolSearchOutput(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const tools = Array.isArray(p.tools) ? p.tools : [];
  const lines = tools.map((t) => (isObject(t) && str(t.name) ? `${t.name}${str(t.description) ? `: ${t.description}` : ""}` : JSON.stringify(t)));
  addToolOutput(b, { ...p, output: lines.length ? lines.join("\n") : "(no tools found)" }, ts);
}

/**
 * The built-in image tool: an image_generation_call item or its image_generation_end event, which
 * repeat each other (whichever comes first makes the call; the other only gives the result when
 * the call has none yet, as after an item still "generating"). The prompt the model wrote is the
 * input; the picture (base64 PNG) is the result.
 */
export function addImageGeneration(b: CodexSessionBuilder, p: Rec, callId: string | undefined, ts?: string): void {
  let tool = callId !== undefined ? b.tools.get(callId) : undefined;
  if (tool?.result) return;
  if (!tool) {
    const prompt = str(p.revised_prompt);
    addToolCall(b, { name: "image_generation", call_id: callId }, ts, prompt ? { prompt } : {});
    tool = b.lastBlock() as ToolBlock;
  }
  const status = str(p.status);
  const image = imageBlock(str(p.result), b.blockId(), ts, "image/png");
  const notes = [status && status !== "completed" ? `status: ${status}` : "", str(p.saved_path) ? `saved to ${p.saved_path}` : ""].filter(Boolean);
  if (image === null && status === "generating") return; // still running: no result yet
  tool.result = { text: notes.join("\n"), images: image ? [image] : [], isError: status === "failed" || (image === null && status !== "completed"), ...(ts ? { timestamp: ts } : {}) };
}

/** function_call arguments are a JSON string; keep the string when it is not JSON. */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== "string") return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/**
 * The apply_patch text a call carries, or null when the call is not a patch: custom_tool_call /
 * function_call `apply_patch`, or a shell call whose command runs apply_patch
 * (`["apply_patch", patch]`, `bash -lc "apply_patch <<'EOF' ... EOF"`, exec_command `cmd`).
 */
export function patchText(name: string, input: unknown): string | null {
  if (name === "apply_patch" || name === "applypatch") {
    if (typeof input === "string") return extractPatch(input) ?? input;
    const strings = collectStrings(input);
    return strings.map(extractPatch).find((s) => s !== null) ?? "";
  }
  const strings = collectStrings(isObject(input) ? (input.command ?? input.cmd ?? input.input) : input);
  if (!strings.some((s) => /\bapply_?patch\b/.test(s))) return null;
  return strings.map(extractPatch).find((s) => s !== null) ?? null;
}

function collectStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectStrings(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) collectStrings(x, out);
  return out;
}
