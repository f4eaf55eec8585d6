/**
 * Session references, as commands accept them: a file path (relative or absolute, `~` expanded),
 * a session id, a unique id prefix, or `latest` (the newest session overall).
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { PankoError } from "../errors.ts";
import { home } from "../paths.ts";
import { sourceOfPath } from "./discover.ts";
import { listSessions, type ListOptions } from "./index.ts";
import type { SessionSummary } from "./model.ts";
import { summarizeFile } from "./summary/index.ts";

type Env = Record<string, string | undefined>;

export interface ResolveOptions extends Pick<ListOptions, "dbPath" | "readSummary" | "files" | "summaryOptions" | "source"> {
  env?: Env;
  /** Base for relative paths (default process.cwd()). */
  cwd?: string;
}

export interface ResolvedSession {
  path: string;
  summary: SessionSummary;
}

const HINT = "run `panko list` to see your sessions";

/**
 * The file a reference names, for commands that parse it next (view, export): an existing file is
 * taken as it is, without summarising it (the parser says whether it is a session, and a summary
 * of a large file costs a scan); ids, prefixes and `latest` go through the index.
 */
export function resolveSessionPath(ref: string, opts: ResolveOptions = {}): string {
  const file = existingFile(ref.trim(), opts.env ?? process.env, opts.cwd);
  return file ? safeRealpath(file) : resolveSessionRef(ref, opts).path;
}

/** The file a reference names when it is a path to an existing file (`latest` never is). */
function existingFile(ref: string, env: Env, cwd?: string): string | undefined {
  if (!ref || ref === "latest") return undefined;
  const path = expandPath(ref, env, cwd);
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

export function resolveSessionRef(ref: string, opts: ResolveOptions = {}): ResolvedSession {
  const env = opts.env ?? process.env;
  const trimmed = ref.trim();
  if (!trimmed) throw new PankoError("usage", "no session given", { details: [HINT] });
  const list = () => listSessions({ ...opts, env });

  if (trimmed === "latest") {
    const newest = listSessions({ ...opts, env, sort: "newest", limit: 1 })[0];
    if (!newest) throw new PankoError("not-found", "no sessions found", { details: [HINT] });
    return { path: newest.path, summary: newest };
  }

  const file = existingFile(trimmed, env, opts.cwd);
  if (file) return fromPath(file, env, list);

  const needle = trimmed.toLowerCase();
  const all = list();
  // The file's name, else the session id recorded inside it (a renamed or copied file).
  const ids = (s: SessionSummary) => (s.sessionId ? [s.id.toLowerCase(), s.sessionId.toLowerCase()] : [s.id.toLowerCase()]);
  let matches = all.filter((s) => s.id.toLowerCase() === needle);
  if (!matches.length) matches = all.filter((s) => ids(s).includes(needle));
  if (!matches.length) matches = all.filter((s) => ids(s).some((id) => id.startsWith(needle)));
  if (matches.length === 1) return { path: matches[0].path, summary: matches[0] };
  if (matches.length > 1) {
    throw new PankoError("ambiguous", `"${ref}" matches ${matches.length} sessions`, {
      details: [
        ...matches.slice(0, 20).map((s) => `${s.id}  ${s.source}  ${s.project ?? "-"}  ${s.title}`),
        ...(matches.length > 20 ? [`… and ${matches.length - 20} more`] : []),
        "give more of the id, or the file path",
      ],
    });
  }
  throw new PankoError("not-found", `no session matches "${ref}"`, { details: [HINT] });
}

function fromPath(path: string, env: Env, list: () => SessionSummary[]): ResolvedSession {
  const real = safeRealpath(path);
  const source = sourceOfPath(real, env) ?? sourceOfPath(path, env);
  if (source) {
    const hit = list().find((s) => s.path === path || s.path === real || safeRealpath(s.path) === real);
    if (hit) return { path: hit.path, summary: hit };
  }
  let summary: SessionSummary | null;
  try {
    summary = summarizeFile(real, source);
  } catch (e) {
    throw new PankoError("io", `cannot read ${path}`, { cause: e });
  }
  if (!summary) throw new PankoError("not-a-session", `${path} is not a Claude Code or Codex session file`, { details: [HINT] });
  return { path: real, summary };
}

function expandPath(ref: string, env: Env, cwd?: string): string {
  let p = ref;
  if (p === "~") p = home(env);
  else if (p.startsWith("~/")) p = join(home(env), p.slice(2));
  return isAbsolute(p) ? p : resolve(cwd ?? process.cwd(), p);
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * For each summary, the shortest prefix of its id (at least `min` characters) that names it alone
 * among `all` (their ids and the session ids recorded inside files, as resolveSessionRef matches
 * them): usable as a SESSION argument. The whole id when no prefix is unique (two files with one id).
 */
export function uniqueIdPrefixes(all: SessionSummary[], min = 8): Map<SessionSummary, string> {
  const names: { name: string; owner: SessionSummary }[] = [];
  for (const s of all) {
    names.push({ name: s.id.toLowerCase(), owner: s });
    if (s.sessionId) names.push({ name: s.sessionId.toLowerCase(), owner: s });
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const common = (a: string, b: string) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };
  const need = new Map<SessionSummary, number>();
  for (let i = 0; i < names.length; i++) {
    const { name, owner } = names[i];
    if (name !== owner.id.toLowerCase()) continue;
    let n = min;
    // The nearest names of other sessions on each side share the longest prefixes with this one.
    for (let j = i - 1; j >= 0; j--) if (names[j].owner !== owner) { n = Math.max(n, common(name, names[j].name) + 1); break; }
    for (let j = i + 1; j < names.length; j++) if (names[j].owner !== owner) { n = Math.max(n, common(name, names[j].name) + 1); break; }
    need.set(owner, Math.max(n, need.get(owner) ?? 0));
  }
  const out = new Map<SessionSummary, string>();
  for (const s of all) out.set(s, s.id.slice(0, need.get(s) ?? min));
  return out;
}
