/**
 * Nothing the user wrote is lost: every line a user typed (read straight from the JSONL, outside
 * the wrappers the harness adds) appears in the exported page's visible text and in the Markdown
 * transcript. Over the fixtures, and over the shared corpus when it is there.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportChunks } from "../../src/cli/export.ts";
import { KNOWN_WRAPPER_TAGS } from "../../src/sessions/claude/prompt.ts";
import { isImageMarker, isInjection } from "../../src/sessions/codex/user.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { corpusDir, fixtureSessions, sessionFiles } from "../helpers/corpus.ts";

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

const WRAPPERS = new RegExp(`<(${KNOWN_WRAPPER_TAGS.join("|")})>[\\s\\S]*?</\\1>`, "g");
/**
 * Whole texts the harness writes as the user: notices, the old caveat, Codex `!` commands and
 * aborts, messages relayed from other agents, sessions, channels and MCP servers (their words are
 * checked in test/sessions/claude-parse.test.ts).
 */
const HARNESS =
  /^\s*(<task-notification>|<bash-notification>|Caveat: The messages below were generated|<user_shell_command>|<turn_aborted>|<teammate-message\s+teammate_id=|<cross-session-message\b|<channel\s+source=|<mcp-(resource|polling)-update\s+server=|A message arrived from|Another Claude session sent a message)/;

function records(path: string): Rec[] {
  const out: Rec[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (isObj(r)) out.push(r);
    } catch {
      // malformed lines are the parser's business
    }
  }
  return out;
}

/** The texts a user typed in a session file, as the agent recorded them. */
function typedTexts(path: string): string[] {
  const texts: string[] = [];
  for (const r of records(path)) {
    const p = isObj(r.payload) ? r.payload : undefined;
    if (r.type === "event_msg" && p?.type === "user_message" && typeof p.message === "string") texts.push(p.message);
    else if (r.type === "response_item" && p?.type === "message" && p.role === "user" && Array.isArray(p.content)) {
      for (const c of p.content) if (isObj(c) && typeof c.text === "string" && !isInjection(c.text) && !isImageMarker(c.text)) texts.push(c.text);
    } else if (r.type === "user" && r.isMeta !== true && r.isSidechain !== true && r.isCompactSummary !== true && isObj(r.message)) {
      const content = r.message.content;
      if (typeof content === "string") texts.push(content);
      else if (Array.isArray(content) && !content.some((c) => isObj(c) && c.type === "tool_result")) {
        texts.push(content.filter((c) => isObj(c) && c.type === "text" && typeof c.text === "string").map((c) => (c as Rec).text as string).join("\n"));
      }
    } else if (r.type === "attachment" && isObj(r.attachment) && r.attachment.type === "queued_command" && typeof r.attachment.prompt === "string") {
      // Typed while the agent worked (queued by the harness for the model, isMeta, is not).
      const kind = isObj(r.attachment.origin) ? r.attachment.origin.kind : undefined;
      if (r.attachment.isMeta !== true && (kind === undefined || kind === "human")) texts.push(r.attachment.prompt);
    }
  }
  return texts.filter((t) => !HARNESS.test(t) && !isInjection(t));
}

const norm = (s: string) => s.replace(/\s+/g, " ").trim();

/** Each non-empty line a user typed, outside the known wrappers (and the Codex request marker). */
function typedLines(path: string): string[] {
  const lines = new Set<string>();
  for (const t of typedTexts(path)) {
    for (const line of t.replace(WRAPPERS, "\n").split("\n")) {
      if (/^##\s*My request for Codex:\s*$/.test(line)) continue;
      const l = norm(line);
      if (l) lines.add(l);
    }
  }
  return [...lines];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text a reader of the page can see (or open): tags, scripts, styles and templates removed. */
function visibleText(html: string): string {
  return norm(
    html
      .replace(/<(script|style|template)\b[^>]*>[\s\S]*?<\/\1>/gi, " ")
      .replace(/<[^>]+>/g, " ")
      .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
        e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e] ?? m),
      ),
  );
}

async function missing(path: string): Promise<{ page: string[]; markdown: string[] }> {
  const session = await parseSession(path);
  const page = visibleText([...exportChunks(session, "html")].join(""));
  const markdown = norm([...exportChunks(session, "md")].join(""));
  const lines = typedLines(path);
  return { page: lines.filter((l) => !page.includes(l)), markdown: lines.filter((l) => !markdown.includes(l)) };
}


const fixtures = join(import.meta.dir, "..", "fixtures");
const fixtureFiles = fixtureSessions();

describe("every word a user typed is on the page and in the Markdown", () => {
  test("the wrappers fixture: words around commands, commands, two prompts, prompt headings", async () => {
    const path = join(fixtures, "claude", "wrappers.jsonl");
    const lines = typedLines(path);
    expect(lines).toContain("Please look at this first");
    expect(lines).toContain("and then tell me what you think.");
    expect(lines).not.toContain("PR 12"); // inside <command-args>: shown as the command
    expect(await missing(path)).toEqual({ page: [], markdown: [] });
  });

  test.each(fixtureFiles.map((f) => f.slice(fixtures.length + 1)))("fixture %s", async (name) => {
    expect(await missing(join(fixtures, name))).toEqual({ page: [], markdown: [] });
  });
});

const corpus = corpusDir();
const corpusFiles = corpus ? sessionFiles(corpus) : [];
describe.skipIf(!corpus)("every word a user typed, over the corpus", () => {
  test("the corpus has typed words to look for", () => {
    expect(corpusFiles.reduce((n, f) => n + typedLines(f).length, 0)).toBeGreaterThan(10);
  });
  test.each(corpusFiles.map((f) => f.slice((corpus ?? "").length + 1)))("%s", async (name) => {
    expect(await missing(join(corpus!, name))).toEqual({ page: [], markdown: [] });
  });
});
