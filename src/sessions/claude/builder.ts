/**
 * Turns Claude Code records, fed one at a time in file order, into a Session.
 *
 * Exported: ClaudeSessionBuilder (add(rec, line) per record, then finish()), KNOWN_RECORD_TYPES.
 * parse.ts drives it from the streaming JSONL reader; it is also used for each sub-agent.
 *
 * This file holds the dispatch, the uuid chain, duplicates, replays and sidechain routing; each
 * record kind is handled in a file of its own: user.ts (user records), assistant.ts (assistant
 * records), tool-results.ts (results attached to their calls), system.ts (system records,
 * attachments, bookkeeping types), with replay.ts (replay keys) and blocks.ts (block constructors).
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
 *   whose call never comes is shown as a ToolBlock named "unknown"); the line's `toolUseResult` becomes result.meta when the line has one result
 *   (slimmed: result-meta.ts); file edits are set at finish and computed when read (edits.ts).
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
 *   local_command -> CommandBlock; turn_duration, file_snapshot -> nothing; other subtypes -> NoticeBlock with
 *   the record's level when they carry text.
 * - summary / ai-title / custom-title -> title candidates; session-id -> id fallback; pr-link ->
 *   Session.pullRequest (the latest); cost-state -> Session.costUsd (the latest);
 *   progress, queue-operation, file-history-snapshot, the re-appended session state (agent name,
 *   mode, tag, worktree, ...; system.ts SILENT_TYPES): bookkeeping, consumed silently
 *   (still kept in the uuid chain).
 * - attachment: queued_command (typed while the agent worked) -> prompt/command; a hook's
 *   message to the user and a stop it made (as Claude Code shows them) -> notices; attachments
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
import type { JsonObject } from "../jsonl.ts";
import { emptyStats, emptyUsage, type Block, type CompactionBlock, type ParseStats, type PullRequest, type Session, type ToolBlock, type Turn, type Usage } from "../model.ts";
import { addAssistant } from "./assistant.ts";
import { unknownBlock } from "./blocks.ts";
import { settleEdits } from "./edits.ts";
import { dropOriginals } from "./result-meta.ts";
import { assembleTurns, chainNode, type ChainNode } from "./chain.ts";
import { str } from "./fields.ts";
import { remember, replayKeys, replayOf } from "./replay.ts";
import { addAttachment, addSystem, KNOWN_RECORD_TYPES, SILENT_TYPES } from "./system.ts";
import { addUser } from "./user.ts";

export { KNOWN_RECORD_TYPES } from "./system.ts";
export { replayKeys } from "./replay.ts";

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
  agentCallSet = new Set<ToolBlock>();
  readonly sidechains: InlineSidechain[] = [];
  /** Raw text of the first user record (a sub-agent's prompt, for linking). */
  firstUserText: string | undefined;
  /** agentId found on the records (sub-agent transcripts). */
  agentId: string | undefined;
  /** Records that looked like a Claude session at all. */
  sessionRecords = 0;
  /** user / assistant / system / attachment records: a conversation, not just bookkeeping. */
  conversationRecords = 0;

  // The state below is written by the record handlers (user.ts, assistant.ts, tool-results.ts,
  // system.ts), which are this class's methods kept in files of their own; nothing else touches it.
  nodes: ChainNode[] = [];
  /** Every uuid seen (later copies are duplicates), with its node: the chain walk's index. */
  byUuid = new Map<string, ChainNode>();
  blockIds = new Set<string>();
  /** Replay key (see replayKeys) -> the node of the first record with it. */
  private replayed = new Map<string, ChainNode>();
  /** Replay key -> the inline sidechain its first record went to (main files). */
  private sidechainReplayed = new Map<string, InlineSidechain>();
  /** Latest timestamp of the records with replay keys (see mayReplay). */
  latest: string | undefined;
  synthetic = 0;
  /** Assistant message ids met (a streamed message is one), and messages without an id. */
  messageIds = new Set<string>();
  anonymousMessages = 0;
  tools = new Map<string, ToolBlock>();
  /** Result metas still holding the original file an edit may be diffed against (result-meta.ts). */
  originals = new Set<unknown>();
  /** Results whose call has not been seen yet: placeholder ToolBlocks. */
  orphanResults = new Map<string, ToolBlock>();
  dropped = new Set<Block>();
  /** The nodes that hold placeholders (where dropped ones are taken out). */
  placeholderNodes = new Set<ChainNode>();
  usageByMessage = new Map<string, { model: string; usage: Usage; final: boolean }>();
  models: string[] = [];
  modelSet = new Set<string>();
  lastCompaction: CompactionBlock | undefined;
  lastBlock: Block | undefined;
  private sidechainOf = new Map<string, InlineSidechain>();
  private lastSidechain: InlineSidechain | undefined;

  sessionId: string | undefined;
  sessionIdRecord: string | undefined;
  project: string | undefined;
  gitBranch: string | undefined;
  version: string | undefined;
  startedAt: string | undefined;
  endedAt: string | undefined;
  customTitle: string | undefined;
  aiTitle: string | undefined;
  summaries: { summary: string; leafUuid?: string }[] = [];
  pullRequest: PullRequest | undefined;
  costUsd: number | undefined;

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
    // The parent is usually the record just read: found now, while it is at hand (an uuid's node
    // never changes once set, so this is what assembleTurns' lookup would find).
    if (node.parent !== undefined) node.knownParent = this.byUuid.get(node.parent);
    const ts = str(rec.timestamp);
    switch (type) {
      case "user":
        addUser(this, rec, node, ts);
        break;
      case "assistant":
        addAssistant(this, rec, node, ts);
        break;
      case "system":
        addSystem(this, rec, node, ts);
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
      case "cost-state":
        if (typeof rec.totalCostUSD === "number" && Number.isFinite(rec.totalCostUSD) && rec.totalCostUSD >= 0) this.costUsd = rec.totalCostUSD;
        break;
      case "pr-link": {
        const url = str(rec.prUrl);
        if (url && typeof rec.prNumber === "number") this.pullRequest = { number: rec.prNumber, url, repository: str(rec.prRepository) ?? "" };
        break;
      }
      case "attachment":
        addAttachment(this, rec, node, ts);
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

  blockId(uuid: string | undefined, node: ChainNode, preferred?: string): string {
    let id = preferred ?? (uuid === undefined ? undefined : node.blocks.length === 0 ? uuid : `${uuid}.${node.blocks.length}`);
    if (id === undefined || this.blockIds.has(id)) {
      do id = `b${this.synthetic++}`;
      while (this.blockIds.has(id));
    }
    this.blockIds.add(id);
    return id;
  }

  push(node: ChainNode, b: Block, userInput = false, content = b.kind !== "notice" && b.kind !== "compaction" && b.kind !== "unknown"): void {
    node.blocks.push(b);
    if (userInput) (node.userInput ??= new Set()).add(b);
    if (content) node.content = true;
    this.lastBlock = b;
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
    // File edits, once every result is known (edits.ts); then the original files they needed go.
    settleEdits(this.tools.values(), this.originals);
    dropOriginals(this.originals);
    if (this.dropped.size) {
      for (const n of this.placeholderNodes) if (n.blocks.some((b) => this.dropped.has(b))) n.blocks = n.blocks.filter((b) => !this.dropped.has(b));
    }
    const turns = assembleTurns(this.nodes, (uuid) => this.byUuid.get(uuid));

    const usage: Record<string, Usage> = {};
    for (const { model, usage: u, final } of this.usageByMessage.values()) {
      const t = (usage[model] ??= { ...emptyUsage(), replies: 0, midReplyOutputs: 0 });
      t.inputTokens += u.inputTokens;
      t.outputTokens += u.outputTokens;
      t.cacheReadTokens += u.cacheReadTokens;
      t.cacheCreationTokens += u.cacheCreationTokens;
      t.replies!++;
      if (!final) t.midReplyOutputs!++;
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
    if (this.pullRequest !== undefined) session.pullRequest = this.pullRequest;
    if (this.costUsd !== undefined) session.costUsd = this.costUsd;
    if (this.version !== undefined) session.version = this.version;
    if (this.startedAt !== undefined) session.startedAt = this.startedAt;
    if (this.endedAt !== undefined) session.endedAt = this.endedAt;
    if (this.agentId !== undefined) session.agentId = this.agentId;
    return session;
  }
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
