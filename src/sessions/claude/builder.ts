/**
 * Turns Claude Code records, fed one at a time in file order, into a Session.
 *
 * Exported: ClaudeSessionBuilder (add(rec, line) per record, then finish()), KNOWN_RECORD_TYPES.
 * parse.ts drives it from the streaming JSONL reader; it is also used for each sub-agent.
 *
 * Record handling (see DESIGN.md "The session model"):
 * - user: string or array content. Text parts are joined and classified with classifyUserText:
 *   prompt -> PromptBlock, command -> CommandBlock (a `<local-command-stdout>` line is attached as
 *   the output of the command just before it; words the user typed around the wrappers follow
 *   it as a PromptBlock), interrupt -> NoticeBlock info "interrupt", harness
 *   notices (`<task-notification>`, `<bash-notification>`) -> NoticeBlock (subtype the tag name;
 *   they open no turn and are no prompts), isMeta and other harness text -> nothing. Images ->
 *   ImageBlock (not for isMeta lines). tool_result parts are attached to their ToolBlock by
 *   tool_use_id, whichever comes first (a result that arrives before its call waits for it; one
 *   whose call never comes is shown as a ToolBlock named "unknown"); the line's `toolUseResult` becomes result.meta when the line has one result.
 *   isCompactSummary lines are the compaction summary, not prompts.
 * - assistant: lines sharing message.id are one message streamed in pieces: their content blocks
 *   follow each other; usage is counted once per message id (the max of each counter over its
 *   lines, never the sum; a message id met again later, in a rewritten copy of the conversation,
 *   is not counted twice either). thinking -> ThinkingBlock; an empty thinking with a signature,
 *   or a redacted_thinking block, -> ThinkingBlock { text: "", encrypted: true }; an empty
 *   thinking without signature is dropped. A tool_use id met again in a record that is not a
 *   replay (a rewritten copy with other timestamps) is a new call: results go to the latest call
 *   with that id still waiting for one.
 *   Model "<synthetic>" (Claude Code's own messages) is not a model; its API error messages
 *   become error notices.
 * - system: api_error -> NoticeBlock error with cause/status and retry attempt; compact_boundary
 *   -> CompactionBlock (trigger, preTokens; summary from the isCompactSummary line that follows);
 *   local_command -> CommandBlock; turn_duration -> nothing; other subtypes -> NoticeBlock with
 *   the record's level when they carry text.
 * - summary / ai-title / custom-title -> title candidates; session-id -> id fallback;
 *   progress, queue-operation, file-history-snapshot, last-prompt, agent-name, mode and
 *   permission-mode: bookkeeping, consumed silently (still kept in the uuid chain).
 * - attachment: queued_command (typed while the agent worked) -> prompt/command; attachments
 *   whose type names an error (hook errors) -> warning notice; the rest is context: silent.
 * - any other type -> UnknownBlock with the raw record, stats.unknownRecords++.
 * - a record whose uuid was already seen is a duplicate and is skipped (Claude Code does the same).
 * - a user/assistant record that replays an earlier one (see replayKeys: same type, timestamp and
 *   content identity, new uuid) is skipped too: when Claude Code resumes a session it may write
 *   the earlier conversation again into the same file under new uuids and a new root. The copy's
 *   uuid is aliased to the original's node in the uuid index, so records chained from the copy
 *   (the conversation after the resume) hang from the original turns. Inline sidechains and
 *   sub-agent files get the same treatment.
 * - isSidechain records in a main file are inline sub-agents: routed to a nested builder per
 *   sidechain chain (see subagents.ts for linking).
 */

import { titleFields } from "../title.ts";
import { fileEditsForTool } from "../diff.ts";
import type { JsonObject } from "../jsonl.ts";
import {
  emptyStats,
  emptyUsage,
  type Block,
  type CommandBlock,
  type CompactionBlock,
  type ImageBlock,
  type NoticeBlock,
  type PromptBlock,
  type ParseStats,
  type Session,
  type TextBlock,
  type ThinkingBlock,
  type ToolBlock,
  type ToolResult,
  type Turn,
  type UnknownBlock,
  type Usage,
} from "../model.ts";
import { assembleTurns, chainNode, type ChainNode } from "./chain.ts";
import { classifyUserText, type UserText } from "./prompt.ts";

export const KNOWN_RECORD_TYPES = new Set([
  "user",
  "assistant",
  "system",
  "summary",
  "progress",
  "queue-operation",
  "file-history-snapshot",
  "attachment",
  "ai-title",
  "custom-title",
  "last-prompt",
  "session-id",
  "agent-name",
  "mode",
  "permission-mode",
]);

/** Types that are consumed without producing anything. */
const SILENT_TYPES = new Set(["progress", "queue-operation", "file-history-snapshot", "last-prompt", "agent-name", "mode", "permission-mode"]);
const SILENT_SYSTEM = new Set(["turn_duration"]);
const SYNTHETIC_MODEL = "<synthetic>";

const isObj = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export interface BuilderOptions {
  path: string;
  /** Route isSidechain records to nested sub-agent builders (main files only). */
  inlineSidechains: boolean;
  /** For a sub-agent transcript. */
  agentId?: string;
}

/** An inline sidechain (older sub-agent layout) found in a main file. */
export interface InlineSidechain {
  builder: ClaudeSessionBuilder;
  /** The main-file node just before the sidechain's first record (for unlinked sidechains). */
  anchor: ChainNode | undefined;
  firstLine: number;
}

export class ClaudeSessionBuilder {
  readonly stats: ParseStats = emptyStats();
  readonly opts: BuilderOptions;
  /** Task / Agent calls (and any call whose result names an agent), for sub-agent linking. */
  readonly agentCalls: ToolBlock[] = [];
  private agentCallSet = new Set<ToolBlock>();
  readonly sidechains: InlineSidechain[] = [];
  /** Raw text of the first user record (a sub-agent's prompt, for linking). */
  firstUserText: string | undefined;
  /** agentId found on the records (sub-agent transcripts). */
  agentId: string | undefined;
  /** Records that looked like a Claude session at all. */
  sessionRecords = 0;
  /** user / assistant / system / attachment records: a conversation, not just bookkeeping. */
  conversationRecords = 0;

  private nodes: ChainNode[] = [];
  /** Every uuid seen (later copies are duplicates), with its node: the chain walk's index. */
  private byUuid = new Map<string, ChainNode>();
  private blockIds = new Set<string>();
  /** Replay key (see replayKeys) -> the node of the first record with it. */
  private replayed = new Map<string, ChainNode>();
  /** Replay key -> the inline sidechain its first record went to (main files). */
  private sidechainReplayed = new Map<string, InlineSidechain>();
  /** Latest timestamp of the records with replay keys (see mayReplay). */
  private latest: string | undefined;
  private synthetic = 0;
  /** Assistant message ids met (a streamed message is one), and messages without an id. */
  private messageIds = new Set<string>();
  private anonymousMessages = 0;
  private tools = new Map<string, ToolBlock>();
  /** Results whose call has not been seen yet: placeholder ToolBlocks. */
  private orphanResults = new Map<string, ToolBlock>();
  private dropped = new Set<Block>();
  private usageByMessage = new Map<string, { model: string; usage: Usage }>();
  private models: string[] = [];
  private modelSet = new Set<string>();
  private lastCompaction: CompactionBlock | undefined;
  private lastBlock: Block | undefined;
  private sidechainOf = new Map<string, InlineSidechain>();
  private lastSidechain: InlineSidechain | undefined;

  private sessionId: string | undefined;
  private sessionIdRecord: string | undefined;
  private project: string | undefined;
  private gitBranch: string | undefined;
  private version: string | undefined;
  private startedAt: string | undefined;
  private endedAt: string | undefined;
  private customTitle: string | undefined;
  private aiTitle: string | undefined;
  private summaries: { summary: string; leafUuid?: string }[] = [];

  constructor(opts: BuilderOptions) {
    this.opts = opts;
    this.agentId = opts.agentId;
  }

  /**
   * Feeds one record (file order). `keys`: the record's replay keys when the caller has computed
   * them already (a main builder routing an inline sidechain record).
   */
  add(rec: JsonObject, line: number, keys: string | string[] | undefined = replayKeys(rec)): void {
    const type = rec.type;
    if (this.opts.inlineSidechains && rec.isSidechain === true) {
      this.sessionRecords++;
      this.conversationRecords++;
      this.routeSidechain(rec, line, keys);
      return;
    }
    const uuid = str(rec.uuid);
    if (uuid !== undefined) {
      if (this.byUuid.has(uuid)) return;
    }
    if (keys !== undefined && this.mayReplay(rec)) {
      const original = replayOf(this.replayed, keys);
      if (original !== undefined) {
        // A resumed session's copy of a record already read: the original stands for it, and
        // records chained from the copy's uuid hang from the original.
        this.sessionRecords++;
        this.conversationRecords++;
        if (uuid !== undefined) this.byUuid.set(uuid, original);
        return;
      }
    }
    if (typeof type === "string" && KNOWN_RECORD_TYPES.has(type)) this.sessionRecords++;
    else if (rec.sessionId !== undefined && uuid !== undefined) this.sessionRecords++;
    this.noteMeta(rec);

    const node = chainNode(
      this.nodes.length,
      uuid,
      str(rec.parentUuid) ?? str(rec.logicalParentUuid),
      type === "user" || type === "assistant" || type === "system" || type === "attachment",
      [],
    );
    if (node.conversational) this.conversationRecords++;
    const ts = str(rec.timestamp);
    switch (type) {
      case "user":
        this.user(rec, node, ts);
        break;
      case "assistant":
        this.assistant(rec, node, ts);
        break;
      case "system":
        this.system(rec, node, ts);
        break;
      case "summary": {
        const s = str(rec.summary);
        if (s) this.summaries.push({ summary: s, leafUuid: str(rec.leafUuid) });
        break;
      }
      case "custom-title":
        this.customTitle = str(rec.customTitle) ?? str(rec.title) ?? this.customTitle;
        break;
      case "ai-title":
        this.aiTitle = str(rec.aiTitle) ?? str(rec.title) ?? this.aiTitle;
        break;
      case "session-id":
        this.sessionIdRecord ??= str(rec.id) ?? str(rec.sessionId);
        break;
      case "attachment":
        this.attachment(rec, node, ts);
        break;
      default:
        if (typeof type === "string" && SILENT_TYPES.has(type)) break;
        this.stats.unknownRecords++;
        this.push(node, unknownBlock(this.blockId(uuid, node), ts, typeof type === "string" ? type : "(no type)", rec));
    }
    // Bookkeeping records without uuid need no node; the rest keep the chain connected.
    if (uuid !== undefined) this.byUuid.set(uuid, node);
    if (keys !== undefined) remember(this.replayed, keys, node);
    if (uuid !== undefined || node.blocks.length > 0) this.nodes.push(node);
  }

  // -------------------------------------------------------------------------------------------

  private noteMeta(rec: JsonObject): void {
    this.sessionId ??= str(rec.sessionId);
    const cwd = str(rec.cwd);
    if (cwd) this.project ??= cwd;
    const branch = str(rec.gitBranch);
    if (branch) this.gitBranch ??= branch;
    const version = str(rec.version);
    if (version) this.version ??= version;
    const ts = str(rec.timestamp);
    if (ts) {
      this.startedAt ??= ts;
      this.endedAt = ts;
    }
    if (this.agentId === undefined) {
      const a = str(rec.agentId);
      if (a) this.agentId = a;
    }
  }

  private blockId(uuid: string | undefined, node: ChainNode, preferred?: string): string {
    let id = preferred ?? (uuid === undefined ? undefined : node.blocks.length === 0 ? uuid : `${uuid}.${node.blocks.length}`);
    if (id === undefined || this.blockIds.has(id)) {
      do id = `b${this.synthetic++}`;
      while (this.blockIds.has(id));
    }
    this.blockIds.add(id);
    return id;
  }

  private push(node: ChainNode, b: Block, userInput = false, content = b.kind !== "notice" && b.kind !== "compaction" && b.kind !== "unknown"): void {
    node.blocks.push(b);
    if (userInput) (node.userInput ??= new Set()).add(b);
    if (content) node.content = true;
    this.lastBlock = b;
  }

  private user(rec: JsonObject, node: ChainNode, ts: string | undefined): void {
    const msg = isObj(rec.message) ? rec.message : undefined;
    const content = msg ? msg.content : undefined;
    const isMeta = rec.isMeta === true;
    const uuid = node.uuid;

    // Most lines have one part (a tool result, or the prompt's text): lists are made when needed.
    let text: string | undefined;
    let texts: string[] | undefined;
    let images: ImageBlock[] | undefined;
    let results: JsonObject[] | undefined;
    let unknown: JsonObject[] | undefined;
    if (typeof content === "string") text = content;
    else if (Array.isArray(content)) {
      for (let i = 0; i < content.length; i++) {
        const part = content[i];
        if (!isObj(part)) continue;
        switch (part.type) {
          case "text":
            if (typeof part.text === "string") {
              if (text === undefined) text = part.text;
              else (texts ??= [text]).push(part.text);
            }
            break;
          case "image": {
            const img = imageBlock("", ts, part);
            if (img) (images ??= []).push(img);
            break;
          }
          case "tool_result":
            (results ??= []).push(part);
            break;
          default:
            (unknown ??= []).push(part);
        }
      }
      if (texts) text = texts.join("\n\n");
    }
    if (this.firstUserText === undefined && text !== undefined && results === undefined) this.firstUserText = text;

    // Tool results: attach to their call.
    if (results) {
      const meta = results.length === 1 && rec.toolUseResult !== undefined ? rec.toolUseResult : undefined;
      for (const r of results) this.attachResult(r, meta, ts, node);
    }

    if (rec.isCompactSummary === true) {
      const summary = text ?? "";
      if (this.lastCompaction && this.lastCompaction.summary === undefined) this.lastCompaction.summary = summary;
      else {
        const c = head("compaction", this.blockId(uuid, node), ts) as CompactionBlock;
        c.summary = summary;
        this.lastCompaction = c;
        this.push(node, c);
      }
      return;
    }

    if (text !== undefined) {
      const cls = classifyUserText(text, isMeta);
      switch (cls.kind) {
        case "prompt":
          this.push(node, promptBlock(this.blockId(uuid, node), ts, cls.text), true);
          break;
        case "command":
          this.command(node, ts, cls);
          break;
        case "interrupt":
          this.push(node, noticeBlock(this.blockId(uuid, node), ts, "info", "interrupt", cls.text));
          break;
        case "notice":
          this.push(node, noticeBlock(this.blockId(uuid, node), ts, cls.level, cls.subtype, cls.text));
          break;
        case "ignore":
          break;
      }
    }
    if (!isMeta && images) {
      for (const img of images) {
        img.id = this.blockId(uuid, node);
        this.push(node, img, true);
      }
    }
    if (unknown) {
      for (const part of unknown) this.push(node, unknownBlock(this.blockId(uuid, node), ts, typeof part.type === "string" ? part.type : "(no type)", part));
    }
  }

  /**
   * A command the user ran: a CommandBlock (a nameless local output goes to the command just
   * before it, when that one has none yet), then the words the user typed around the wrappers,
   * if any, as a prompt.
   */
  private command(node: ChainNode, ts: string | undefined, cls: Extract<UserText, { kind: "command" }>): void {
    const last = this.lastBlock;
    if (!cls.name && cls.output !== undefined && last?.kind === "command" && last.name && last.output === undefined) {
      last.output = cls.output;
      node.content = true;
    } else if (cls.name || cls.output !== undefined) {
      this.push(node, commandBlock(this.blockId(node.uuid, node), ts, cls.name, cls.args || undefined, cls.output), cls.name !== "");
    }
    if (cls.text) this.push(node, promptBlock(this.blockId(node.uuid, node), ts, cls.text), true);
  }

  private attachResult(part: JsonObject, meta: unknown, ts: string | undefined, node: ChainNode): void {
    const id = str(part.tool_use_id);
    const result = resultOf(part, meta, ts);
    if (id === undefined) return;
    const call = this.tools.get(id);
    if (call && !call.result) {
      call.result = result;
      this.noteAgentCall(call);
      return;
    }
    if (this.orphanResults.has(id)) return;
    // The call may come later: keep a placeholder where the result is.
    const placeholder = toolBlock(this.blockId(undefined, node, id), ts, id, "unknown", null);
    placeholder.placeholder = true;
    placeholder.result = result;
    this.orphanResults.set(id, placeholder);
    this.push(node, placeholder, false, false);
  }

  private assistant(rec: JsonObject, node: ChainNode, ts: string | undefined): void {
    const msg = isObj(rec.message) ? rec.message : undefined;
    if (!msg) return;
    const uuid = node.uuid;
    node.message = str(msg.id);
    if (node.message === undefined) this.anonymousMessages++;
    else this.messageIds.add(node.message);
    const model = str(msg.model);
    const real = model !== undefined && model !== SYNTHETIC_MODEL;
    if (real && !this.modelSet.has(model)) {
      this.modelSet.add(model);
      this.models.push(model);
    }
    if (real && isObj(msg.usage)) this.noteUsage(str(msg.id) ?? uuid ?? `line${node.seq}`, model, msg.usage);

    const content = msg.content;
    if (rec.isApiErrorMessage === true || (model === SYNTHETIC_MODEL && rec.error !== undefined)) {
      const text = typeof content === "string" ? content : Array.isArray(content) ? content.filter(isObj).map((p) => str(p.text) ?? "").join("\n") : "";
      this.push(node, noticeBlock(this.blockId(uuid, node), ts, "error", "api_error", text || "API error"));
      return;
    }
    const blockModel = real ? model : undefined;
    if (typeof content === "string") {
      if (content.trim()) this.push(node, textBlock(this.blockId(uuid, node), ts, content, blockModel));
      return;
    }
    if (!Array.isArray(content)) return;
    for (let i = 0; i < content.length; i++) {
      const part = content[i];
      if (!isObj(part)) continue;
      switch (part.type) {
        case "text": {
          const text = str(part.text) ?? "";
          if (text.trim()) this.push(node, textBlock(this.blockId(uuid, node), ts, text, blockModel));
          break;
        }
        case "thinking": {
          const text = str(part.thinking) ?? "";
          if (text) this.push(node, thinkingBlock(this.blockId(uuid, node), ts, text, false));
          else if (part.signature) this.push(node, thinkingBlock(this.blockId(uuid, node), ts, "", true));
          break;
        }
        case "redacted_thinking":
          this.push(node, thinkingBlock(this.blockId(uuid, node), ts, "", true));
          break;
        case "tool_use":
        case "server_tool_use": {
          const id = str(part.id);
          const name = str(part.name) ?? "unknown";
          const orphan = id !== undefined ? this.orphanResults.get(id) : undefined;
          // A call whose result came first takes over the placeholder's id.
          const block = toolBlock(orphan ? orphan.id : this.blockId(uuid, node, id), ts, id ?? "", name, part.input);
          if (orphan) {
            block.result = orphan.result;
            this.orphanResults.delete(id!);
            this.dropped.add(orphan);
          }
          if (id !== undefined) this.tools.set(id, block);
          this.push(node, block);
          this.noteAgentCall(block);
          break;
        }
        default: {
          // Result blocks of server tools (web_search_tool_result, ...) answer a server_tool_use.
          const toolUseId = str(part.tool_use_id);
          if (toolUseId !== undefined && typeof part.type === "string" && part.type.endsWith("_tool_result")) {
            this.attachResult(part, part.content, ts, node);
            break;
          }
          this.push(node, unknownBlock(this.blockId(uuid, node), ts, typeof part.type === "string" ? part.type : "(no type)", part));
        }
      }
    }
  }

  private noteUsage(key: string, model: string, u: JsonObject): void {
    let entry = this.usageByMessage.get(key);
    if (!entry) this.usageByMessage.set(key, (entry = { model, usage: emptyUsage() }));
    const t = entry.usage;
    t.inputTokens = Math.max(t.inputTokens, num(u.input_tokens));
    t.outputTokens = Math.max(t.outputTokens, num(u.output_tokens));
    t.cacheReadTokens = Math.max(t.cacheReadTokens, num(u.cache_read_input_tokens));
    t.cacheCreationTokens = Math.max(t.cacheCreationTokens, num(u.cache_creation_input_tokens));
  }

  private noteAgentCall(block: ToolBlock): void {
    if (this.agentCallSet.has(block)) return;
    if (block.name === "Task" || block.name === "Agent" || (isObj(block.result?.meta) && typeof block.result.meta.agentId === "string")) {
      this.agentCallSet.add(block);
      this.agentCalls.push(block);
    }
  }

  private system(rec: JsonObject, node: ChainNode, ts: string | undefined): void {
    const subtype = str(rec.subtype) ?? "";
    const uuid = node.uuid;
    if (SILENT_SYSTEM.has(subtype)) return;
    if (subtype === "api_error") {
      this.push(node, noticeBlock(this.blockId(uuid, node), ts, "error", subtype, apiErrorText(rec)));
      return;
    }
    if (subtype === "compact_boundary") {
      const m = isObj(rec.compactMetadata) ? rec.compactMetadata : {};
      const c = head("compaction", this.blockId(uuid, node), ts) as CompactionBlock;
      if (typeof m.trigger === "string") c.trigger = m.trigger;
      if (typeof m.preTokens === "number") c.preTokens = m.preTokens;
      this.lastCompaction = c;
      this.push(node, c);
      return;
    }
    const content = str(rec.content);
    if (content === undefined || !content.trim()) return;
    if (subtype === "local_command") {
      const cls = classifyUserText(content);
      if (cls.kind === "command") {
        this.command(node, ts, cls);
        return;
      }
    }
    const level = rec.level === "error" ? "error" : rec.level === "warning" ? "warning" : "info";
    this.push(node, noticeBlock(this.blockId(uuid, node), ts, level, subtype || "system", content));
  }

  private attachment(rec: JsonObject, node: ChainNode, ts: string | undefined): void {
    const a = isObj(rec.attachment) ? rec.attachment : undefined;
    if (!a) return;
    const type = str(a.type) ?? "";
    if (type === "queued_command") {
      const prompt = str(a.prompt) ?? (Array.isArray(a.prompt) ? a.prompt.filter(isObj).map((p) => str(p.text) ?? "").join("\n\n") : undefined);
      if (!prompt) return;
      const cls = classifyUserText(prompt);
      if (cls.kind === "prompt") this.push(node, promptBlock(this.blockId(node.uuid, node), ts, cls.text), true);
      else if (cls.kind === "command") this.command(node, ts, { ...cls, output: undefined });
      else if (cls.kind === "notice") this.push(node, noticeBlock(this.blockId(node.uuid, node), ts, cls.level, cls.subtype, cls.text));
      return;
    }
    if (type.includes("error")) {
      const text = str(a.content) ?? str(a.stderr) ?? str(a.message) ?? (isObj(a.blockingError) ? str(a.blockingError.blockingError) : undefined) ?? type;
      const name = str(a.hookName);
      this.push(node, noticeBlock(this.blockId(node.uuid, node), ts, "warning", type, name ? `${name}: ${text}` : text));
    }
  }

  /**
   * Whether a record may replay an earlier one: a copy is written after its original, with the
   * original's timestamp, so it is never later than the latest record met. The other records (most,
   * in a file without copies) are not looked up, only remembered.
   */
  private mayReplay(rec: JsonObject): boolean {
    const ts = rec.timestamp as string; // replay keys are made only for records with a timestamp
    if (this.latest === undefined || ts > this.latest) {
      this.latest = ts;
      return false;
    }
    return true;
  }

  private routeSidechain(rec: JsonObject, line: number, keys: string | string[] | undefined): void {
    const parent = str(rec.parentUuid);
    // A replayed record goes to the sidechain its original went to (whose builder skips it).
    let sc = keys !== undefined && this.mayReplay(rec) ? replayOf(this.sidechainReplayed, keys) : undefined;
    if (!sc && parent !== undefined) sc = this.sidechainOf.get(parent);
    if (!sc && parent !== undefined) sc = this.lastSidechain;
    if (!sc) {
      sc = {
        builder: new ClaudeSessionBuilder({ path: this.opts.path, inlineSidechains: false }),
        anchor: this.nodes[this.nodes.length - 1],
        firstLine: line,
      };
      this.sidechains.push(sc);
    }
    this.lastSidechain = sc;
    const uuid = str(rec.uuid);
    if (uuid !== undefined && !this.sidechainOf.has(uuid)) this.sidechainOf.set(uuid, sc);
    if (keys !== undefined) remember(this.sidechainReplayed, keys, sc);
    sc.builder.add(rec, line, keys);
  }

  // -------------------------------------------------------------------------------------------

  /** Inserts a block after the given node (used for sidechains that no call claimed). */
  appendBlock(anchor: ChainNode | undefined, block: Block): void {
    if (anchor) anchor.blocks.push(block);
    else this.nodes.unshift(chainNode(-1, undefined, undefined, false, [block]));
  }

  /** The session id finish() will use. */
  finishId(fallbackId: string): string {
    return this.agentId && !this.opts.inlineSidechains ? this.agentId : (this.sessionId ?? this.sessionIdRecord ?? fallbackId);
  }

  /** Builds the session. `fallbackId` is used when no record names the session. */
  finish(fallbackId: string): Session {
    // File edits, once every result is known (a failed edit changed nothing: no edits).
    for (const block of this.tools.values()) {
      if (block.result?.isError) continue;
      const edits = fileEditsForTool(block.name, block.input, block.result?.meta);
      if (edits) block.edits = edits;
    }
    if (this.dropped.size) {
      for (const n of this.nodes) if (n.blocks.some((b) => this.dropped.has(b))) n.blocks = n.blocks.filter((b) => !this.dropped.has(b));
    }
    const turns = assembleTurns(this.nodes, (uuid) => this.byUuid.get(uuid));

    const usage: Record<string, Usage> = {};
    for (const { model, usage: u } of this.usageByMessage.values()) {
      const t = (usage[model] ??= emptyUsage());
      t.inputTokens += u.inputTokens;
      t.outputTokens += u.outputTokens;
      t.cacheReadTokens += u.cacheReadTokens;
      t.cacheCreationTokens += u.cacheCreationTokens;
    }

    let title = this.customTitle ?? this.aiTitle;
    if (!title && this.summaries.length) {
      const own = this.summaries.filter((s) => s.leafUuid !== undefined && this.byUuid.has(s.leafUuid));
      title = (own.length ? own[own.length - 1] : this.summaries[this.summaries.length - 1]).summary;
    }
    if (!title) title = firstOf(turns, (b) => (b.kind === "prompt" ? b.text : undefined));
    // No prompt at all (a session driven by a slash command): the first command line.
    if (!title) title = firstOf(turns, (b) => (b.kind === "command" && b.name ? (b.args ? `${b.name} ${b.args}` : b.name) : undefined));

    const session: Session = {
      id: this.finishId(fallbackId),
      source: "claude",
      path: this.opts.path,
      ...(title ? titleFields(title) : { title: "" }),
      models: this.models,
      usage,
      turns,
      assistantMessages: this.messageIds.size + this.anonymousMessages,
      stats: this.stats,
    };
    if (this.project !== undefined) session.project = this.project;
    if (this.gitBranch !== undefined) session.gitBranch = this.gitBranch;
    if (this.version !== undefined) session.version = this.version;
    if (this.startedAt !== undefined) session.startedAt = this.startedAt;
    if (this.endedAt !== undefined) session.endedAt = this.endedAt;
    if (this.agentId !== undefined) session.agentId = this.agentId;
    return session;
  }
}

/**
 * What makes a user or assistant record a replay of an earlier one. When Claude Code resumes a
 * session it may write the earlier conversation again into the same file, with new uuids and a
 * new root but the same timestamps and content; it also splits a user message of several text
 * parts into one record per part. So each content part has a key: record type, timestamp and the
 * part's identity (assistant: message id, block type and block id, or the text's length; user:
 * the tool_use id of a tool result, the text itself, an image's size). A record all of whose
 * part keys belong to earlier records is a replay. A prompt typed twice has two timestamps, so
 * other keys. Only fields of the parsed record are read (no line is scanned).
 *
 * Returns one key (the usual one-part record), several, or undefined for a record with no such
 * identity (other types, no timestamp, no content).
 */
export function replayKeys(rec: JsonObject): string | string[] | undefined {
  const type = rec.type;
  if (type !== "user" && type !== "assistant") return undefined;
  const ts = rec.timestamp;
  const msg = rec.message;
  if (typeof ts !== "string" || !isObj(msg)) return undefined;
  const content = msg.content;
  const prefix = type === "user" ? `u\u0000${ts}\u0000` : `a\u0000${ts}\u0000${str(msg.id) ?? ""}\u0000`;
  if (typeof content === "string") return `${prefix}text:${content}`;
  if (!Array.isArray(content)) return undefined;
  if (content.length === 1) return isObj(content[0]) ? prefix + partIdentity(content[0], type === "user") : undefined;
  let one: string | undefined;
  let many: string[] | undefined;
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    if (!isObj(part)) continue;
    const key = prefix + partIdentity(part, type === "user");
    if (one === undefined) one = key;
    else (many ??= [one]).push(key);
  }
  return many ?? one;
}

function partIdentity(part: JsonObject, user: boolean): string {
  let key = typeof part.type === "string" ? `${part.type}:` : ":";
  const id = str(part.id) ?? str(part.tool_use_id);
  if (id !== undefined) key += id;
  else if (typeof part.text === "string") key += user ? part.text : part.text.length;
  else if (typeof part.thinking === "string") key += part.thinking.length;
  else if (isObj(part.source)) {
    const data = part.source.data ?? part.source.url ?? part.source.path;
    if (typeof data === "string") key += data.length;
  }
  return key;
}

/** What an earlier record left under every one of `keys`, or undefined when some key is new. */
function replayOf<T>(seen: Map<string, T>, keys: string | string[]): T | undefined {
  if (typeof keys === "string") return seen.get(keys);
  let first: T | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = seen.get(keys[i]);
    if (v === undefined) return undefined;
    first ??= v;
  }
  return first;
}

/** Records `value` under the keys no earlier record has. */
function remember<T>(seen: Map<string, T>, keys: string | string[], value: T): void {
  if (typeof keys === "string") {
    if (!seen.has(keys)) seen.set(keys, value);
    return;
  }
  for (const k of keys) if (!seen.has(k)) seen.set(k, value);
}

function firstOf(turns: Turn[], pick: (b: Block) => string | undefined): string | undefined {
  for (const t of turns) {
    if (t.abandoned) continue;
    for (const b of t.blocks) {
      const v = pick(b);
      if (v) return v;
    }
  }
  return undefined;
}

// Block constructors. Fields are added in the order the model lists them (kind, id, timestamp,
// then the kind's own), without object spreads: spreads of optional fields made the hot record
// functions large and slow to optimise (JIT time was a good part of a 100 MB parse).

function head<K extends Block["kind"]>(kind: K, id: string, ts: string | undefined): { kind: K; id: string; timestamp?: string } {
  return ts ? { kind, id, timestamp: ts } : { kind, id };
}

function textBlock(id: string, ts: string | undefined, text: string, model: string | undefined): TextBlock {
  const b = head("text", id, ts) as TextBlock;
  b.text = text;
  if (model !== undefined) b.model = model;
  return b;
}

function thinkingBlock(id: string, ts: string | undefined, text: string, encrypted: boolean): ThinkingBlock {
  const b = head("thinking", id, ts) as ThinkingBlock;
  b.text = text;
  if (encrypted) b.encrypted = true;
  return b;
}

function promptBlock(id: string, ts: string | undefined, text: string): PromptBlock {
  const b = head("prompt", id, ts) as PromptBlock;
  b.text = text;
  return b;
}

function commandBlock(id: string, ts: string | undefined, name: string, args: string | undefined, output: string | undefined): CommandBlock {
  const b = head("command", id, ts) as CommandBlock;
  b.name = name;
  if (args !== undefined) b.args = args;
  if (output !== undefined) b.output = output;
  return b;
}

function noticeBlock(id: string, ts: string | undefined, level: NoticeBlock["level"], subtype: string, text: string): NoticeBlock {
  const b = head("notice", id, ts) as NoticeBlock;
  b.level = level;
  b.subtype = subtype;
  b.text = text;
  return b;
}

function unknownBlock(id: string, ts: string | undefined, recordType: string, raw: unknown): UnknownBlock {
  const b = head("unknown", id, ts) as UnknownBlock;
  b.recordType = recordType;
  b.raw = raw;
  return b;
}

function toolBlock(id: string, ts: string | undefined, toolUseId: string, name: string, input: unknown): ToolBlock {
  const b = head("tool", id, ts) as ToolBlock;
  b.toolUseId = toolUseId;
  b.name = name;
  b.input = input;
  return b;
}

/** An image part ({source: {media_type, data | url | path}}) as a block; undefined when it has no image. */
function imageBlock(id: string, ts: string | undefined, part: JsonObject): ImageBlock | undefined {
  const src = isObj(part.source) ? part.source : undefined;
  if (!src) return undefined;
  let data: string | undefined;
  let url: string | undefined;
  if (typeof src.data === "string") data = src.data;
  else if (typeof src.url === "string") url = src.url;
  else if (typeof src.path === "string") url = src.path;
  else return undefined;
  const b = head("image", id, ts) as ImageBlock;
  b.mediaType = str(src.media_type) ?? str(src.mediaType) ?? "image/png";
  if (data !== undefined) b.data = data;
  else b.url = url;
  return b;
}

function resultOf(part: JsonObject, meta: unknown, ts: string | undefined): ToolResult {
  const texts: string[] = [];
  const images: ImageBlock[] = [];
  const c = part.content;
  if (typeof c === "string") texts.push(c);
  else if (Array.isArray(c)) {
    let k = 0;
    for (const p of c) {
      if (!isObj(p)) continue;
      if (p.type === "text" && typeof p.text === "string") texts.push(p.text);
      else if (p.type === "image") {
        const img = imageBlock(`${str(part.tool_use_id) ?? "result"}.img${k}`, ts, p);
        if (img) {
          images.push(img);
          k++;
        }
      } else texts.push(JSON.stringify(p));
    }
  } else if (c !== undefined && c !== null) texts.push(JSON.stringify(c));
  const result: ToolResult = { text: texts.join("\n"), images, isError: part.is_error === true };
  if (ts !== undefined) result.timestamp = ts;
  if (meta !== undefined) result.meta = meta;
  return result;
}

function apiErrorText(rec: JsonObject): string {
  const err = isObj(rec.error) ? rec.error : undefined;
  const cause = isObj(rec.cause) ? rec.cause : err && isObj(err.cause) ? err.cause : undefined;
  const parts: string[] = [];
  const status = err ? (err.status ?? (isObj(err.error) && isObj(err.error.error) ? err.error.error.type : undefined)) : undefined;
  const code = cause ? str(cause.code) : undefined;
  let head = "API error";
  const detail = [status !== undefined ? String(status) : undefined, code].filter(Boolean).join(" ");
  if (detail) head += ` (${detail})`;
  const message = err ? (str(err.message) ?? (isObj(err.error) && isObj(err.error.error) ? str(err.error.error.message) : undefined)) : undefined;
  if (message) head += `: ${message.length > 160 ? message.slice(0, 160) + "…" : message}`;
  parts.push(head);
  if (typeof rec.retryAttempt === "number") {
    let retry = `retry ${rec.retryAttempt}${typeof rec.maxRetries === "number" ? `/${rec.maxRetries}` : ""}`;
    if (typeof rec.retryInMs === "number") retry += ` in ${(rec.retryInMs / 1000).toFixed(1)}s`;
    parts.push(retry);
  }
  return parts.join(", ");
}
