/**
 * What a session holds, counted once: for the header of a rendered page, for `panko export` and
 * for checking that the privacy stage kept everything. `walkBlocks` is the one traversal every
 * stage can share: it reaches tool result images and sub-agent blocks too.
 */
import type { Block, ImageBlock, Session, ToolBlock, Turn } from "./model.ts";

export interface SessionCounts {
  /** Real prompts of the top-level session (sub-agent prompts are the spawning call's input). */
  prompts: number;
  /** Non-empty thinking blocks, everywhere. */
  thinking: number;
  /** Distinct tool_use ids, in the session and all its sub-agents. */
  toolCalls: number;
  /** Distinct tool_use ids that have a result attached. */
  toolResults: number;
  /** Every image: prompt images, tool result images, inside sub-agents. */
  images: number;
  /** Linked sub-agent transcripts, recursively. */
  subAgents: number;
  malformedLines: number;
  unknownRecords: number;
}

export interface WalkContext {
  /** The session (or sub-agent session) the block belongs to. */
  session: Session;
  turn: Turn;
  /** 0 for the top-level session, 1 inside a sub-agent, ... */
  depth: number;
  /** For an image returned by a tool: the tool call whose result holds it. */
  resultOf?: ToolBlock;
}

/**
 * Visits every block in order: each turn's blocks; after a tool call, the images of its result
 * (with `resultOf` set), then the blocks of the sub-agent it spawned (depth + 1). Each session is
 * walked once, even if linked twice.
 */
export function walkBlocks(session: Session, visit: (block: Block, ctx: WalkContext) => void): void {
  const seen = new Set<Session>();
  const walk = (s: Session, depth: number) => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const turn of s.turns) {
      for (const block of turn.blocks) {
        visit(block, { session: s, turn, depth });
        if (block.kind !== "tool") continue;
        for (const image of block.result?.images ?? []) visit(image, { session: s, turn, depth, resultOf: block });
        if (block.subAgent) walk(block.subAgent, depth + 1);
      }
    }
  };
  walk(session, 0);
}

/** Every session reachable from `session` (itself first), each once. */
export function allSessions(session: Session): Session[] {
  const out: Session[] = [];
  const visit = (s: Session) => {
    if (out.includes(s)) return;
    out.push(s);
    for (const turn of s.turns) for (const b of turn.blocks) if (b.kind === "tool" && b.subAgent) visit(b.subAgent);
  };
  visit(session);
  return out;
}

export function sessionCounts(session: Session): SessionCounts {
  const calls = new Set<string>();
  const answered = new Set<string>();
  const thinking = new Set<Block>();
  const images = new Set<ImageBlock>();
  let prompts = 0;

  walkBlocks(session, (block, ctx) => {
    switch (block.kind) {
      case "prompt":
        if (ctx.depth === 0) prompts++;
        break;
      case "thinking":
        if (block.text.trim() !== "") thinking.add(block);
        break;
      case "image":
        images.add(block);
        break;
      case "tool":
        calls.add(block.toolUseId);
        if (block.result) answered.add(block.toolUseId);
        break;
    }
  });

  const sessions = allSessions(session);
  let malformedLines = 0;
  let unknownRecords = 0;
  for (const s of sessions) {
    malformedLines += s.stats.malformedLines;
    unknownRecords += s.stats.unknownRecords;
  }
  return {
    prompts,
    thinking: thinking.size,
    toolCalls: calls.size,
    toolResults: answered.size,
    images: images.size,
    subAgents: sessions.length - 1,
    malformedLines,
    unknownRecords,
  };
}
