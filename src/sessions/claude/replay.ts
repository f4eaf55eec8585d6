/**
 * Replay detection for Claude Code records (see replayKeys): when Claude Code resumes a session it
 * may write the earlier conversation again, under new uuids; the builder skips such copies.
 */
import type { JsonObject } from "../jsonl.ts";
import { isObj, str } from "./fields.ts";

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
export function replayOf<T>(seen: Map<string, T>, keys: string | string[]): T | undefined {
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
export function remember<T>(seen: Map<string, T>, keys: string | string[], value: T): void {
  if (typeof keys === "string") {
    if (!seen.has(keys)) seen.set(keys, value);
    return;
  }
  for (const k of keys) if (!seen.has(k)) seen.set(k, value);
}
