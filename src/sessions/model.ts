/**
 * The session model: what every stage after parsing (privacy, render, viewer, share) works on.
 *
 * A Session is a list of turns; a turn is a list of blocks. A turn starts at a real user prompt
 * (or at the first record, when a session does not start with one) and holds everything up to
 * the next prompt. Tool results are not blocks of their own: they are attached to the tool call
 * they answer (`ToolBlock.result`), and so are file edits (`ToolBlock.edits`) and sub-agents
 * (`ToolBlock.subAgent`), so the renderer finds everything about a call in one place.
 *
 * Everything here is plain data (JSON-serialisable): `panko export --format json` prints it.
 */

export type Source = "claude" | "codex";

/** Token usage, summed. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  /** Claude: the replies counted here (one per message id). */
  replies?: number;
  /**
   * Claude: of those, the replies whose output count is a mid-reply figure (no record of the reply
   * has a stop_reason; sessions/usage.ts). Their real output is higher and not in the transcript.
   */
  midReplyOutputs?: number;
}

/** What the parser noticed but could not use; never fatal on its own. */
export interface ParseStats {
  /** Lines read, including blank and malformed ones. */
  lines: number;
  /** Count of lines that were not valid JSON objects. */
  malformedLines: number;
  /** The first few malformed lines (1-based line number and the reason), for messages. */
  malformed: { line: number; error: string }[];
  /** Records whose `type` (or Codex payload type) the parser does not know; kept as `unknown` blocks. */
  unknownRecords: number;
}

export interface Session {
  id: string;
  source: Source;
  /** The file the session was read from (absolute). */
  path: string;
  /** custom-title, else ai-title, else summary, else the first real prompt (cut to ~100 chars). */
  title: string;
  /**
   * The whole text the title was cut from, when it was cut. The privacy pass redacts this whole
   * value and cuts it again, so a secret split by the cut is still found.
   */
  titleSource?: string;
  /** The working directory the agent ran in (real cwd, not the encoded folder name). */
  project?: string;
  gitBranch?: string;
  /** The pull request the session is linked to (Claude Code's pr-link record; the latest one). */
  pullRequest?: PullRequest;
  /** Agent/CLI version that wrote the file, when recorded. */
  version?: string;
  /** ISO timestamps of the first and last timestamped records. */
  startedAt?: string;
  endedAt?: string;
  /** Models that answered, in order of first appearance. */
  models: string[];
  /** Usage per model id. */
  usage: Record<string, Usage>;
  /**
   * What the session cost by the agent's own count, in US dollars (Claude Code's `cost-state`
   * record, the latest; its sub-agents' calls included). An estimate at API prices.
   */
  costUsd?: number;
  turns: Turn[];
  /**
   * Assistant messages of this session, counted as the listing counts them (Claude: distinct
   * message ids, a streamed message's lines being one; Codex: agent messages, each copy once).
   * Set by the parsers; see sessions/counts.ts.
   */
  assistantMessages?: number;
  stats: ParseStats;
  /** For a sub-agent transcript: its agent id (Claude `agentId`), when known. */
  agentId?: string;
}

export interface Turn {
  /** 0-based position in `Session.turns`; stable anchor for permalinks (`#turn-N`). */
  index: number;
  /** The uuid (or synthetic id) of the record that opened the turn. */
  id: string;
  timestamp?: string;
  /**
   * True for a turn on a branch the user rewound away from (Claude Code rewinds fork the
   * parentUuid chain). Abandoned turns are placed just before the turn that replaced them,
   * never interleaved with the branch that continued.
   */
  abandoned?: boolean;
  blocks: Block[];
}

interface BlockBase {
  /** Unique within the session (record uuid, tool_use id, or a synthetic `b<N>`). */
  id: string;
  timestamp?: string;
}

export interface PullRequest {
  number: number;
  url: string;
  /** e.g. "owner/repo". */
  repository: string;
}

/** A real user prompt (not isMeta, not a command wrapper). */
export interface PromptBlock extends BlockBase {
  kind: "prompt";
  /** What the user typed (harness and IDE wrappers removed). */
  text: string;
  /**
   * Context the IDE put before the request (Codex "# Context from my IDE setup: ..." preamble),
   * kept whole to show collapsed; not part of `text`.
   */
  context?: string;
}

/** A slash command the user ran (`<command-name>` wrappers), shown quietly. */
export interface CommandBlock extends BlockBase {
  kind: "command";
  /** e.g. "/compact" */
  name: string;
  args?: string;
  /** Output of a local command (`<local-command-stdout>`), when recorded. */
  output?: string;
}

export interface TextBlock extends BlockBase {
  kind: "text";
  /** Markdown as written by the assistant. */
  text: string;
  model?: string;
  /**
   * Codex `phase` of an assistant message: "commentary" (progress notes while working) or
   * "final" (the turn's answer). Absent when the agent does not say (Claude, older Codex).
   */
  phase?: "commentary" | "final";
}

export interface ThinkingBlock extends BlockBase {
  kind: "thinking";
  /** Empty when the content is encrypted/redacted by the provider. */
  text: string;
  encrypted?: boolean;
}

export interface ImageBlock extends BlockBase {
  kind: "image";
  /** e.g. "image/png" */
  mediaType: string;
  /** Base64 payload (no data: prefix), when embedded. */
  data?: string;
  /** Remote or file URL, when the image is referenced instead of embedded. */
  url?: string;
}

export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

export interface DiffHunk {
  /** 1-based start lines; 0 when unknown (e.g. an Edit whose file position was not recorded). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

/** One file changed by one tool call, as a real line diff. */
export interface FileEdit {
  path: string;
  /** create: Write of a new file / apply_patch Add; delete: apply_patch Delete; move: apply_patch Move. */
  change: "create" | "update" | "delete" | "move";
  /** For a move, where the file went. */
  movePath?: string;
  hunks: DiffHunk[];
  added: number;
  removed: number;
}

export interface ToolResult {
  /** Text of the result (text parts joined with newlines). */
  text: string;
  /** Images returned by the tool (e.g. Read of a PNG, screenshots). */
  images: ImageBlock[];
  isError: boolean;
  timestamp?: string;
  /**
   * Structured result the agent recorded beside the text (Claude `toolUseResult`, Codex output
   * metadata), kept for renderers that can use it (Bash stdout/stderr, TodoWrite, ...). As
   * recorded, except Claude's `originalFile` / `originalFileContents` (the whole file before an
   * edit), dropped once the call's edits are computed (sessions/claude/result-meta.ts).
   */
  meta?: unknown;
}

/** A tool call, with what answered it attached in place. */
export interface ToolBlock extends BlockBase {
  kind: "tool";
  /** tool_use id / Codex call_id. */
  toolUseId: string;
  /** Tool name as called (Bash, Edit, mcp__server__tool, exec_command, apply_patch, ...). */
  name: string;
  /** Parsed input (Codex string arguments are JSON-parsed when they are JSON). */
  input: unknown;
  result?: ToolResult;
  /**
   * Line diffs for Edit / MultiEdit / Write / NotebookEdit / apply_patch. Claude's are computed
   * when first read (sessions/claude/edits.ts); reading or serialising gives plain data.
   */
  edits?: FileEdit[];
  /** The sub-agent this call spawned (Task / Agent), parsed as a nested session. */
  subAgent?: Session;
  /**
   * Not a call the agent recorded: a stand-in the parser made to show something at its place (a
   * result whose call is missing; an inline sub-agent no call claims). Not counted as a tool call.
   */
  placeholder?: true;
}

/** A compaction boundary; `summary` is the text the conversation continued from. */
export interface CompactionBlock extends BlockBase {
  kind: "compaction";
  summary?: string;
  trigger?: string;
  preTokens?: number;
}

/** System notices: api_error, retries, hook output, informational system lines. */
export interface NoticeBlock extends BlockBase {
  kind: "notice";
  level: "error" | "warning" | "info";
  /** Record subtype, e.g. "api_error". */
  subtype: string;
  text: string;
}

/** Anything not understood, kept whole so nothing is lost. */
export interface UnknownBlock extends BlockBase {
  kind: "unknown";
  /** The record (or block) type that was not understood. */
  recordType: string;
  raw: unknown;
}

export type Block =
  | PromptBlock
  | CommandBlock
  | TextBlock
  | ThinkingBlock
  | ImageBlock
  | ToolBlock
  | CompactionBlock
  | NoticeBlock
  | UnknownBlock;

export type BlockKind = Block["kind"];

/** A cheap description of a session for listings; built from the head and tail of the file. */
export interface SessionSummary {
  id: string;
  /** The session id recorded inside the file, when it is not `id` (a Claude file renamed or copied). */
  sessionId?: string;
  source: Source;
  path: string;
  project?: string;
  title: string;
  /** The first real prompt, its start (up to FIRST_PROMPT_MAX characters, line breaks kept). */
  firstPrompt?: string;
  gitBranch?: string;
  createdAt?: string;
  updatedAt?: string;
  /** Real user prompts. */
  prompts: number;
  /** Assistant messages (distinct message ids for Claude; agent messages for Codex). */
  assistantMessages: number;
  /** Tool name -> number of calls. */
  tools: Record<string, number>;
  models: string[];
  /** File size in bytes (the main file; sub-agent files not included). */
  size: number;
  mtimeMs: number;
}

export function emptyUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 };
}

export function emptyStats(): ParseStats {
  return { lines: 0, malformedLines: 0, malformed: [], unknownRecords: 0 };
}
