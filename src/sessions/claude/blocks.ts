/**
 * Block constructors for the Claude record handlers. Fields are added in the order the model lists
 * them (kind, id, timestamp, then the kind's own), without object spreads: spreads of optional
 * fields made the hot record functions large and slow to optimise (JIT time was a good part of a
 * 100 MB parse).
 */
import type { JsonObject } from "../jsonl.ts";
import type { Block, CommandBlock, ImageBlock, NoticeBlock, PromptBlock, TextBlock, ThinkingBlock, ToolBlock, UnknownBlock } from "../model.ts";
import { isObj, str } from "./fields.ts";

export function head<K extends Block["kind"]>(kind: K, id: string, ts: string | undefined): { kind: K; id: string; timestamp?: string } {
  return ts ? { kind, id, timestamp: ts } : { kind, id };
}

export function textBlock(id: string, ts: string | undefined, text: string, model: string | undefined): TextBlock {
  const b = head("text", id, ts) as TextBlock;
  b.text = text;
  if (model !== undefined) b.model = model;
  return b;
}

export function thinkingBlock(id: string, ts: string | undefined, text: string, encrypted: boolean): ThinkingBlock {
  const b = head("thinking", id, ts) as ThinkingBlock;
  b.text = text;
  if (encrypted) b.encrypted = true;
  return b;
}

export function promptBlock(id: string, ts: string | undefined, text: string): PromptBlock {
  const b = head("prompt", id, ts) as PromptBlock;
  b.text = text;
  return b;
}

export function commandBlock(id: string, ts: string | undefined, name: string, args: string | undefined, output: string | undefined): CommandBlock {
  const b = head("command", id, ts) as CommandBlock;
  b.name = name;
  if (args !== undefined) b.args = args;
  if (output !== undefined) b.output = output;
  return b;
}

export function noticeBlock(id: string, ts: string | undefined, level: NoticeBlock["level"], subtype: string, text: string): NoticeBlock {
  const b = head("notice", id, ts) as NoticeBlock;
  b.level = level;
  b.subtype = subtype;
  b.text = text;
  return b;
}

export function unknownBlock(id: string, ts: string | undefined, recordType: string, raw: unknown): UnknownBlock {
  const b = head("unknown", id, ts) as UnknownBlock;
  b.recordType = recordType;
  b.raw = raw;
  return b;
}

export function toolBlock(id: string, ts: string | undefined, toolUseId: string, name: string, input: unknown): ToolBlock {
  const b = head("tool", id, ts) as ToolBlock;
  b.toolUseId = toolUseId;
  b.name = name;
  b.input = input;
  return b;
}

/** An image part ({source: {media_type, data | url | path}}) as a block; undefined when it has no image. */
export function imageBlock(id: string, ts: string | undefined, part: JsonObject): ImageBlock | undefined {
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

/**
 * A document part (a PDF or a text file given to the model: a Read of a PDF, a file the user
 * attached) as text: what it is and how big, then a text document's own words. A PDF's bytes are
 * not shown.
 */
export function documentText(part: JsonObject): string {
  const src = isObj(part.source) ? part.source : {};
  const data = str(src.data);
  const text = src.type === "text" ? data : undefined;
  const type = str(src.media_type) ?? (text !== undefined ? "text/plain" : "document");
  const bytes = data === undefined ? undefined : text !== undefined ? Buffer.byteLength(text) : Math.floor((data.length * 3) / 4);
  const size = bytes === undefined ? "" : bytes < 1024 ? `, ${bytes} B` : `, ${Math.round(bytes / 1024)} KB`;
  const title = str(part.title);
  return `[document${title ? ` "${title}"` : ""}: ${type}${size}]${text ? `\n${text}` : ""}`;
}
