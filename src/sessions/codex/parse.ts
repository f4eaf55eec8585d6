/**
 * Reads a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`) into a Session,
 * streaming it through the shared JSONL reader; the record logic lives in build.ts, and the
 * sub-agents its spawn_agent calls started are nested under them (subagents.ts).
 */
import { resolve } from "node:path";
import { emptyStats, type Session } from "../model.ts";
import { readJsonl } from "../jsonl.ts";
import { CodexSessionBuilder } from "./build.ts";
import { linkCodexSubagents } from "./subagents.ts";

export { buildCodexSession, CodexSessionBuilder } from "./build.ts";

/** `depth`: how deep in sub-agents this rollout is (0: the session asked for). */
export async function parseCodexSession(path: string, depth = 0): Promise<Session> {
  const absolute = resolve(path);
  const stats = emptyStats();
  const builder = new CodexSessionBuilder(absolute);
  await readJsonl(absolute, (record) => builder.add(record), stats);
  const session = builder.finish(stats);
  await linkCodexSubagents(session, absolute, parseCodexSession, depth);
  return session;
}
