/**
 * Codex rollout records -> Session, one record at a time (pure: no I/O).
 *
 * A rollout line is `{timestamp, type, payload}` with type session_meta | turn_context |
 * response_item | event_msg | compacted. Codex writes most things twice: a user prompt as
 * `event_msg user_message` and `response_item message role=user`, an answer as `agent_message`
 * and `message role=assistant`, reasoning as `agent_reasoning` (one per summary part) and
 * `response_item reasoning`. The two copies come in either order depending on the version; the
 * builder keeps the first and lets the second one cancel against it. Older rollouts (2025) have no
 * envelope: a first line `{id, timestamp, instructions}` then bare response items; they are read
 * the same way.
 */
import {
  emptyStats,
  emptyUsage,
  type Block,
  type ParseStats,
  type Session,
  type ThinkingBlock,
  type ToolBlock,
  type Turn,
  type Usage,
} from "../model.ts";
import { titleFields, UNTITLED } from "../title.ts";
import { extractPatch, parseApplyPatch } from "./patch.ts";
import { imageBlock, toToolResult } from "./output.ts";
import { classifyCodexUserText, isImageMarker, isInjection } from "./user.ts";

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Response item types that can appear bare (without the envelope) in old rollouts. */
export const RESPONSE_ITEM_TYPES = new Set([
  "message",
  "reasoning",
  "function_call",
  "function_call_output",
  "custom_tool_call",
  "custom_tool_call_output",
  "local_shell_call",
  "web_search_call",
]);

/**
 * Codex marks an assistant message as interim commentary or the final answer (`phase`:
 * "commentary" | "final_answer" on the message item, and on agent_message events of newer versions).
 */
function setPhase(block: Block | undefined, phase: unknown): void {
  if (block?.kind !== "text") return;
  if (phase === "commentary") block.phase = "commentary";
  else if (phase === "final_answer") block.phase = "final";
}

/** Top-level record types of the enveloped format. */
export const CODEX_RECORD_TYPES = new Set(["session_meta", "turn_context", "response_item", "event_msg", "compacted"]);

/** Response items that carry nothing to show. */
const IGNORED_ITEMS = new Set(["ghost_snapshot"]);

/** Events that are known and either duplicate a response item or carry nothing to show. */
const IGNORED_EVENTS = new Set([
  "task_started",
  "task_complete",
  "turn_started",
  "turn_complete",
  "agent_reasoning_section_break",
  "agent_message_delta",
  "agent_reasoning_delta",
  "agent_reasoning_raw_content_delta",
  "exec_command_begin",
  "exec_command_output_delta",
  "patch_apply_begin",
  "mcp_tool_call_begin",
  "mcp_tool_call_end",
  "web_search_begin",
  "web_search_end",
  "view_image_tool_call",
  "context_compacted",
  "turn_diff",
  "plan_update",
  "background_event",
  "entered_review_mode",
  "exited_review_mode",
  "undo_started",
  "undo_completed",
  "item_started",
  "item_completed",
  "session_configured",
  "shutdown_complete",
  "get_history_entry_response",
  "mcp_list_tools_response",
  "list_custom_prompts_response",
  "mcp_startup_update",
  "mcp_startup_complete",
  "deprecation_notice",
  "token_count_delta",
]);

type Source = "event" | "item";
type DedupKind = "prompt" | "text" | "thinking";

/** One block written by one copy, waiting for the other copy to cancel against it. */
interface Pending {
  kind: DedupKind;
  source: Source;
  /** Normalised texts of the parts the other copy has not matched yet. */
  keys: string[];
  block: Block;
}

const norm = (text: string) => text.replace(/\s+/g, " ").trim();

interface TokenTotals {
  input: number;
  cached: number;
  output: number;
}

export class CodexSessionBuilder {
  private readonly path: string;
  private id?: string;
  private project?: string;
  private gitBranch?: string;
  private version?: string;
  private model?: string;
  private readonly models: string[] = [];
  private readonly usage: Record<string, Usage> = {};
  private lastTotals?: TokenTotals;
  private title?: string;
  private titleSource?: string;
  private startedAt?: string;
  private endedAt?: string;
  private readonly turns: Turn[] = [];
  private readonly tools = new Map<string, ToolBlock>();
  private readonly ids = new Set<string>();
  private nextBlock = 0;
  /** Unmatched copies in the current turn (answers, reasoning) and the last prompt. */
  private pending: Pending[] = [];
  private pendingPrompt?: Pending;
  private unknownRecords = 0;
  /** Agent messages written (the second copy of one is not counted). */
  private agentMessages = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Feeds one parsed line (any JSON value). Never throws on odd input. */
  add(record: unknown): void {
    if (!isObject(record)) {
      this.unknown("(not an object)", record);
      return;
    }
    const ts = str(record.timestamp);
    if (ts) {
      this.startedAt ??= ts;
      this.endedAt = ts;
    }
    const type = str(record.type);
    const payload = record.payload;

    if (type && CODEX_RECORD_TYPES.has(type) && isObject(payload)) {
      switch (type) {
        case "session_meta":
          return this.sessionMeta(payload);
        case "turn_context":
          return this.turnContext(payload);
        case "response_item":
          return this.responseItem(payload, ts, type);
        case "event_msg":
          return this.event(payload, ts);
        case "compacted":
          return this.compacted(payload, ts);
      }
    }
    // Old rollouts: no envelope.
    if (payload === undefined) {
      if (record.record_type === "state") return;
      if (!type && str(record.id) && ("instructions" in record || "git" in record || "timestamp" in record)) {
        return this.sessionMeta(record);
      }
      if (type && RESPONSE_ITEM_TYPES.has(type)) return this.responseItem(record, ts, type);
    }
    this.unknown(type ?? "(no type)", record, ts);
  }

  finish(stats: ParseStats = emptyStats()): Session {
    const session: Session = {
      id: this.id ?? sessionIdFromPath(this.path),
      source: "codex",
      path: this.path,
      title: this.title ?? UNTITLED,
      ...(this.titleSource !== undefined ? { titleSource: this.titleSource } : {}),
      models: [...this.models],
      usage: this.usage,
      turns: this.turns,
      assistantMessages: this.agentMessages,
      stats: { ...stats, unknownRecords: stats.unknownRecords + this.unknownRecords },
    };
    if (this.project) session.project = this.project;
    if (this.gitBranch) session.gitBranch = this.gitBranch;
    if (this.version) session.version = this.version;
    if (this.startedAt) session.startedAt = this.startedAt;
    if (this.endedAt) session.endedAt = this.endedAt;
    return session;
  }

  // ---- records -------------------------------------------------------------------------------

  private sessionMeta(p: Rec): void {
    this.id ??= str(p.id);
    this.project ??= str(p.cwd);
    this.version ??= str(p.cli_version);
    if (isObject(p.git)) this.gitBranch ??= str(p.git.branch);
    const model = str(p.model);
    if (model && !this.model) this.useModel(model);
    const ts = str(p.timestamp);
    if (ts && (!this.startedAt || ts < this.startedAt)) this.startedAt = ts;
  }

  private turnContext(p: Rec): void {
    this.project ??= str(p.cwd);
    const model = str(p.model);
    if (model) this.useModel(model);
  }

  private useModel(model: string): void {
    this.model = model;
    if (!this.models.includes(model)) this.models.push(model);
  }

  private compacted(p: Rec, ts?: string): void {
    const summary = str(p.message);
    this.push({ kind: "compaction", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), ...(summary ? { summary } : {}) });
  }

  private responseItem(p: Rec, ts: string | undefined, recordType: string): void {
    const itemType = str(p.type) ?? "(no type)";
    switch (itemType) {
      case "message":
        return this.message(p, ts);
      case "reasoning":
        return this.reasoning(p, ts);
      case "function_call":
        return this.toolCall(p, ts, parseArguments(p.arguments));
      case "custom_tool_call":
        return this.toolCall(p, ts, p.input);
      case "local_shell_call":
        return this.toolCall({ ...p, name: "local_shell" }, ts, p.action);
      case "web_search_call": {
        const input = isObject(p.action) ? p.action : {};
        return this.toolCall({ ...p, name: "web_search", call_id: str(p.call_id) ?? str(p.id) }, ts, input);
      }
      case "function_call_output":
      case "custom_tool_call_output":
        return this.toolOutput(p, ts);
      default:
        if (IGNORED_ITEMS.has(itemType)) return;
        this.unknown(recordType === "response_item" ? `response_item/${itemType}` : itemType, p, ts);
    }
  }

  private event(p: Rec, ts?: string): void {
    const eventType = str(p.type) ?? "(no type)";
    switch (eventType) {
      case "user_message": {
        const message = typeof p.message === "string" ? p.message : "";
        const images = Array.isArray(p.images) ? p.images : [];
        return this.userText(message, images, "event", ts);
      }
      case "agent_message":
        if (typeof p.message === "string") setPhase(this.dedup("text", "event", [p.message], ts), p.phase);
        return;
      case "agent_reasoning":
      case "agent_reasoning_raw_content":
        if (typeof p.text === "string") this.dedup("thinking", "event", [p.text], ts);
        return;
      case "token_count":
        return this.tokenCount(p);
      case "turn_aborted":
        // Newer Codex also writes a <turn_aborted> user message for the same abort: one notice.
        if (this.hasAbortNotice()) return;
        return this.notice("warning", "turn_aborted", `Turn aborted${str(p.reason) ? `: ${p.reason}` : ""}`, ts);
      case "error":
        return this.notice("error", "error", str(p.message) ?? "Error", ts);
      case "stream_error":
        return this.notice("warning", "stream_error", str(p.message) ?? "Stream error", ts);
      case "warning":
        return this.notice("warning", "warning", str(p.message) ?? "Warning", ts);
      case "exec_command_end":
      case "patch_apply_end":
        return this.endEvent(p, ts);
      default:
        if (IGNORED_EVENTS.has(eventType)) return;
        this.unknown(`event_msg/${eventType}`, p, ts);
    }
  }

  // ---- messages ------------------------------------------------------------------------------

  private message(p: Rec, ts?: string): void {
    const role = str(p.role);
    const parts = Array.isArray(p.content) ? p.content.filter(isObject) : typeof p.content === "string" ? [{ type: "text", text: p.content }] : [];
    if (role === "user") {
      const texts: string[] = [];
      const images: unknown[] = [];
      for (const part of parts) {
        if (typeof part.text === "string") {
          if (!isInjection(part.text) && !isImageMarker(part.text)) texts.push(part.text);
        } else if (part.type === "input_image") images.push(part.image_url);
      }
      this.userText(texts.join("\n"), images, "item", ts);
    } else if (role === "assistant") {
      const texts = parts.map((part) => part.text).filter((t): t is string => typeof t === "string" && t.trim() !== "");
      if (texts.length > 0) setPhase(this.dedup("text", "item", texts, ts), p.phase);
    }
    // developer / system messages are the harness's instructions: not part of the conversation.
  }

  private userText(raw: string, images: unknown[], source: Source, ts?: string): void {
    const user = classifyCodexUserText(raw);
    if (user.kind === "ignore") {
      if (images.length > 0 && raw.trim() === "") this.promptImages(images, ts, source);
      return;
    }
    if (user.kind === "aborted" && this.hasAbortNotice()) return;
    if (user.kind === "command" || user.kind === "aborted") {
      // Both copies carry it: keep the first.
      const key = `${user.kind}:${norm(raw)}`;
      const last = this.pendingPrompt;
      if (last && last.source !== source && last.keys[0] === key) {
        this.pendingPrompt = undefined;
        return;
      }
      if (user.kind === "command") {
        this.push({ kind: "command", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), name: user.name, ...(user.args ? { args: user.args } : {}), ...(user.output !== undefined ? { output: user.output } : {}) });
      } else {
        this.push({ kind: "notice", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), level: "warning", subtype: "turn_aborted", text: user.text });
      }
      this.pendingPrompt = { kind: "prompt", source, keys: [key], block: this.lastBlock()! };
      return;
    }
    const key = norm(user.request);
    const last = this.pendingPrompt;
    if (last && last.kind === "prompt" && last.source !== source && last.keys[0] === key) {
      // The second copy of the prompt: only its images can be new.
      this.pendingPrompt = undefined;
      if (images.length > 0 && !this.turnHasImages()) this.promptImages(images, ts, source);
      return;
    }
    const id = this.blockId();
    this.startTurn(id, ts);
    this.push({ kind: "prompt", id, ...(ts ? { timestamp: ts } : {}), text: user.request, ...(user.context ? { context: user.context } : {}) });
    this.pendingPrompt = { kind: "prompt", source, keys: [key], block: this.lastBlock()! };
    if (this.title === undefined) {
      const t = titleFields(user.request);
      this.title = t.title;
      this.titleSource = t.titleSource;
    }
    if (images.length > 0) this.promptImages(images, ts, source);
  }

  private promptImages(images: unknown[], ts: string | undefined, _source: Source): void {
    for (const source of images) {
      const image = imageBlock(source, this.blockId(), ts);
      if (image) this.push(image);
    }
  }

  private hasAbortNotice(): boolean {
    return this.current()?.blocks.some((b) => b.kind === "notice" && b.subtype === "turn_aborted") ?? false;
  }

  private turnHasImages(): boolean {
    return this.current()?.blocks.some((b) => b.kind === "image") ?? false;
  }

  private reasoning(p: Rec, ts?: string): void {
    const texts: string[] = [];
    for (const list of [p.summary, p.content]) {
      if (!Array.isArray(list)) continue;
      for (const part of list) {
        if (isObject(part) && typeof part.text === "string" && part.text.trim()) texts.push(part.text);
      }
      if (texts.length > 0) break; // the summary is what Codex shows; raw content only without one
    }
    if (texts.length > 0) {
      this.dedup("thinking", "item", texts, ts);
      return;
    }
    if (p.encrypted_content !== undefined && p.encrypted_content !== null) {
      this.push({ kind: "thinking", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), text: "", encrypted: true } satisfies ThinkingBlock);
    }
  }

  /**
   * Writes a text/thinking block for `parts` unless they are the second copy of blocks already
   * written from the other source in this turn.
   */
  private dedup(kind: "text" | "thinking", source: Source, parts: string[], ts?: string): Block | undefined {
    const fresh: string[] = [];
    let matched: Block | undefined;
    for (const part of parts) {
      const key = norm(part);
      const match = this.pending.find((p) => p.kind === kind && p.source !== source && p.keys.includes(key));
      if (match) {
        matched = match.block;
        match.keys.splice(match.keys.indexOf(key), 1);
        if (match.keys.length === 0) this.pending.splice(this.pending.indexOf(match), 1);
      } else {
        fresh.push(part);
      }
    }
    if (fresh.length === 0) return matched;
    const text = fresh.map((t) => t.trim()).join("\n\n");
    // Summary parts streamed as separate agent_reasoning events belong to one reasoning item:
    // keep them in one block, as the item would have.
    const last = this.lastBlock();
    const open = this.pending[this.pending.length - 1];
    if (kind === "thinking" && source === "event" && last?.kind === "thinking" && open?.block === last && open.source === "event") {
      last.text = `${last.text}\n\n${text}`;
      open.keys.push(...fresh.map(norm));
      return last;
    }
    const base = { id: this.blockId(), ...(ts ? { timestamp: ts } : {}) };
    const block: Block =
      kind === "text" ? { kind: "text", ...base, text, ...(this.model ? { model: this.model } : {}) } : { kind: "thinking", ...base, text };
    this.push(block);
    this.pending.push({ kind, source, keys: fresh.map(norm), block });
    if (kind === "text") this.agentMessages++;
    return block;
  }

  // ---- tools ---------------------------------------------------------------------------------

  private toolCall(p: Rec, ts: string | undefined, input: unknown): void {
    const name = str(p.name) ?? "(unnamed tool)";
    const callId = str(p.call_id) ?? str(p.id) ?? `call-${this.nextBlock}`;
    let id = callId;
    for (let n = 2; this.ids.has(id); n++) id = `${callId}#${n}`;
    this.ids.add(id);
    const block: ToolBlock = { kind: "tool", id, ...(ts ? { timestamp: ts } : {}), toolUseId: callId, name, input };
    const patch = patchText(name, input);
    if (patch !== null) block.edits = parseApplyPatch(patch);
    this.push(block);
    if (!this.tools.has(callId)) this.tools.set(callId, block);
  }

  private toolOutput(p: Rec, ts?: string): void {
    const callId = str(p.call_id);
    const tool = callId ? this.tools.get(callId) : undefined;
    if (!tool) {
      // An answer to a call we never saw (a cut file): keep it visible, as an unknown block.
      this.push({ kind: "unknown", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), recordType: `${str(p.type)} (no matching call)`, raw: p });
      return;
    }
    if (tool.result) return;
    tool.result = toToolResult(p.output, { timestamp: ts, nextId: () => this.blockId() });
  }

  /** exec_command_end / patch_apply_end: only used when no *_output item answered the call. */
  private endEvent(p: Rec, ts?: string): void {
    const callId = str(p.call_id);
    const tool = callId ? this.tools.get(callId) : undefined;
    if (!tool || tool.result) return;
    const text =
      str(p.aggregated_output) ?? str(p.formatted_output) ?? [str(p.stdout), str(p.stderr)].filter(Boolean).join("\n");
    const exitCode = typeof p.exit_code === "number" ? p.exit_code : undefined;
    const isError = (exitCode !== undefined && exitCode !== 0) || p.success === false;
    tool.result = { text, images: [], isError, ...(ts ? { timestamp: ts } : {}), ...(exitCode !== undefined ? { meta: { exit_code: exitCode } } : {}) };
  }

  // ---- usage ---------------------------------------------------------------------------------

  private tokenCount(p: Rec): void {
    const info = p.info;
    if (!isObject(info)) return;
    const model = this.model ?? "unknown";
    if (isObject(info.total_token_usage)) {
      const total = totals(info.total_token_usage);
      const prev = this.lastTotals;
      // Totals only grow within a conversation; a smaller one starts a new count.
      const restarted = !prev || total.input < prev.input || total.output < prev.output || total.cached < prev.cached;
      const delta = restarted ? total : { input: total.input - prev.input, cached: total.cached - prev.cached, output: total.output - prev.output };
      this.lastTotals = total;
      this.addUsage(model, delta);
    } else if (isObject(info.last_token_usage)) {
      this.addUsage(model, totals(info.last_token_usage));
    }
  }

  private addUsage(model: string, t: TokenTotals): void {
    const u = (this.usage[model] ??= emptyUsage());
    u.inputTokens += Math.max(0, t.input - t.cached);
    u.cacheReadTokens += t.cached;
    u.outputTokens += t.output;
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private notice(level: "error" | "warning" | "info", subtype: string, text: string, ts?: string): void {
    this.push({ kind: "notice", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), level, subtype, text });
  }

  private unknown(recordType: string, raw: unknown, ts?: string): void {
    this.unknownRecords++;
    this.push({ kind: "unknown", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), recordType, raw });
  }

  private blockId(): string {
    let id: string;
    do id = `b${this.nextBlock++}`;
    while (this.ids.has(id));
    this.ids.add(id);
    return id;
  }

  private startTurn(id: string, ts?: string): void {
    this.turns.push({ index: this.turns.length, id, ...(ts ? { timestamp: ts } : {}), blocks: [] });
    this.pending = [];
  }

  private current(): Turn | undefined {
    return this.turns[this.turns.length - 1];
  }

  private push(block: Block): void {
    if (this.turns.length === 0) this.startTurn(block.id, block.timestamp);
    this.current()!.blocks.push(block);
  }

  private lastBlock(): Block | undefined {
    const blocks = this.current()?.blocks;
    return blocks?.[blocks.length - 1];
  }
}

function totals(u: Rec): TokenTotals {
  return { input: num(u.input_tokens), cached: num(u.cached_input_tokens), output: num(u.output_tokens) };
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

/** `rollout-2025-01-01T00-00-00-<uuid>.jsonl` -> the uuid; else the file name without extension. */
export function sessionIdFromPath(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  const uuid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(name);
  return uuid ? uuid[1] : name.replace(/\.jsonl$/i, "");
}

/** Builds a session from records already in memory (tests, callers with their own reader). */
export function buildCodexSession(records: Iterable<unknown>, path: string, stats?: ParseStats): Session {
  const builder = new CodexSessionBuilder(path);
  for (const record of records) builder.add(record);
  return builder.finish(stats);
}
