/**
 * Sub-agents (Claude Task / Agent, Codex spawn calls): what was asked, the nested transcript
 * (collapsed, drawn with the same block renderers one level deeper) and the agent's report.
 */
import { part } from "../parts.ts";
import type { Session, ToolBlock } from "../../sessions/model.ts";
import { renderBlock } from "../blocks.ts";
import type { Ctx } from "../context.ts";
import { esc, formatDuration } from "../escape.ts";
import { markdownToHtml } from "../markdown-html.ts";
import { lineCount } from "../output.ts";
import { frame, inputOf, str } from "./frame.ts";
import { describeToolCalls, sessionCounts } from "../../sessions/counts.ts";
import { plural } from "../../plural.ts";
import { spawnAnswer } from "../../sessions/codex/subagents.ts";

function subAgentHtml(sub: Session, ctx: Ctx): string {
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  let body = "";
  for (const turn of sub.turns) {
    for (const b of turn.blocks) body += renderBlock(b, inner);
  }
  // The sub-agent's own calls, and those of sub-agents it spawned, counted as everywhere else.
  const tools = describeToolCalls(sessionCounts(sub));
  const dur = formatDuration(sub.startedAt, sub.endedAt);
  const facts = [tools, dur, sub.models[0]].filter(Boolean).map((x) => esc(x!)).join(" · ");
  return `<details class="subagent"><summary>Sub-agent transcript <span class="muted">${facts}</span></summary>${part(`<div class="sub">${body}</div>`)}</details>`;
}

export function renderAgent(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const desc = str(input.description) ?? "";
  const type = str(input.subagent_type) ?? str(input.agent_type);
  const prompt = str(input.prompt) ?? str(input.message);
  let body = "";
  if (prompt) body += `<details class="prompt-in"><summary>Instructions</summary>${part(`<div class="ptext">${esc(prompt)}</div>`)}</details>`;
  if (block.subAgent) body += subAgentHtml(block.subAgent, ctx);
  const result = block.result;
  // Codex answers a spawn with the new agent's ids ({"agent_id", "task_name", "nickname"}): they
  // name the agent, and are no report (that comes later, from wait, and is in the transcript).
  const spawned = block.name === "spawn_agent" && result && !result.isError ? spawnAnswer(result.text) : undefined;
  if (result && !spawned && result.text.trim()) {
    const md = `<div class="md">${markdownToHtml(result.text)}</div>`;
    const lines = lineCount(result.text);
    body +=
      lines > 30
        ? `<details class="report${result.isError ? " bad" : ""}"><summary>Report <span class="muted">${plural(lines, "line")}</span></summary>${part(md)}</details>`
        : `<div class="report${result.isError ? " bad" : ""}">${md}</div>`;
  }
  const label = type ? `${block.name} · ${type}` : block.name;
  const name = spawned ? (spawned.nickname ?? spawned.agentPath ?? spawned.threadId ?? desc) : desc;
  return frame(block, { kind: "agent", label, arg: esc(name), body }, ctx);
}

