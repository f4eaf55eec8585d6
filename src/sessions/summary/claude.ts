/**
 * Summary of a Claude Code transcript (one JSONL file), built cheaply for listings.
 *
 * Two ways to read the lines, chosen by file size (`exactMaxBytes`, default EXACT_MAX_BYTES):
 *
 * - exact (small files, the vast majority): every line up to GIANT_LINE bytes is JSON.parsed and
 *   counted from the record itself.
 * - scan (large files): lines are classified from their first few KB without parsing them. Only
 *   the rare lines whose content matters are JSON.parsed: user lines that are not tool results
 *   (prompt candidates; small) and title records (summary / custom-title / ai-title). Assistant
 *   lines, which are most of a file, are read at the byte level: message id and model from the
 *   line's start, tool calls by counting `"type":"tool_use"` markers (and the server and MCP
 *   connector calls', `server_tool_use` / `mcp_tool_use`) and reading the `"name":"`, `"id":"`
 *   (and `"server_name":"`) that follow each. This relies on the key order Claude Code writes (`type` before
 *   `message` on user/progress/system lines, `message.{model,id,type,role}` first on assistant
 *   lines, `{"type":"tool_use","id":…,"name":…}` in tool blocks); test/sessions/summary.test.ts
 *   checks that both ways give the same counts on real transcripts. The whole file is still read
 *   (through one 1 MB buffer; a 90 MB file scans in well under a second), so the counts are not
 *   sampled estimates.
 *
 * In both ways, lines over GIANT_LINE bytes (base64 images, huge tool outputs or Write inputs) are
 * never assembled or parsed: their start is classified and tool-call markers are counted across
 * the pieces. Timestamps: exact mode takes the first/last record timestamps; scan mode reads them
 * from the head and tail (64 KB each) of the file.
 *
 * What counts: sidechain lines (`isSidechain: true`, the old inline sub-agent layout) are sub-agent
 * work and are left out of prompts, assistant messages, tools and models, as the newer sub-agent
 * files are. Prompts are user texts classifyUserText calls prompts (not isMeta, not command
 * wrappers, not harness notices, not tool results), and queued commands somebody sent (typed
 * while the agent worked); a message of images only has no words and is no prompt, as in check.
 * A prompt met again with the same timestamp and text is not counted again: a resumed session may
 * hold a copy of its earlier conversation (new uuids, same timestamps and content), and the copy
 * may split a message of several text parts into one line per part. Assistant messages
 * are distinct `message.id`s (streamed lines share one). Tool calls are deduplicated by tool_use
 * id. The `<synthetic>` model is not a model. Title: custom-title, else ai-title, else the last
 * `summary` record, else the first real prompt, else the first slash command (`/name args`).
 * Times: the earliest and latest timestamps seen (ISO strings compare in time order).
 */
import { basename } from "node:path";
import type { SessionSummary } from "../model.ts";
import { classifyUserText, queuedByPerson, queuedText } from "../claude/prompt.ts";
import { TOOL_CALL_TYPES, toolCallName } from "../claude/fields.ts";
import { cutTitle } from "../title.ts";
import { MarkerCounter, jsonStringAt, jsonStringField, parseLine, readLines, type LineSink } from "./lines.ts";
import { EXACT_MAX_BYTES, UNTITLED, firstPromptOf, headTailTimestamps, normalizeTs, type FileStat, type SummaryOptions } from "./common.ts";

const PREFIX = 2048;
/** The markers of tool calls in an assistant line (fields.ts TOOL_CALL_TYPES). */
const TOOL_MARKERS = TOOL_CALL_TYPES.map((type) => ({ type, marker: Buffer.from(`"type":"${type}"`) }));
const TOOL_USE_END = Buffer.from('tool_use"');
const TOOL_TAIL = 512;

type Rec = Record<string, unknown>;

class ClaudeAccumulator {
  conversation = false;
  cwd?: string;
  gitBranch?: string;
  firstTs?: string;
  lastTs?: string;
  /** The first sessionId a record names. */
  sessionId?: string;
  prompts = 0;
  /** timestamp + prompt text of the prompts counted (a resumed session's copy is not counted again). */
  private promptKeys = new Set<string>();
  firstPrompt?: string;
  firstCommand?: string;
  customTitle?: string;
  aiTitle?: string;
  summaryTitle?: string;
  messageIds = new Set<string>();
  anonymousMessages = 0;
  toolIds = new Set<string>();
  tools: Record<string, number> = {};
  models: string[] = [];

  time(ts: string) {
    if (this.firstTs === undefined || ts < this.firstTs) this.firstTs = ts;
    if (this.lastTs === undefined || ts > this.lastTs) this.lastTs = ts;
  }

  place(cwd: unknown, branch: unknown) {
    if (this.cwd === undefined && typeof cwd === "string" && cwd) this.cwd = cwd;
    if (typeof branch === "string" && branch) this.gitBranch = branch;
  }

  model(m: unknown) {
    if (typeof m === "string" && m && m !== "<synthetic>" && !this.models.includes(m)) this.models.push(m);
  }

  tool(name: string | undefined, id: string | undefined) {
    if (!name) return;
    if (id) {
      if (this.toolIds.has(id)) return;
      this.toolIds.add(id);
    }
    this.tools[name] = (this.tools[name] ?? 0) + 1;
  }

  message(id: string | undefined) {
    if (id) this.messageIds.add(id);
    else this.anonymousMessages++;
  }

  /** A user text. */
  userText(text: string, isMeta: boolean, ts: unknown) {
    const kind = classifyUserText(text, isMeta);
    if (kind.kind === "command" && kind.name && this.firstCommand === undefined) {
      this.firstCommand = kind.args ? `${kind.name} ${kind.args}` : kind.name;
    }
    const words = kind.kind === "prompt" ? kind.text : kind.kind === "command" ? kind.text : undefined;
    if (words === undefined) return;
    if (this.replayed(ts, words)) return;
    this.prompts++;
    this.firstPrompt ??= words;
  }

  /** Whether a prompt with this timestamp and text was counted already (and notes it if not). */
  private replayed(ts: unknown, text: string): boolean {
    if (typeof ts !== "string") return false;
    const key = `${ts}\u0000${text}`;
    if (this.promptKeys.has(key)) return true;
    this.promptKeys.add(key);
    return false;
  }

  /** One parsed record; `timed`: take its timestamp as a time of the session (exact mode). */
  record(r: Rec, timed = true) {
    if (timed && typeof r.timestamp === "string") this.time(r.timestamp);
    if (this.sessionId === undefined && typeof r.sessionId === "string" && r.sessionId) this.sessionId = r.sessionId;
    const side = r.isSidechain === true;
    switch (r.type) {
      case "user": {
        this.conversation = true;
        if (side) return;
        this.place(r.cwd, r.gitBranch);
        this.user(r);
        return;
      }
      case "assistant": {
        this.conversation = true;
        if (side) return;
        this.place(r.cwd, r.gitBranch);
        const msg = (r.message ?? {}) as Rec;
        this.message(typeof msg.id === "string" ? msg.id : undefined);
        this.model(msg.model);
        if (Array.isArray(msg.content)) {
          for (const b of msg.content as Rec[]) {
            if (b && (TOOL_CALL_TYPES as readonly unknown[]).includes(b.type)) {
              this.tool(toolCallName(b.type, typeof b.name === "string" ? b.name : undefined, typeof b.server_name === "string" ? b.server_name : undefined), typeof b.id === "string" ? b.id : undefined);
            }
          }
        }
        return;
      }
      case "attachment": {
        // A prompt typed while the agent worked (as the builder reads it: system.ts).
        const a = r.attachment as Rec | undefined;
        if (side || !a || a.type !== "queued_command" || !queuedByPerson(a)) return;
        const text = queuedText(a);
        if (text) this.userText(text, false, r.timestamp);
        return;
      }
      case "summary":
        if (typeof r.summary === "string" && r.summary.trim()) this.summaryTitle = r.summary;
        return;
      case "custom-title": {
        const t = r.customTitle ?? r.title;
        if (typeof t === "string" && t.trim()) this.customTitle = t;
        return;
      }
      case "ai-title": {
        const t = r.aiTitle ?? r.title;
        if (typeof t === "string" && t.trim()) this.aiTitle = t;
        return;
      }
      default:
        if (!side) this.place(r.cwd, r.gitBranch);
    }
  }

  private user(r: Rec) {
    if (r.isCompactSummary === true) return; // the summary a compacted conversation continues from
    const content = (r.message as Rec | undefined)?.content;
    const isMeta = r.isMeta === true;
    if (typeof content === "string") return this.userText(content, isMeta, r.timestamp);
    if (!Array.isArray(content)) return;
    const texts: string[] = [];
    for (const part of content as Rec[]) {
      if (!part) continue;
      if (part.type === "tool_result") return; // tool results are never prompts
      if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    }
    if (texts.length) this.userText(texts.join("\n"), isMeta, r.timestamp);
  }
}

/** Reads the summary of one Claude Code transcript; null when the file holds no conversation. */
export function summarizeClaude(path: string, stat: FileStat, opts: SummaryOptions = {}): SessionSummary | null {
  const acc = new ClaudeAccumulator();
  const exact = stat.size <= (opts.exactMaxBytes ?? EXACT_MAX_BYTES);
  readLines(path, exact ? exactSink(acc) : scanSink(acc));
  if (!acc.conversation) return null;

  let createdAt = acc.firstTs;
  let updatedAt = acc.lastTs;
  if (!exact) {
    const ht = headTailTimestamps(path, stat.size);
    createdAt = ht.createdAt ?? acc.firstTs;
    updatedAt = ht.updatedAt ?? acc.lastTs;
  }
  const title = acc.customTitle ?? acc.aiTitle ?? acc.summaryTitle ?? acc.firstPrompt ?? acc.firstCommand;
  const id = basename(path).replace(/\.jsonl$/, "");
  return {
    id,
    ...(acc.sessionId && acc.sessionId !== id ? { sessionId: acc.sessionId } : {}),
    source: "claude",
    path,
    ...(acc.cwd ? { project: acc.cwd } : {}),
    title: title ? cutTitle(title) || UNTITLED : UNTITLED,
    ...firstPromptOf(acc.firstPrompt),
    ...(acc.gitBranch ? { gitBranch: acc.gitBranch } : {}),
    ...(createdAt ? { createdAt: normalizeTs(createdAt) } : {}),
    ...(updatedAt ? { updatedAt: normalizeTs(updatedAt) } : {}),
    prompts: acc.prompts,
    assistantMessages: acc.messageIds.size + acc.anonymousMessages,
    tools: acc.tools,
    models: acc.models,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

function exactSink(acc: ClaudeAccumulator): LineSink {
  const giant = giantHandler(acc);
  return {
    line(buf, start, end) {
      const r = parseLine(buf, start, end);
      if (r) acc.record(r);
    },
    giant,
  };
}

function scanSink(acc: ClaudeAccumulator): LineSink {
  const giant = giantHandler(acc);
  return {
    line(buf, start, end) {
      const p = buf.toString("utf8", start, Math.min(end, start + PREFIX));
      acc.sessionId ??= jsonStringField(p, "sessionId") || undefined;
      const kind = classifyPrefix(p);
      switch (kind.type) {
        case "sidechain":
          acc.conversation ||= kind.conversation;
          return;
        case "user":
          if (p.includes('"type":"tool_result"')) {
            acc.conversation = true;
            acc.place(jsonStringField(p, "cwd"), jsonStringField(p, "gitBranch"));
            return;
          }
          // Prompt candidates are parsed exactly (they are few and small).
          {
            const r = parseLine(buf, start, end);
            if (r) acc.record(r, false);
          }
          return;
        case "assistant": {
          acc.conversation = true;
          scanAssistantStart(acc, p);
          const line = buf.subarray(start, end);
          // One pass: every marker ends with `tool_use"`; which one it is, the bytes before say.
          for (let i = line.indexOf(TOOL_USE_END); i !== -1; i = line.indexOf(TOOL_USE_END, i + TOOL_USE_END.length)) {
            const end = i + TOOL_USE_END.length;
            for (const { type, marker } of TOOL_MARKERS) {
              if (endsWithAt(line, end, marker)) {
                toolFromTail(acc, type, line.subarray(end, end + TOOL_TAIL));
                break;
              }
            }
          }
          return;
        }
        case "whole": {
          const r = parseLine(buf, start, end);
          if (r) acc.record(r, false);
          return;
        }
        default:
          acc.place(jsonStringField(p, "cwd"), jsonStringField(p, "gitBranch"));
      }
    },
    giant,
  };
}

type PrefixKind =
  | { type: "sidechain"; conversation: boolean }
  | { type: "user" | "assistant" | "whole" | "other" }; // whole: parsed and taken as a record

/** What a line is, from its first few KB (see the header for the key order this relies on). */
function classifyPrefix(p: string): PrefixKind {
  const t = jsonStringField(p, "type");
  const conversational = t === "user" || t === "assistant" || t === "message" || p.includes('"role":"');
  if (p.includes('"isSidechain":true') && !p.includes('"isSidechain":false')) return { type: "sidechain", conversation: conversational };
  switch (t) {
    case "user":
      return { type: "user" };
    case "assistant":
    case "message":
      return { type: "assistant" };
    case "summary":
    case "custom-title":
    case "ai-title":
      return { type: "whole" };
    case "attachment":
      // Parsed whole only for a queued command (a prompt typed while the agent worked).
      return p.includes('"queued_command"') ? { type: "whole" } : { type: "other" };
    case "text":
    case "tool_result":
    case "image":
      // `type` written after `message` (not what Claude Code does today): fall back on the role.
      if (p.includes('"role":"user"')) return { type: "user" };
      if (p.includes('"role":"assistant"')) return { type: "assistant" };
      return { type: "other" };
    default:
      return { type: "other" };
  }
}

function scanAssistantStart(acc: ClaudeAccumulator, p: string) {
  acc.place(jsonStringField(p, "cwd"), jsonStringField(p, "gitBranch"));
  const msgAt = p.indexOf('"message":{');
  const from = msgAt === -1 ? 0 : msgAt;
  acc.message(jsonStringField(p, "id", from));
  acc.model(jsonStringField(p, "model", from));
}

/** Whether `buf` holds `marker` just before `end` (compared from the end: most candidates fail at once). */
function endsWithAt(buf: Buffer, end: number, marker: Buffer): boolean {
  if (end < marker.length) return false;
  for (let k = 1; k <= marker.length; k++) if (buf[end - k] !== marker[marker.length - k]) return false;
  return true;
}

function toolFromTail(acc: ClaudeAccumulator, type: string, tail: Buffer) {
  const t = tail.toString("utf8");
  acc.tool(toolCallName(type, jsonStringField(t, "name"), jsonStringField(t, "server_name")), jsonStringField(t, "id"));
}

/** Lines too long to parse: classified from their start; tool calls counted across pieces. */
function giantHandler(acc: ClaudeAccumulator): LineSink["giant"] {
  let counters: MarkerCounter[] | undefined;
  let tail: Buffer = Buffer.alloc(0);
  let userPrefix: string | undefined; // set while in a user line that may be a prompt
  return (piece, first, last) => {
    if (first) {
      counters = undefined;
      userPrefix = undefined;
      tail = Buffer.alloc(0);
      const p = piece.toString("utf8", 0, Math.min(piece.length, PREFIX));
      const kind = classifyPrefix(p);
      if (kind.type === "sidechain") acc.conversation ||= kind.conversation;
      else if (kind.type === "assistant") {
        acc.conversation = true;
        scanAssistantStart(acc, p);
        counters = TOOL_MARKERS.map(({ type, marker }) => new MarkerCounter(marker, TOOL_TAIL, (t) => toolFromTail(acc, type, t)));
      } else if (kind.type === "user") {
        acc.conversation = true;
        acc.place(jsonStringField(p, "cwd"), jsonStringField(p, "gitBranch"));
        if (!p.includes('"type":"tool_result"') && !p.includes('"isMeta":true')) userPrefix = p;
      } else if (kind.type === "other") {
        acc.place(jsonStringField(p, "cwd"), jsonStringField(p, "gitBranch"));
      }
    }
    if (counters) for (const c of counters) c.feed(piece, last);
    // Keep the line's last bytes: its timestamp (and a prompt's text after an image) are there.
    tail = piece.length >= GIANT_TAIL ? piece.subarray(piece.length - GIANT_TAIL) : Buffer.concat([tail, piece]).subarray(-GIANT_TAIL);
    if (!last) {
      tail = Buffer.from(tail); // the reader reuses its buffer
      return;
    }
    counters = undefined;
    const end = tail.toString("utf8");
    const ts = lastMatch(end, TIMESTAMP);
    if (ts) acc.time(ts);
    if (userPrefix !== undefined) {
      // A prompt carrying an image or a huge paste: its text parts from the line's start and end.
      const texts = [...allStrings(userPrefix, '"type":"text","text":"'), ...allStrings(end, '"type":"text","text":"')];
      const content = jsonStringField(userPrefix, "content", userPrefix.indexOf('"message":'));
      if (content !== undefined) texts.unshift(content);
      if (texts.length) acc.userText(texts.join("\n"), false, ts);
      userPrefix = undefined;
    }
  };
}

const GIANT_TAIL = 8192;
const TIMESTAMP = /"timestamp":"([^"\\]{10,40})"/g;

function lastMatch(text: string, re: RegExp): string | undefined {
  let out: string | undefined;
  for (const m of text.matchAll(re)) out = m[1];
  return out;
}

/** Every whole JSON string value that follows `marker` in `text`. */
function allStrings(text: string, marker: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
    const v = jsonStringAt(text, at + marker.length);
    if (v !== undefined) out.push(v);
  }
  return out;
}
