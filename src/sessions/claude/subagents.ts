/**
 * Sub-agents: finding their transcripts and linking each to the tool call that spawned it.
 *
 * Exported: agentIdOfCall, linkInlineSidechains, linkSubagentFiles, subagentDirs.
 *
 * Layouts:
 * - inline (older): `isSidechain: true` lines inside the main file, between the Task call and its
 *   result; each chain starts with parentUuid null. Linked by agentId when the records carry one,
 *   else by the chain's first user prompt being the Task call's `input.prompt`. A sidechain no
 *   call claims is kept as a synthetic "Task" ToolBlock at its place in the file.
 * - files (newer): `<dir>/<session-id>/subagents/agent-<agentId>.jsonl` beside the session file
 *   (a `.meta.json` next to it is not needed and not read), and the old flat layout
 *   `<dir>/agent-<agentId>.jsonl`. Linked by the spawning call's `toolUseResult.agentId` (or the
 *   "agentId: ..." line of its result text), else by first prompt == `input.prompt`. Flat files are
 *   opened only for agent ids the session names, or, when some call has no agent id, when their
 *   first record has this session's id. Agent files no call claims (compaction/warm-up helpers)
 *   are left out.
 * Each sub-agent is a nested Session on ToolBlock.subAgent, with `agentId` set when known and
 * the call's `description` as title. Its usage and models are its own (not added to the parent).
 */

import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { readJsonl } from "../jsonl.ts";
import type { Session, ToolBlock } from "../model.ts";
import { titleFields } from "../title.ts";
import { ClaudeSessionBuilder } from "./builder.ts";

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The agent id a spawning call's result names, if any. */
export function agentIdOfCall(call: ToolBlock): string | undefined {
  const meta = call.result?.meta;
  if (isObj(meta) && typeof meta.agentId === "string" && meta.agentId) return meta.agentId;
  const m = call.result?.text ? /\bagentId: ([A-Za-z0-9_-]+)/.exec(call.result.text) : null;
  return m ? m[1] : undefined;
}

function promptOf(call: ToolBlock): string | undefined {
  return isObj(call.input) && typeof call.input.prompt === "string" ? call.input.prompt.trim() : undefined;
}

function attach(call: ToolBlock, sub: Session): void {
  call.subAgent = sub;
  const d = isObj(call.input) && typeof call.input.description === "string" ? call.input.description : undefined;
  if (d?.trim()) {
    delete sub.titleSource;
    Object.assign(sub, titleFields(d));
  }
}

/** Finds the call for a sub-agent: by agent id, else by prompt; undefined when none. */
function findCall(calls: ToolBlock[], agentId: string | undefined, firstPrompt: string | undefined): ToolBlock | undefined {
  const free = calls.filter((c) => !c.subAgent);
  if (agentId !== undefined) {
    const byId = free.find((c) => agentIdOfCall(c) === agentId);
    if (byId) return byId;
  }
  const p = firstPrompt?.trim();
  if (p) return free.find((c) => promptOf(c) === p && (agentId === undefined || agentIdOfCall(c) === undefined));
  return undefined;
}

/** Links the inline sidechains of a main-file builder (call before main.finish()). */
export function linkInlineSidechains(main: ClaudeSessionBuilder, mainId: string): void {
  let k = 0;
  for (const sc of main.sidechains) {
    const sub = sc.builder.finish(mainId);
    sub.id = sub.agentId ?? `${mainId}:sidechain:${k++}`;
    const call = findCall(main.agentCalls, sc.builder.agentId, sc.builder.firstUserText);
    if (call) attach(call, sub);
    else {
      main.appendBlock(sc.anchor, {
        kind: "tool",
        id: `${sub.id}:call`,
        toolUseId: "",
        name: "Task",
        input: sc.builder.firstUserText !== undefined ? { prompt: sc.builder.firstUserText } : {},
        subAgent: sub,
        placeholder: true,
      });
    }
  }
}

async function parseAgentFile(file: string, agentId: string): Promise<{ session: Session; builder: ClaudeSessionBuilder } | undefined> {
  const builder = new ClaudeSessionBuilder({ path: file, inlineSidechains: false, agentId });
  try {
    await readJsonl(file, (rec, line) => builder.add(rec, line), builder.stats);
  } catch {
    return undefined; // unreadable: the call simply has no transcript
  }
  if (builder.conversationRecords === 0) return undefined;
  return { session: builder.finish(agentId), builder };
}

function listAgentFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const m = /^agent-(.+)\.jsonl$/.exec(name);
    if (m) out.set(m[1], join(dir, name));
  }
  return out;
}

const MAX_FLAT_SCAN = 300;

/** The folders where Claude Code writes a session's sub-agent transcripts (`<id>/subagents`). */
export function subagentDirs(sessionPath: string, sessionId: string): string[] {
  const dir = dirname(sessionPath);
  const stem = basename(sessionPath).replace(/\.jsonl$/, "");
  return [...new Set([join(dir, stem, "subagents"), join(dir, sessionId, "subagents")])];
}

/**
 * Finds sub-agent transcript files beside `sessionPath` and links them to the calls in `calls`
 * (the main session's and, for nested agents, those of the sub-agents found).
 */
export async function linkSubagentFiles(sessionPath: string, sessionId: string, calls: ToolBlock[]): Promise<void> {
  if (calls.length === 0) return;
  const dir = dirname(sessionPath);
  const files = new Map<string, string>();
  for (const d of subagentDirs(sessionPath, sessionId)) {
    for (const [id, f] of listAgentFiles(d)) if (!files.has(id)) files.set(id, f);
  }
  const pool = [...calls];
  const parsed = new Set<string>();

  const tryFile = async (agentId: string, file: string) => {
    if (parsed.has(file)) return;
    parsed.add(file);
    const r = await parseAgentFile(file, agentId);
    if (!r) return;
    pool.push(...r.builder.agentCalls);
    const call = findCall(pool, r.session.agentId ?? agentId, r.builder.firstUserText);
    if (call) attach(call, r.session);
  };

  // 1. Files named after the agents the calls name (nested layout, then flat).
  const flat = listAgentFilesLazy(dir);
  for (let i = 0; i < pool.length; i++) {
    const call = pool[i];
    if (call.subAgent) continue;
    const id = agentIdOfCall(call);
    if (id === undefined) continue;
    const file = files.get(id) ?? flat().get(id);
    if (file) await tryFile(id, file);
  }
  // 2. The rest of the subagents folder (calls without an agent id, matched by prompt).
  for (const [id, file] of files) {
    if (!pool.some((c) => !c.subAgent)) break;
    await tryFile(id, file);
  }
  // 3. Flat files of this session, when some call still has no agent id.
  if (pool.some((c) => !c.subAgent && agentIdOfCall(c) === undefined && promptOf(c))) {
    let scanned = 0;
    for (const [id, file] of flat()) {
      if (parsed.has(file)) continue;
      if (++scanned > MAX_FLAT_SCAN) break;
      if (!(await sameSession(file, sessionId))) continue;
      await tryFile(id, file);
      if (!pool.some((c) => !c.subAgent && agentIdOfCall(c) === undefined)) break;
    }
  }
}

function listAgentFilesLazy(dir: string): () => Map<string, string> {
  let cache: Map<string, string> | undefined;
  return () => (cache ??= listAgentFiles(dir));
}

/** Whether the first record of a file belongs to the given session (reads 64 KB at most). */
async function sameSession(file: string, sessionId: string): Promise<boolean> {
  try {
    const head = await Bun.file(file).slice(0, 65536).text();
    const nl = head.indexOf("\n");
    const rec = JSON.parse(nl < 0 ? head : head.slice(0, nl));
    return isObj(rec) && rec.sessionId === sessionId;
  } catch {
    return false;
  }
}
