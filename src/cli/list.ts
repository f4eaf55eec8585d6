/** `panko list`: the sessions on this machine, newest first, from the cached index. */
import { homedir } from "node:os";
import { SORT_KEYS, type SortKey } from "../config.ts";
import { commandConfig } from "./settings.ts";
import { usageError } from "../errors.ts";
import { listSessionsParallel, select } from "../sessions/index.ts";
import { uniqueIdPrefixes } from "../sessions/resolve.ts";
import type { SessionSummary, Source } from "../sessions/model.ts";
import { defineCommand } from "./command.ts";
import { formatAgo, truncate } from "./format.ts";
import type { Io } from "./io.ts";
import { terminalSafe } from "../terminal-text.ts";

const SOURCES = ["claude", "codex"] as const;

/** ~/code/app instead of /home/me/code/app. */
export function tildePath(path: string | undefined, home = homedir()): string {
  if (!path) return "";
  return home && (path === home || path.startsWith(home + "/")) ? "~" + path.slice(home.length) : path;
}

/** Narrowest title column before the project column gives way. */
const TITLE_MIN = 20;

/**
 * The listing as rows that fit `io.columns` (an 80-column terminal included): the id as its
 * shortest unique prefix (`ids`), the project shortened from the left, the title cut to the rest.
 */
function table(rows: SessionSummary[], ids: Map<SessionSummary, string>, io: Io): string {
  const c = io.colors;
  const home = io.env.HOME ?? homedir();
  const cells = rows.map((s) => ({
    id: ids.get(s) ?? s.id.slice(0, 8),
    source: s.source,
    when: formatAgo(s.updatedAt ?? s.createdAt) || new Date(s.mtimeMs).toISOString().slice(0, 10),
    msgs: String(s.prompts + s.assistantMessages),
    project: terminalSafe(tildePath(s.project, home)),
    title: terminalSafe(s.title),
  }));
  const w = {
    id: Math.max(2, ...cells.map((x) => x.id.length)),
    source: 6,
    when: Math.max(7, ...cells.map((x) => x.when.length)),
    msgs: Math.max(4, ...cells.map((x) => x.msgs.length)),
    project: 0,
  };
  const gaps = 5 * 2;
  const rest = io.columns - (w.id + w.source + w.when + w.msgs + gaps);
  w.project = Math.max(7, Math.min(32, rest - TITLE_MIN, Math.max(7, ...cells.map((x) => x.project.length))));
  const titleWidth = Math.max(8, rest - w.project);
  const line = (id: string, source: string, when: string, msgs: string, project: string, title: string) =>
    `${id.padEnd(w.id)}  ${source.padEnd(w.source)}  ${when.padEnd(w.when)}  ${msgs.padStart(w.msgs)}  ${project.padEnd(w.project)}  ${title}`;
  const out = [c.dim(line("ID", "SOURCE", "UPDATED", "MSGS", "PROJECT", "TITLE"))];
  for (const x of cells) {
    const project = x.project.length > w.project ? "…" + x.project.slice(-(w.project - 1)) : x.project;
    // Colour goes on after padding: escape codes take no columns.
    out.push(line(x.id, x.source, x.when, x.msgs, project, truncate(x.title, titleWidth)).replace(x.id, c.cyan(x.id)));
  }
  return out.join("\n") + "\n";
}

export default defineCommand({
  name: "list",
  aliases: ["ls"],
  summary: "List the sessions on this machine",
  usage: "panko list [--json] [--source claude|codex] [--project SUBSTR] [--limit N] [--sort KEY]",
  description:
    "Claude Code sessions from ~/.claude/projects (or every root in CLAUDE_CONFIG_DIR) and Codex rollouts\n" +
    "from $CODEX_HOME/sessions. Summaries are cached: a second listing re-reads only changed files.",
  options: {
    json: { type: "boolean", description: "Print every summary field as JSON" },
    source: { type: "string", valueName: "claude|codex", description: "Only sessions of this agent" },
    project: { type: "string", valueName: "SUBSTR", description: "Only projects whose path contains SUBSTR" },
    limit: { type: "string", short: "n", valueName: "N", description: "At most N sessions" },
    sort: { type: "string", valueName: "KEY", description: `Order: ${SORT_KEYS.join(", ")} (default: config default_sort)` },
  },
  examples: ["panko list", "panko list --source codex --limit 5", "panko list --project myapp --json"],
  async run({ values, io }) {
    const source = values.source as Source | undefined;
    if (source !== undefined && !(SOURCES as readonly string[]).includes(source)) {
      throw usageError(`--source must be one of: ${SOURCES.join(", ")}`);
    }
    const sort = (values.sort ?? commandConfig(io, ["default_sort"]).config.default_sort) as SortKey;
    if (!(SORT_KEYS as readonly string[]).includes(sort)) throw usageError(`--sort must be one of: ${SORT_KEYS.join(", ")}`);
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw usageError("--limit must be a whole number of at least 1");
    }
    // Every session, for id prefixes unique among all of them (not just the rows shown).
    const all = await listSessionsParallel({ env: io.env });
    const sessions = select(all, { source, project: values.project, sort, limit });
    if (values.json) {
      io.out(JSON.stringify(sessions, null, 2) + "\n");
      return;
    }
    if (sessions.length === 0) {
      const filtered = source || values.project;
      io.err(
        filtered
          ? "No sessions match those filters.\n"
          : "No sessions found. panko looks in ~/.claude/projects, ~/.config/claude/projects (or CLAUDE_CONFIG_DIR) and ~/.codex/sessions.\n",
      );
      return;
    }
    io.out(table(sessions, uniqueIdPrefixes(all), io));
  },
});
