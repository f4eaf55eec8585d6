/**
 * Reads a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`) into a Session,
 * streaming it through the shared JSONL reader; the record logic lives in build.ts.
 */
import { resolve } from "node:path";
import { emptyStats, type Session } from "../model.ts";
import { readJsonl } from "../jsonl.ts";
import { CodexSessionBuilder } from "./build.ts";

export { buildCodexSession, CodexSessionBuilder } from "./build.ts";

export async function parseCodexSession(path: string): Promise<Session> {
  const absolute = resolve(path);
  const stats = emptyStats();
  const builder = new CodexSessionBuilder(absolute);
  await readJsonl(absolute, (record) => builder.add(record), stats);
  return builder.finish(stats);
}
