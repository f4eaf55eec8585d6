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
 *
 * This file holds the dispatch, the session's facts and the turn plumbing; each record kind is
 * handled in a file of its own: events.ts (response items and events, token usage), messages.ts
 * (prompts, answers, reasoning and their de-duplication), tools.ts (calls, outputs, patches).
 */
import { emptyStats, type Block, type ParseStats, type Session, type ToolBlock, type Turn, type Usage } from "../model.ts";
import { UNTITLED, titleFields } from "../title.ts";
import { addEvent, addResponseItem, type TokenTotals } from "./events.ts";
import { isObject, str, type Rec } from "./fields.ts";
import type { Pending } from "./messages.ts";

export { parseArguments, patchText } from "./tools.ts";

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

/** Top-level record types of the enveloped format. */
export const CODEX_RECORD_TYPES = new Set(["session_meta", "turn_context", "response_item", "event_msg", "compacted"]);

export class CodexSessionBuilder {
  private readonly path: string;
  id?: string;
  project?: string;
  gitBranch?: string;
  version?: string;
  model?: string;
  readonly models: string[] = [];
  readonly usage: Record<string, Usage> = {};
  lastTotals?: TokenTotals;
  title?: string;
  titleSource?: string;
  /** The name the user gave the thread (event thread_name_updated): the title over the first prompt. */
  threadName?: string;
  startedAt?: string;
  endedAt?: string;
  readonly turns: Turn[] = [];
  readonly tools = new Map<string, ToolBlock>();
  readonly ids = new Set<string>();
  nextBlock = 0;
  /** Unmatched copies in the current turn (answers, reasoning) and the last prompt. */
  pending: Pending[] = [];
  pendingPrompt?: Pending;
  unknownRecords = 0;
  // The state above is written by the record handlers (events.ts, messages.ts, tools.ts), which
  // are this class's methods kept in files of their own; nothing else touches it.
  /** Agent messages written (the second copy of one is not counted). */
  agentMessages = 0;

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
          return addResponseItem(this, payload, ts, type);
        case "event_msg":
          return addEvent(this, payload, ts);
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
      if (type && RESPONSE_ITEM_TYPES.has(type)) return addResponseItem(this, record, ts, type);
    }
    this.unknown(type ?? "(no type)", record, ts);
  }

  finish(stats: ParseStats = emptyStats()): Session {
    const named = this.threadName !== undefined ? titleFields(this.threadName) : undefined;
    const titleSource = named ? named.titleSource : this.titleSource;
    const session: Session = {
      id: this.id ?? sessionIdFromPath(this.path),
      source: "codex",
      path: this.path,
      title: named?.title ?? this.title ?? UNTITLED,
      ...(titleSource !== undefined ? { titleSource } : {}),
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

  useModel(model: string): void {
    this.model = model;
    if (!this.models.includes(model)) this.models.push(model);
  }

  private compacted(p: Rec, ts?: string): void {
    this.compaction(ts, str(p.message));
  }

  /**
   * A compaction: the `compacted` record (local compaction: the summary; remote: empty) or a
   * `compaction` response item (the encrypted summary). One marker when both are written.
   */
  compaction(ts: string | undefined, summary: string | undefined): void {
    const last = this.lastBlock();
    if (last?.kind === "compaction") {
      if (summary && !last.summary) last.summary = summary;
      return;
    }
    this.push({ kind: "compaction", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), ...(summary ? { summary } : {}) });
  }

  /**
   * thread_rolled_back: the user took back the last `count` turns (Codex drops them from the
   * model's context and the user goes on from the turn before). They stay on the page, marked as
   * rewound, as a Claude session's rewound branches are.
   */
  rollBack(count: number): void {
    for (let i = this.turns.length - 1; i >= 0 && count > 0; i--) {
      const turn = this.turns[i];
      if (turn.abandoned) continue;
      turn.abandoned = true;
      if (turn.blocks[0]?.kind === "prompt") count--;
    }
    this.pending = [];
    this.pendingPrompt = undefined;
  }

  // ---- messages ------------------------------------------------------------------------------

  // ---- tools ---------------------------------------------------------------------------------

  // ---- usage ---------------------------------------------------------------------------------

  // ---- plumbing ------------------------------------------------------------------------------

  notice(level: "error" | "warning" | "info", subtype: string, text: string, ts?: string): void {
    this.push({ kind: "notice", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), level, subtype, text });
  }

  unknown(recordType: string, raw: unknown, ts?: string): void {
    this.unknownRecords++;
    this.push({ kind: "unknown", id: this.blockId(), ...(ts ? { timestamp: ts } : {}), recordType, raw });
  }

  blockId(): string {
    let id: string;
    do id = `b${this.nextBlock++}`;
    while (this.ids.has(id));
    this.ids.add(id);
    return id;
  }

  startTurn(id: string, ts?: string): void {
    this.turns.push({ index: this.turns.length, id, ...(ts ? { timestamp: ts } : {}), blocks: [] });
    this.pending = [];
  }

  current(): Turn | undefined {
    return this.turns[this.turns.length - 1];
  }

  push(block: Block): void {
    if (this.turns.length === 0) this.startTurn(block.id, block.timestamp);
    this.current()!.blocks.push(block);
  }

  lastBlock(): Block | undefined {
    const blocks = this.current()?.blocks;
    return blocks?.[blocks.length - 1];
  }
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
