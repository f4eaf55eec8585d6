/**
 * User records: prompts, slash commands and their output, interrupts, harness notices, images,
 * compaction summaries; their tool_result parts go to tool-results.ts.
 */
import type { JsonObject } from "../jsonl.ts";
import type { CompactionBlock, ImageBlock } from "../model.ts";
import type { ClaudeSessionBuilder } from "./builder.ts";
import { commandBlock, documentText, head, imageBlock, noticeBlock, promptBlock, unknownBlock } from "./blocks.ts";
import type { ChainNode } from "./chain.ts";
import { isObj } from "./fields.ts";
import { classifyUserText, type UserText } from "./prompt.ts";
import { attachResult } from "./tool-results.ts";

export function addUser(b: ClaudeSessionBuilder, rec: JsonObject, node: ChainNode, ts: string | undefined): void {
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
  let documents: JsonObject[] | undefined;
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
        case "document":
          // An isMeta line's document is the harness handing a Read PDF to the model (the call
          // shows it); one the user attached is said, as an image would be shown.
          if (!isMeta) (documents ??= []).push(part);
          break;
        default:
          (unknown ??= []).push(part);
      }
    }
    if (texts) text = texts.join("\n\n");
  }
  if (b.firstUserText === undefined && text !== undefined && results === undefined) b.firstUserText = text;

  // Tool results: attach to their call.
  if (results) {
    const meta = results.length === 1 && rec.toolUseResult !== undefined ? rec.toolUseResult : undefined;
    for (const r of results) attachResult(b, r, meta, ts, node);
  }

  if (rec.isCompactSummary === true) {
    const summary = text ?? "";
    if (b.lastCompaction && b.lastCompaction.summary === undefined) b.lastCompaction.summary = summary;
    else {
      const c = head("compaction", b.blockId(uuid, node), ts) as CompactionBlock;
      c.summary = summary;
      b.lastCompaction = c;
      b.push(node, c);
    }
    return;
  }

  if (text !== undefined) {
    const cls = classifyUserText(text, isMeta);
    switch (cls.kind) {
      case "prompt":
        b.push(node, promptBlock(b.blockId(uuid, node), ts, cls.text), true);
        break;
      case "command":
        addCommand(b, node, ts, cls);
        break;
      case "interrupt":
        b.push(node, noticeBlock(b.blockId(uuid, node), ts, "info", "interrupt", cls.text));
        break;
      case "notice":
        b.push(node, noticeBlock(b.blockId(uuid, node), ts, cls.level, cls.subtype, cls.text));
        break;
      case "ignore":
        break;
    }
  }
  if (!isMeta && images) {
    for (const img of images) {
      img.id = b.blockId(uuid, node);
      b.push(node, img, true);
    }
  }
  if (documents) {
    for (const part of documents) b.push(node, noticeBlock(b.blockId(uuid, node), ts, "info", "document", documentText(part)));
  }
  if (unknown) {
    for (const part of unknown) b.push(node, unknownBlock(b.blockId(uuid, node), ts, typeof part.type === "string" ? part.type : "(no type)", part));
  }
}

/**
 * A command the user ran: a CommandBlock (a nameless local output goes to the command just
 * before it, when that one has none yet), then the words the user typed around the wrappers,
 * if any, as a prompt.
 */
export function addCommand(b: ClaudeSessionBuilder, node: ChainNode, ts: string | undefined, cls: Extract<UserText, { kind: "command" }>): void {
  const last = b.lastBlock;
  if (!cls.name && cls.output !== undefined && last?.kind === "command" && last.name && last.output === undefined) {
    last.output = cls.output;
    node.content = true;
  } else if (cls.name || cls.output !== undefined) {
    b.push(node, commandBlock(b.blockId(node.uuid, node), ts, cls.name, cls.args || undefined, cls.output), cls.name !== "");
  }
  if (cls.text) b.push(node, promptBlock(b.blockId(node.uuid, node), ts, cls.text), true);
}
