/**
 * One entry point for reading a session file of either agent: sniffs the format from the first
 * meaningful records (never the whole file) and hands the file to the matching parser.
 */
import { stat } from "node:fs/promises";
import { PankoError } from "../errors.ts";
import type { Session, Source } from "./model.ts";
import { parseClaudeSession } from "./claude/parse.ts";
import { subagentDirs } from "./claude/subagents.ts";
import { allSessions } from "./counts.ts";
import { parseCodexSession } from "./codex/parse.ts";
import { KNOWN_RECORD_TYPES } from "./claude/builder.ts";
import { CODEX_RECORD_TYPES, RESPONSE_ITEM_TYPES } from "./codex/build.ts";

/** Claude Code record types the parser knows (new ones appear; any record with uuid/sessionId fields also counts). */
const CLAUDE_TYPES = KNOWN_RECORD_TYPES;

/** Sniffing gives up after this many non-blank lines, or this many bytes, without a verdict. */
const SNIFF_MAX_LINES = 64;
const SNIFF_MAX_BYTES = 16 * 1024 * 1024;
/** Lines longer than this (base64 images) are judged by their beginning, never decoded whole. */
const SNIFF_LINE_CAP = 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Which agent wrote this record, when the record alone says so. */
export function sourceOfRecord(rec: unknown): Source | null {
  if (!isObject(rec)) return null;
  const type = typeof rec.type === "string" ? rec.type : undefined;
  if (type && CODEX_RECORD_TYPES.has(type) && isObject(rec.payload)) return "codex";
  if (type && CLAUDE_TYPES.has(type)) return "claude";
  if ("uuid" in rec || "parentUuid" in rec || "sessionId" in rec || "leafUuid" in rec) return "claude";
  if (rec.payload === undefined) {
    // Codex rollouts from before the {timestamp, type, payload} envelope.
    if (rec.record_type === "state") return "codex";
    if (!type && typeof rec.id === "string" && "instructions" in rec) return "codex";
    if (type && RESPONSE_ITEM_TYPES.has(type) && !("message" in rec)) return "codex";
  }
  if (isObject(rec.message) && ("role" in rec.message || "content" in rec.message)) return "claude";
  return null;
}

/** The same judgement from the beginning of a line too long to decode whole. */
function sourceOfPrefix(prefix: string): Source | null {
  if (!prefix.trimStart().startsWith("{")) return null;
  if (/"type"\s*:\s*"(session_meta|response_item|event_msg|turn_context|compacted)"/.test(prefix) && /"payload"\s*:\s*\{/.test(prefix)) {
    return "codex";
  }
  if (/"(parentUuid|uuid|sessionId)"\s*:/.test(prefix)) return "claude";
  return null;
}

/**
 * Which agent wrote the file, judged from its first meaningful records; null when it is neither
 * (missing, a directory, empty, not JSONL, JSON of another shape). Never throws.
 */
export async function detectSource(path: string): Promise<Source | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return null;
    return await sniff(path);
  } catch {
    return null;
  }
}

async function sniff(path: string): Promise<Source | null> {
  const reader = Bun.file(path).stream().getReader();
  const decoder = new TextDecoder();
  let line: Uint8Array[] = [];
  let lineLen = 0;
  let long = false;
  let lines = 0;
  let bytes = 0;

  const judge = (): Source | null | undefined => {
    const text = decoder.decode(concat(line, lineLen));
    line = [];
    lineLen = 0;
    const wasLong = long;
    long = false;
    if (text.trim() === "") return undefined;
    lines++;
    if (wasLong) return sourceOfPrefix(text);
    try {
      return sourceOfRecord(JSON.parse(text));
    } catch {
      return null;
    }
  };

  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value as Uint8Array;
      bytes += chunk.length;
      let pos = 0;
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        const end = nl < 0 ? chunk.length : nl;
        if (!long) {
          const room = SNIFF_LINE_CAP - lineLen;
          const piece = chunk.slice(pos, Math.min(end, pos + room));
          line.push(piece);
          lineLen += piece.length;
          if (end - pos > room) {
            long = true;
            // Judge a long line as soon as its beginning is in hand.
            const verdict = sourceOfPrefix(decoder.decode(concat(line, lineLen)));
            if (verdict) return verdict;
          }
        }
        if (nl < 0) break;
        pos = nl + 1;
        const verdict = judge();
        if (verdict) return verdict;
        if (lines >= SNIFF_MAX_LINES) return null;
      }
      if (bytes >= SNIFF_MAX_BYTES) return null;
    }
    return (lineLen > 0 && judge()) || null;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function concat(parts: Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The other files and folders a session's parse reads, whose change can change it: its
 * sub-agents' transcripts (at every depth), and the folders where Claude Code writes new ones.
 * A live page watches them with the session file (viewer/live.ts).
 */
export function sessionInputs(session: Session): string[] {
  const out = new Set<string>();
  for (const s of allSessions(session)) if (s.path !== session.path) out.add(s.path);
  if (session.source === "claude") for (const d of subagentDirs(session.path, session.id)) out.add(d);
  return [...out];
}

/**
 * Parses a Claude Code or Codex session file. Throws PankoError "not-found" for a missing file and
 * "not-a-session" for anything that is not a session of either agent.
 */
export async function parseSession(path: string): Promise<Session> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new PankoError("not-found", `no such file: ${path}`, { cause: e });
    throw new PankoError("io", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  let source: Source | null = null;
  if (isFile) {
    try {
      source = await sniff(path);
    } catch (e) {
      throw new PankoError("io", `cannot read ${path}: ${(e as Error).message}`, { cause: e });
    }
  }
  if (source === "claude") return parseClaudeSession(path);
  if (source === "codex") return parseCodexSession(path);
  throw new PankoError("not-a-session", `not a Claude Code or Codex session: ${path}`);
}
