/**
 * Summary of a Codex CLI rollout (`{timestamp, type, payload}` per line), built cheaply.
 *
 * Same two ways as claude.ts: small files are read exactly (lines JSON-parsed); files over
 * `exactMaxBytes` are scanned, classifying each line from its start (`"type":"…"` of the record,
 * then of the payload — Codex writes `timestamp`, `type`, `payload` in that order) and parsing only
 * the small lines that matter (session_meta, turn_context, user messages). Lines over GIANT_LINE
 * bytes are never parsed. Old rollouts without the `{type, payload}` wrapper are understood in
 * exact mode only.
 *
 * What counts: user and agent messages are written twice (event_msg and response_item), so
 * prompts = event_msg user_message count when there is one, else response_item user messages that
 * are not injected context (environment_context, AGENTS.md, ...); assistantMessages = the larger of
 * event_msg agent_message and response_item assistant messages. Tools: function_call /
 * custom_tool_call (by name), local_shell_call, web_search_call, tool_search_call, image_generation_call (or its
 * image_generation_end event), deduplicated by call id. Title: the thread's name
 * (thread_name_updated, latest wins), else the first prompt. Models:
 * turn_context `model`. Project: session_meta `cwd` (else turn_context). Branch: session_meta `git`.
 */
import { basename } from "node:path";
import type { SessionSummary } from "../model.ts";
import { classifyCodexUserText, isInjection } from "../codex/user.ts";
import { callName } from "../codex/tools.ts";
import { cutTitle } from "../title.ts";
import { jsonStringField, parseLine, readLines, type LineSink } from "./lines.ts";
import { EXACT_MAX_BYTES, UNTITLED, firstPromptOf, headTailTimestamps, normalizeTs, type FileStat, type SummaryOptions } from "./common.ts";

const PREFIX = 2048;
type Rec = Record<string, unknown>;

const RESPONSE_TYPES = new Set(["message", "reasoning", "function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output", "local_shell_call", "web_search_call"]);

class CodexAccumulator {
  valid = false;
  id?: string;
  cwd?: string;
  gitBranch?: string;
  firstTs?: string;
  lastTs?: string;
  eventUser = 0;
  eventFirst?: string;
  itemUser = 0;
  itemFirst?: string;
  eventAgent = 0;
  itemAssistant = 0;
  /** The name the user gave the thread (thread_name_updated), latest wins. */
  threadName?: string;
  callIds = new Set<string>();
  tools: Record<string, number> = {};
  models: string[] = [];

  meta(p: Rec) {
    this.valid = true;
    if (typeof p.id === "string" && p.id) this.id ??= p.id;
    if (typeof p.cwd === "string" && p.cwd) this.cwd ??= p.cwd;
    const git = p.git as Rec | undefined;
    if (git && typeof git.branch === "string" && git.branch) this.gitBranch = git.branch;
  }

  context(p: Rec) {
    if (typeof p.cwd === "string" && p.cwd) this.cwd ??= p.cwd;
    this.model(p.model);
  }

  model(m: unknown) {
    if (typeof m === "string" && m && !this.models.includes(m)) this.models.push(m);
  }

  tool(name: unknown, callId: unknown) {
    if (typeof name !== "string" || !name) return;
    if (typeof callId === "string" && callId) {
      if (this.callIds.has(callId)) return;
      this.callIds.add(callId);
    }
    this.tools[name] = (this.tools[name] ?? 0) + 1;
  }

  /** A user message event: a prompt when the parser would call it one (no `!` command, no abort marker). */
  eventUserMessage(text: unknown) {
    const cls = typeof text === "string" ? classifyCodexUserText(text) : undefined;
    if (cls && cls.kind !== "prompt") return;
    this.eventUser++;
    if (this.eventFirst === undefined && cls?.kind === "prompt") this.eventFirst = cls.request;
  }

  itemUserMessage(text: string | undefined) {
    if (text !== undefined && isInjection(text)) return;
    // An image-only message (no text) is a prompt; `!` commands and abort markers are not.
    const cls = text !== undefined ? classifyCodexUserText(text) : undefined;
    if (cls && cls.kind !== "prompt" && cls.kind !== "ignore") return;
    this.itemUser++;
    if (this.itemFirst === undefined && cls?.kind === "prompt") this.itemFirst = cls.request;
  }

  record(r: Rec) {
    if (typeof r.timestamp === "string") {
      if (this.firstTs === undefined || r.timestamp < this.firstTs) this.firstTs = r.timestamp;
      if (this.lastTs === undefined || r.timestamp > this.lastTs) this.lastTs = r.timestamp;
    }
    let type = r.type;
    let p = r.payload as Rec | undefined;
    if (!p || typeof p !== "object") {
      // Old rollouts: a bare meta line first, then bare response items.
      if (typeof type === "string" && RESPONSE_TYPES.has(type)) {
        p = r;
        type = "response_item";
      } else if (type === undefined && typeof r.id === "string" && "instructions" in r) {
        return this.meta(r);
      } else return;
    }
    switch (type) {
      case "session_meta":
        return this.meta(p);
      case "turn_context":
        return this.context(p);
      case "event_msg":
        if (p.type === "user_message") this.eventUserMessage(p.message);
        else if (p.type === "agent_message") this.eventAgent++;
        else if (p.type === "thread_name_updated") this.threadName = typeof p.thread_name === "string" && p.thread_name.trim() ? p.thread_name : undefined;
        else if (p.type === "image_generation_end") this.tool("image_generation", p.call_id);
        return;
      case "response_item":
        this.valid = true;
        return this.item(p);
    }
  }

  private item(p: Rec) {
    switch (p.type) {
      case "message": {
        if (p.role === "assistant") this.itemAssistant++;
        else if (p.role === "user") {
          const parts = Array.isArray(p.content) ? (p.content as Rec[]) : [];
          const text = parts
            .filter((c) => c && typeof c.text === "string")
            .map((c) => c.text as string)
            .join("\n");
          this.itemUserMessage(text);
        }
        return;
      }
      case "function_call":
      case "custom_tool_call":
        return this.tool(callName(p), p.call_id);
      case "local_shell_call":
        return this.tool("local_shell", p.call_id ?? p.id);
      case "web_search_call":
        return this.tool("web_search", p.id ?? p.call_id);
      case "image_generation_call":
        return this.tool("image_generation", p.id ?? p.call_id);
      case "tool_search_call":
        return this.tool("tool_search", p.call_id ?? p.id);
    }
  }
}

/** Reads the summary of one Codex rollout; null when the file is not a rollout. */
export function summarizeCodex(path: string, stat: FileStat, opts: SummaryOptions = {}): SessionSummary | null {
  const acc = new CodexAccumulator();
  const exact = stat.size <= (opts.exactMaxBytes ?? EXACT_MAX_BYTES);
  readLines(path, exact ? exactSink(acc) : scanSink(acc));
  if (!acc.valid) return null;

  let createdAt = acc.firstTs;
  let updatedAt = acc.lastTs;
  if (!exact) ({ createdAt, updatedAt } = headTailTimestamps(path, stat.size));
  const prompt = acc.eventFirst ?? acc.itemFirst;
  const title = acc.threadName ?? prompt;
  const uuid = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i.exec(basename(path))?.[1];
  return {
    id: acc.id ?? uuid ?? basename(path).replace(/\.jsonl$/, ""),
    source: "codex",
    path,
    ...(acc.cwd ? { project: acc.cwd } : {}),
    title: title ? cutTitle(title) || UNTITLED : UNTITLED,
    ...firstPromptOf(prompt),
    ...(acc.gitBranch ? { gitBranch: acc.gitBranch } : {}),
    ...(createdAt ? { createdAt: normalizeTs(createdAt) } : {}),
    ...(updatedAt ? { updatedAt: normalizeTs(updatedAt) } : {}),
    prompts: acc.eventUser > 0 ? acc.eventUser : acc.itemUser,
    assistantMessages: Math.max(acc.eventAgent, acc.itemAssistant),
    tools: acc.tools,
    models: acc.models,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

function exactSink(acc: CodexAccumulator): LineSink {
  return {
    line(buf, start, end) {
      const r = parseLine(buf, start, end);
      if (r) acc.record(r);
    },
    giant: giantHandler(acc),
  };
}

/** The record type and payload type from a line's start. */
function kinds(p: string): { type?: string; payloadType?: string; payloadAt: number } {
  const type = jsonStringField(p, "type");
  const payloadAt = p.indexOf('"payload":');
  const payloadType = payloadAt === -1 ? undefined : jsonStringField(p, "type", payloadAt);
  return { type, payloadType, payloadAt };
}

function scanSink(acc: CodexAccumulator): LineSink {
  return {
    line(buf, start, end) {
      const p = buf.toString("utf8", start, Math.min(end, start + PREFIX));
      const { type, payloadType, payloadAt } = kinds(p);
      if (type === "session_meta" || type === "turn_context") {
        const r = parseLine(buf, start, end);
        if (r) acc.record({ ...r, timestamp: undefined });
        return;
      }
      if (type === "event_msg") {
        if (payloadType === "user_message" || payloadType === "thread_name_updated") {
          const r = parseLine(buf, start, end);
          if (r) acc.record({ ...r, timestamp: undefined });
        } else if (payloadType === "agent_message") acc.eventAgent++;
        else if (payloadType === "image_generation_end") acc.tool("image_generation", jsonStringField(p, "call_id", payloadAt));
        return;
      }
      if (type === "response_item") {
        acc.valid = true;
        if (payloadType === "message" && jsonStringField(p, "role", payloadAt) === "user") {
          const r = parseLine(buf, start, end);
          if (r) acc.record({ ...r, timestamp: undefined });
        } else scanItem(acc, p, payloadType, payloadAt);
      }
    },
    giant: giantHandler(acc),
  };
}

/** A response_item classified from its start (no parse). */
function scanItem(acc: CodexAccumulator, p: string, payloadType: string | undefined, payloadAt: number) {
  switch (payloadType) {
    case "message": {
      const role = jsonStringField(p, "role", payloadAt);
      if (role === "assistant") acc.itemAssistant++;
      else if (role === "user") {
        const text = jsonStringField(p, "text", payloadAt);
        acc.itemUserMessage(text);
      }
      return;
    }
    case "function_call":
    case "custom_tool_call":
      return acc.tool(callName({ name: jsonStringField(p, "name", payloadAt), namespace: jsonStringField(p, "namespace", payloadAt) }), jsonStringField(p, "call_id", payloadAt));
    case "local_shell_call":
      return acc.tool("local_shell", jsonStringField(p, "call_id", payloadAt) ?? jsonStringField(p, "id", payloadAt));
    case "web_search_call":
      return acc.tool("web_search", jsonStringField(p, "id", payloadAt) ?? jsonStringField(p, "call_id", payloadAt));
    case "image_generation_call":
      return acc.tool("image_generation", jsonStringField(p, "id", payloadAt) ?? jsonStringField(p, "call_id", payloadAt));
    case "tool_search_call":
      return acc.tool("tool_search", jsonStringField(p, "call_id", payloadAt) ?? jsonStringField(p, "id", payloadAt));
  }
}

/** Lines too long to parse (huge outputs, images): classified from their start only. */
function giantHandler(acc: CodexAccumulator): LineSink["giant"] {
  return (piece, first) => {
    if (!first) return;
    const p = piece.toString("utf8", 0, Math.min(piece.length, PREFIX));
    const { type, payloadType, payloadAt } = kinds(p);
    if (type === "session_meta" && payloadAt !== -1) {
      acc.valid = true;
      const id = jsonStringField(p, "id", payloadAt);
      const cwd = jsonStringField(p, "cwd", payloadAt);
      acc.meta({ ...(id ? { id } : {}), ...(cwd ? { cwd } : {}) });
    } else if (type === "event_msg") {
      if (payloadType === "user_message") acc.eventUserMessage(jsonStringField(p, "message", payloadAt));
      else if (payloadType === "agent_message") acc.eventAgent++;
      else if (payloadType === "image_generation_end") acc.tool("image_generation", jsonStringField(p, "call_id", payloadAt));
    } else if (type === "response_item") {
      acc.valid = true;
      scanItem(acc, p, payloadType, payloadAt);
    }
  };
}
