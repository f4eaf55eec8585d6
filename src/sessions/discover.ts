/**
 * Finding session files on disk (no reading beyond one stat per file).
 *
 * Claude Code: every root of claudeProjectRoots(); each project folder's `*.jsonl` files are
 * sessions. Sub-agent transcripts belong to their parent and are not listed: the newer
 * `<session-id>/subagents/agent-*.jsonl` files are never reached (only the project folder's own
 * files are looked at), and the older flat `agent-*.jsonl` files beside sessions are skipped.
 * Codex: `rollout-*.jsonl` anywhere under `$CODEX_HOME/sessions` and `$CODEX_HOME/archived_sessions`.
 * Missing or unreadable roots are simply empty.
 */
import { readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { claudeProjectRoots, codexHome } from "../paths.ts";
import type { Source } from "./model.ts";

type Env = Record<string, string | undefined>;

export interface SessionFile {
  /** Absolute path. */
  path: string;
  source: Source;
  size: number;
  mtimeMs: number;
}

export interface DiscoverOptions {
  /** Only this agent's files. */
  source?: Source;
}

export function discoverSessionFiles(env: Env = process.env, opts: DiscoverOptions = {}): SessionFile[] {
  const out: SessionFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, source: Source) => {
    if (seen.has(path)) return;
    const st = statOrNull(path);
    if (!st || !st.isFile()) return;
    seen.add(path);
    out.push({ path, source, size: st.size, mtimeMs: st.mtimeMs });
  };
  if (opts.source !== "codex") {
    for (const root of claudeProjectRoots(env)) {
      for (const project of entries(root)) {
        if (!isDirLike(project, root)) continue;
        const dir = join(root, project.name);
        for (const f of entries(dir)) {
          if (!f.name.endsWith(".jsonl") || f.name.startsWith("agent-")) continue;
          if (f.isDirectory()) continue;
          add(join(dir, f.name), "claude");
        }
      }
    }
  }
  if (opts.source !== "claude") {
    const home = codexHome(env);
    for (const sub of ["sessions", "archived_sessions"]) {
      walk(join(home, sub), 0, (path, name) => {
        if (name.startsWith("rollout-") && name.endsWith(".jsonl")) add(path, "codex");
      });
    }
  }
  return out;
}

/** Which root-relative kind of place a path is in, for callers that hold a path. */
export function sourceOfPath(path: string, env: Env = process.env): Source | undefined {
  for (const root of claudeProjectRoots(env)) if (path.startsWith(root + "/")) return "claude";
  const home = codexHome(env);
  if (path.startsWith(join(home, "sessions") + "/") || path.startsWith(join(home, "archived_sessions") + "/")) return "codex";
  return undefined;
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function isDirLike(d: Dirent, parent: string): boolean {
  if (d.isDirectory()) return true;
  if (d.isSymbolicLink()) return statOrNull(join(parent, d.name))?.isDirectory() ?? false;
  return false;
}

const MAX_DEPTH = 8;

function walk(dir: string, depth: number, visit: (path: string, name: string) => void) {
  if (depth > MAX_DEPTH) return;
  for (const e of entries(dir)) {
    const path = join(dir, e.name);
    if (isDirLike(e, dir)) walk(path, depth + 1, visit);
    else visit(path, e.name);
  }
}
