/**
 * What a session holds, counted once: for the header of a rendered page, `panko check`, the JSON
 * export, and checking that the privacy stage kept everything. `walkBlocks` is the one traversal
 * every stage can share: it reaches tool result images and sub-agent blocks too.
 *
 * The counts a user compares (prompts, messages, tool calls) are the session's own: the
 * conversation of its main file. A sub-agent's work (a sub-agent file, or the inline sidechain
 * of older transcripts: both are ToolBlock.subAgent) is counted apart (`subAgents`,
 * `subAgentToolCalls`), never mixed in. `panko list` reads the same definitions from its cheap
 * summaries (sessions/summary/*: sidechain lines left out, tool calls by tool_use id, assistant
 * messages by message id), so list, check, the page and the export agree.
 */
import { plural } from "../plural.ts";
import type { Block, ImageBlock, Session, ToolBlock, Turn } from "./model.ts";

export interface SessionCounts {
  /** Real prompts of the top-level session (sub-agent prompts are the spawning call's input). */
  prompts: number;
  /** Assistant messages of the top-level session (Session.assistantMessages, as the parser counted them). */
  messages: number;
  /** Non-empty thinking blocks, everywhere. */
  thinking: number;
  /** Distinct tool_use ids of the top-level session's own calls (placeholders not counted). */
  toolCalls: number;
  /** Of those, the calls that have a result attached. */
  toolResults: number;
  /** Distinct tool_use ids inside its sub-agents (recursively). */
  subAgentToolCalls: number;
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
  const subCalls = new Set<string>();
  let texts = 0;
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
      case "text":
        if (ctx.depth === 0) texts++;
        break;
      case "tool":
        if (block.placeholder) break;
        if (ctx.depth > 0) subCalls.add(block.toolUseId);
        else {
          calls.add(block.toolUseId);
          if (block.result) answered.add(block.toolUseId);
        }
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
    // A session built by hand (tests, tools) may not say: its assistant texts stand in.
    messages: session.assistantMessages ?? texts,
    thinking: thinking.size,
    toolCalls: calls.size,
    toolResults: answered.size,
    subAgentToolCalls: subCalls.size,
    images: images.size,
    subAgents: sessions.length - 1,
    malformedLines,
    unknownRecords,
  };
}

/** What the session's calls changed in files (its sub-agents' included). */
export interface FileChanges {
  /** Distinct files touched (a move counts where the file went). */
  files: number;
  added: number;
  removed: number;
}

/** The file edits of every call that succeeded, summed (reading them computes lazy diffs). */
export function fileChanges(session: Session): FileChanges {
  const files = new Set<string>();
  let added = 0;
  let removed = 0;
  walkBlocks(session, (block) => {
    if (block.kind !== "tool" || !block.edits) return;
    for (const e of block.edits) {
      files.add(e.movePath ?? e.path);
      added += e.added;
      removed += e.removed;
    }
  });
  return { files: files.size, added, removed };
}

/** The counts a user compares, in words: "2 prompts · 5 messages · 7 tool calls (+5 in 2 sub-agents)". */
export function describeCounts(c: SessionCounts): string {
  return `${plural(c.prompts, "prompt")} · ${plural(c.messages, "message")} · ${describeToolCalls(c)}`;
}

/** The tool calls alone, in words: "7 tool calls", "7 tool calls (+5 in 2 sub-agents)". */
export function describeToolCalls(c: SessionCounts): string {
  const own = plural(c.toolCalls, "tool call");
  return c.subAgents > 0 ? `${own} (+${c.subAgentToolCalls} in ${plural(c.subAgents, "sub-agent")})` : own;
}
