/**
 * Codex messages and reasoning: prompts (with the IDE context and images), answers and reasoning,
 * each written once although Codex writes most of them twice (an event and a response item, in
 * either order): the first copy is kept and the second cancels against it.
 */
import type { Block, ThinkingBlock } from "../model.ts";
import { titleFields } from "../title.ts";
import type { CodexSessionBuilder } from "./build.ts";
import { isObject, str, type Rec } from "./fields.ts";
import { imageBlock } from "./output.ts";
import { classifyCodexUserText, isImageMarker, isInjection } from "./user.ts";

export type Source = "event" | "item";
type DedupKind = "prompt" | "text" | "thinking";

/** One block written by one copy, waiting for the other copy to cancel against it. */
export interface Pending {
  kind: DedupKind;
  source: Source;
  /** Normalised texts of the parts the other copy has not matched yet. */
  keys: string[];
  block: Block;
}

const norm = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Codex marks an assistant message as interim commentary or the final answer (`phase`:
 * "commentary" | "final_answer" on the message item, and on agent_message events of newer versions).
 */
export function setPhase(block: Block | undefined, phase: unknown): void {
  if (block?.kind !== "text") return;
  if (phase === "commentary") block.phase = "commentary";
  else if (phase === "final_answer") block.phase = "final";
}

export function addMessage(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const role = str(p.role);
  const parts = Array.isArray(p.content) ? p.content.filter(isObject) : typeof p.content === "string" ? [{ type: "text", text: p.content }] : [];
  if (role === "user") {
    const texts: string[] = [];
    const images: unknown[] = [];
    for (const part of parts) {
      if (typeof part.text === "string") {
        if (!isInjection(part.text) && !isImageMarker(part.text)) texts.push(part.text);
      } else if (part.type === "input_image") images.push(part.image_url);
    }
    userText(b, texts.join("\n"), images, "item", ts);
  } else if (role === "assistant") {
    const texts = parts.map((part) => part.text).filter((t): t is string => typeof t === "string" && t.trim() !== "");
    if (texts.length > 0) setPhase(dedup(b, "text", "item", texts, ts), p.phase);
  }
  // developer / system messages are the harness's instructions: not part of the conversation.
}

export function userText(b: CodexSessionBuilder, raw: string, images: unknown[], source: Source, ts?: string): void {
  const user = classifyCodexUserText(raw);
  if (user.kind === "ignore") {
    if (images.length > 0 && raw.trim() === "") promptImages(b, images, ts, source);
    return;
  }
  if (user.kind === "aborted" && hasAbortNotice(b)) return;
  if (user.kind === "command" || user.kind === "aborted") {
    // Both copies carry it: keep the first.
    const key = `${user.kind}:${norm(raw)}`;
    const last = b.pendingPrompt;
    if (last && last.source !== source && last.keys[0] === key) {
      b.pendingPrompt = undefined;
      return;
    }
    if (user.kind === "command") {
      b.push({ kind: "command", id: b.blockId(), ...(ts ? { timestamp: ts } : {}), name: user.name, ...(user.args ? { args: user.args } : {}), ...(user.output !== undefined ? { output: user.output } : {}) });
    } else {
      b.push({ kind: "notice", id: b.blockId(), ...(ts ? { timestamp: ts } : {}), level: "warning", subtype: "turn_aborted", text: user.text });
    }
    b.pendingPrompt = { kind: "prompt", source, keys: [key], block: b.lastBlock()! };
    return;
  }
  const key = norm(user.request);
  const last = b.pendingPrompt;
  if (last && last.kind === "prompt" && last.source !== source && last.keys[0] === key) {
    // The second copy of the prompt: only its images can be new.
    b.pendingPrompt = undefined;
    if (images.length > 0 && !turnHasImages(b)) promptImages(b, images, ts, source);
    return;
  }
  const id = b.blockId();
  b.startTurn(id, ts);
  b.push({ kind: "prompt", id, ...(ts ? { timestamp: ts } : {}), text: user.request, ...(user.context ? { context: user.context } : {}) });
  b.pendingPrompt = { kind: "prompt", source, keys: [key], block: b.lastBlock()! };
  if (b.title === undefined) {
    const t = titleFields(user.request);
    b.title = t.title;
    b.titleSource = t.titleSource;
  }
  if (images.length > 0) promptImages(b, images, ts, source);
}

export function promptImages(b: CodexSessionBuilder, images: unknown[], ts: string | undefined, _source: Source): void {
  for (const source of images) {
    const image = imageBlock(source, b.blockId(), ts);
    if (image) b.push(image);
  }
}

export function hasAbortNotice(b: CodexSessionBuilder): boolean {
  return b.current()?.blocks.some((b) => b.kind === "notice" && b.subtype === "turn_aborted") ?? false;
}

export function turnHasImages(b: CodexSessionBuilder): boolean {
  return b.current()?.blocks.some((b) => b.kind === "image") ?? false;
}

export function addReasoning(b: CodexSessionBuilder, p: Rec, ts?: string): void {
  const texts: string[] = [];
  for (const list of [p.summary, p.content]) {
    if (!Array.isArray(list)) continue;
    for (const part of list) {
      if (isObject(part) && typeof part.text === "string" && part.text.trim()) texts.push(part.text);
    }
    if (texts.length > 0) break; // the summary is what Codex shows; raw content only without one
  }
  if (texts.length > 0) {
    dedup(b, "thinking", "item", texts, ts);
    return;
  }
  if (p.encrypted_content !== undefined && p.encrypted_content !== null) {
    b.push({ kind: "thinking", id: b.blockId(), ...(ts ? { timestamp: ts } : {}), text: "", encrypted: true } satisfies ThinkingBlock);
  }
}

/**
 * Writes a text/thinking block for `parts` unless they are the second copy of blocks already
 * written from the other source in this turn.
 */
export function dedup(b: CodexSessionBuilder, kind: "text" | "thinking", source: Source, parts: string[], ts?: string): Block | undefined {
  const fresh: string[] = [];
  let matched: Block | undefined;
  for (const part of parts) {
    const key = norm(part);
    const match = b.pending.find((p) => p.kind === kind && p.source !== source && p.keys.includes(key));
    if (match) {
      matched = match.block;
      match.keys.splice(match.keys.indexOf(key), 1);
      if (match.keys.length === 0) b.pending.splice(b.pending.indexOf(match), 1);
    } else {
      fresh.push(part);
    }
  }
  if (fresh.length === 0) return matched;
  const text = fresh.map((t) => t.trim()).join("\n\n");
  // Summary parts streamed as separate agent_reasoning events belong to one reasoning item:
  // keep them in one block, as the item would have.
  const last = b.lastBlock();
  const open = b.pending[b.pending.length - 1];
  if (kind === "thinking" && source === "event" && last?.kind === "thinking" && open?.block === last && open.source === "event") {
    last.text = `${last.text}\n\n${text}`;
    open.keys.push(...fresh.map(norm));
    return last;
  }
  const base = { id: b.blockId(), ...(ts ? { timestamp: ts } : {}) };
  const block: Block =
    kind === "text" ? { kind: "text", ...base, text, ...(b.model ? { model: b.model } : {}) } : { kind: "thinking", ...base, text };
  b.push(block);
  b.pending.push({ kind, source, keys: fresh.map(norm), block });
  if (kind === "text") b.agentMessages++;
  return block;
}
