/**
 * Codex sub-agents, nested under the calls that spawned them (as Claude's are): a `spawn_agent`
 * call starts a thread of its own, written as a rollout of its own whose session_meta says
 * `source: {subagent: {thread_spawn: {parent_thread_id, agent_path, agent_nickname, ...}}}`.
 *
 * Exported: linkCodexSubagents(session, path, parse), spawnAnswer(text) (also what the page names
 * the agent by), FORKED_HISTORY_NOTE.
 *
 * Which rollout is a call's (from codex-rs tools/handlers/multi_agents*):
 * - multi-agent v1 answers the call with `{"agent_id": <thread id>, "nickname"}`: the rollout
 *   named `rollout-<time>-<thread id>.jsonl`;
 * - v2 answers `{"task_name": <agent path>, "nickname"}`: the rollout whose thread_spawn source
 *   has this session as parent_thread_id and that agent_path.
 * Rollouts are looked for in the day folders (`sessions/YYYY/MM/DD`) the session spans, a day
 * either side for time zones, or beside the file when it is not in such a folder.
 *
 * A forked sub-agent (v1 fork_context, v2 fork_turns) starts with a copy of its parent's history,
 * which codex-rs ends with the spawn call answered by FORKED_HISTORY_NOTE: what comes before that
 * answer is the parent's, already on the page, and is left out of the nested transcript.
 *
 * A sub-agent that cannot be found or read leaves its call as it is: the call still shows what was
 * asked and what came back.
 */
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Session, ToolBlock, Turn } from "../model.ts";
import { isObject, str } from "./fields.ts";

/** How codex-rs answers the spawn call in a forked sub-agent's copy of the parent's history. */
export const FORKED_HISTORY_NOTE = "You are the newly spawned agent. The prior conversation history was forked from your parent agent.";

/** Sub-agents of sub-agents are followed this deep (codex-rs limits the depth too). */
const MAX_DEPTH = 4;

/** The first line of a rollout (its session_meta) is read up to this many bytes. */
const META_MAX = 1 << 20;

type Parse = (path: string, depth: number) => Promise<Session>;

interface Spawn extends SpawnAnswer {
  call: ToolBlock;
}

/** Links each spawn_agent call of `session` (read from `path`) to its sub-agent's transcript. */
export async function linkCodexSubagents(session: Session, path: string, parse: Parse, depth = 0): Promise<void> {
  if (depth >= MAX_DEPTH) return;
  const spawns = spawnCalls(session);
  if (spawns.length === 0) return;
  const folders = dayFolders(path, session);
  const files = new Map<string, string>(); // file name -> path, over the folders
  for (const dir of folders) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith(".jsonl") && !files.has(name)) files.set(name, join(dir, name));
  }
  files.delete(basename(path));
  let children: Map<string, string> | undefined; // agent path -> rollout, read when a v2 call needs it
  for (const s of spawns) {
    let file: string | undefined;
    if (s.threadId) {
      const suffix = `-${s.threadId}.jsonl`;
      for (const [name, p] of files) {
        if (name.endsWith(suffix) || name === `${s.threadId}.jsonl`) {
          file = p;
          break;
        }
      }
    } else if (s.agentPath) {
      children ??= childrenOf(session.id, files.values());
      file = children.get(s.agentPath);
    }
    if (!file) continue;
    try {
      const sub = await parse(file, depth + 1);
      s.call.subAgent = withoutForkedHistory(sub);
    } catch {
      // unreadable: the call keeps what it shows
    }
  }
}

/** What Codex answered a spawn_agent call with: the new agent's thread id (v1) or path (v2), and nickname. */
export interface SpawnAnswer {
  threadId?: string;
  agentPath?: string;
  nickname?: string;
}

/** The answer of a spawn call's result text; undefined when it names no agent (a failed spawn). */
export function spawnAnswer(text: string): SpawnAnswer | undefined {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(answer)) return undefined;
  const threadId = str(answer.agent_id);
  const agentPath = str(answer.task_name);
  if (!threadId && !agentPath) return undefined;
  return { threadId, agentPath, nickname: str(answer.nickname) };
}

/** The spawn_agent calls of the session's own turns, with what their answers name. */
function spawnCalls(session: Session): Spawn[] {
  const out: Spawn[] = [];
  for (const turn of session.turns) {
    for (const b of turn.blocks) {
      if (b.kind !== "tool" || b.name !== "spawn_agent" || !b.result || b.result.isError) continue;
      const answer = spawnAnswer(b.result.text);
      if (answer) out.push({ call: b, ...answer });
    }
  }
  return out;
}

/**
 * The folders a sub-agent's rollout may be in: the day folders from a day before the session
 * started to a day after it ended, when the file is in `sessions/YYYY/MM/DD`; else its own folder.
 */
function dayFolders(path: string, session: Session): string[] {
  const day = dirname(path);
  const month = dirname(day);
  const year = dirname(month);
  if (!/^\d{2}$/.test(basename(day)) || !/^\d{2}$/.test(basename(month)) || !/^\d{4}$/.test(basename(year))) return [day];
  const root = dirname(year);
  const start = Date.parse(session.startedAt ?? "");
  const end = Date.parse(session.endedAt ?? session.startedAt ?? "");
  if (!Number.isFinite(start) || !Number.isFinite(end)) return [day];
  const DAY = 86_400_000;
  const out = [day];
  // A long session's span is walked day by day; more than two months of folders is not looked at.
  for (let t = start - DAY, n = 0; t <= end + DAY && n < 64; t += DAY, n++) {
    const d = new Date(t);
    const dir = join(root, String(d.getUTCFullYear()), String(d.getUTCMonth() + 1).padStart(2, "0"), String(d.getUTCDate()).padStart(2, "0"));
    if (!out.includes(dir)) out.push(dir);
  }
  return out;
}

/** The rollouts among `files` whose thread_spawn source names `parentId`: agent path -> file. */
function childrenOf(parentId: string, files: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    const spawn = threadSpawnOf(file);
    if (!spawn || spawn.parent_thread_id !== parentId) continue;
    const agentPath = str(spawn.agent_path);
    if (agentPath && !out.has(agentPath)) out.set(agentPath, file);
  }
  return out;
}

/** The `source.subagent.thread_spawn` of a rollout's session_meta, if it has one. */
function threadSpawnOf(file: string): Record<string, unknown> | undefined {
  const line = firstLine(file);
  if (!line || !line.includes('"thread_spawn"')) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(rec) || rec.type !== "session_meta" || !isObject(rec.payload)) return undefined;
  const source = rec.payload.source;
  if (!isObject(source) || !isObject(source.subagent) || !isObject(source.subagent.thread_spawn)) return undefined;
  return source.subagent.thread_spawn;
}

function firstLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    const parts: Buffer[] = [];
    let total = 0;
    while (total < META_MAX) {
      const got = readSync(fd, buf, 0, buf.length, total);
      if (got === 0) break;
      const nl = buf.subarray(0, got).indexOf(10);
      parts.push(Buffer.from(buf.subarray(0, nl < 0 ? got : nl)));
      total += got;
      if (nl >= 0) break;
    }
    return Buffer.concat(parts).toString("utf8");
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** A forked sub-agent without the copy of its parent's history (see the header). */
function withoutForkedHistory(sub: Session): Session {
  for (let t = sub.turns.length - 1; t >= 0; t--) {
    const blocks = sub.turns[t].blocks;
    const at = blocks.findIndex((b) => b.kind === "tool" && b.result !== undefined && b.result.text.startsWith(FORKED_HISTORY_NOTE));
    if (at < 0) continue;
    const rest: Turn[] = [];
    if (at + 1 < blocks.length) rest.push({ ...sub.turns[t], blocks: blocks.slice(at + 1) });
    rest.push(...sub.turns.slice(t + 1));
    rest.forEach((turn, i) => (turn.index = i));
    return { ...sub, turns: rest };
  }
  return sub;
}
