/**
 * The Claude Code parser: one transcript file -> Session.
 *
 * Exported API (stable):
 *
 *   parseClaudeSession(path: string, opts?: ClaudeParseOptions): Promise<Session>
 *     Streams the file (never reads it whole), builds turns/blocks (builder.ts), orders them by
 *     the parentUuid chain with rewound branches as abandoned turns (chain.ts), links inline
 *     sidechains and sub-agent transcript files to the calls that spawned them (subagents.ts).
 *     Throws PankoError "not-a-session" when the file holds no conversation record (user,
 *     assistant, system, attachment): empty file, other JSON, or only bookkeeping such as a
 *     summary-only file; "not-found" / "io" when it cannot be read. Malformed lines and unknown
 *     record types are never errors: they are counted in Session.stats.
 *
 *   parseClaudeText(text: string, path?: string): Session
 *     The same on a string in memory (no sub-agent files are looked for). For tests.
 *
 *   ClaudeParseOptions.subAgentFiles (default true): look for sub-agent transcript files beside
 *   the session file.
 *
 * A file named agent-<id>.jsonl is a sub-agent transcript: parsed as a session of its own with
 * agentId <id> (its sidechain lines are its conversation, not nested sub-agents).
 *
 * Reading stops early (and the file is rejected) when the first 200 records hold nothing that
 * looks like a Claude Code session, so a big non-session file is not read to the end.
 */

import { basename, resolve } from "node:path";
import { PankoError } from "../../errors.ts";
import { parseJsonlText, readJsonl, type JsonObject } from "../jsonl.ts";
import type { Session } from "../model.ts";
import { ClaudeSessionBuilder } from "./builder.ts";
import { linkInlineSidechains, linkSubagentFiles } from "./subagents.ts";

export interface ClaudeParseOptions {
  /** Look for `<session-id>/subagents/agent-*.jsonl` and flat `agent-*.jsonl` files (default true). */
  subAgentFiles?: boolean;
}

/** Records read without any session record before the file is rejected. */
const SNIFF_RECORDS = 200;

export async function parseClaudeSession(path: string, opts: ClaudeParseOptions = {}): Promise<Session> {
  const abs = resolve(path);
  // A sub-agent transcript opened on its own (agent-<id>.jsonl): its lines are all sidechain.
  const agent = /^agent-(.+)\.jsonl$/.exec(basename(abs));
  const builder = new ClaudeSessionBuilder(agent ? { path: abs, inlineSidechains: false, agentId: agent[1] } : { path: abs, inlineSidechains: true });
  let records = 0;
  try {
    await readJsonl(
      abs,
      (rec, line) => {
        builder.add(rec, line);
        return ++records < SNIFF_RECORDS || builder.sessionRecords > 0;
      },
      builder.stats,
    );
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    if (code === "ENOENT") throw new PankoError("not-found", `no such session file: ${path}`, { cause: e });
    if (code === "EISDIR") throw new PankoError("not-a-session", `not a Claude Code or Codex session: ${path}`, { cause: e });
    throw new PankoError("io", `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const session = finish(builder, abs, path);
  if (opts.subAgentFiles !== false) await linkSubagentFiles(abs, session.id, builder.agentCalls);
  return session;
}

export function parseClaudeText(text: string, path = "memory.jsonl"): Session {
  const builder = new ClaudeSessionBuilder({ path, inlineSidechains: true });
  parseJsonlText(text, (rec: JsonObject, line) => builder.add(rec, line), builder.stats);
  return finish(builder, path, path);
}

function finish(builder: ClaudeSessionBuilder, abs: string, shown: string): Session {
  // Only bookkeeping (a summary-only or snapshot-only file) is no session either.
  if (builder.conversationRecords === 0) throw new PankoError("not-a-session", `not a Claude Code or Codex session: ${shown}`);
  const fallbackId = basename(abs).replace(/\.jsonl$/, "");
  // The id is needed to name inline sidechains; it comes from the records, else the file name.
  const probe = builder.finishId(fallbackId);
  linkInlineSidechains(builder, probe);
  return builder.finish(fallbackId);
}
