/**
 * One definition of each count: `list` (the cheap summaries), `check` (sessionCounts), the page's
 * facts and the JSON export give the same prompts, assistant messages and tool calls for every
 * fixture session, and for every corpus session when the corpus is there (inline sidechains and
 * sub-agent files alike counted apart).
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { exportChunks } from "../../src/cli/export.ts";
import { describeCounts, sessionCounts } from "../../src/sessions/counts.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { summarizeFile } from "../../src/sessions/summary/index.ts";
import { corpusDir, fixtureSessions, sessionFiles } from "../helpers/corpus.ts";


async function agree(path: string) {
  const summary = summarizeFile(path);
  if (!summary) return; // not a session: nothing to list
  const session = await parseSession(path);
  const counts = sessionCounts(session);
  const listed = { prompts: summary.prompts, messages: summary.assistantMessages, toolCalls: Object.values(summary.tools).reduce((a, b) => a + b, 0) };
  expect({ file: path, ...listed }).toEqual({ file: path, prompts: counts.prompts, messages: counts.messages, toolCalls: counts.toolCalls });
  const json = JSON.parse([...exportChunks(session, "json")].join(""));
  expect(json.counts).toEqual(counts);
  const page = [...exportChunks(session, "html")].join("");
  expect(page).toContain(describeCounts(counts));
}

const fixtures = join(import.meta.dir, "..", "fixtures");
const fixtureFiles = fixtureSessions();

describe("counts agree: list, check, page, JSON export", () => {
  test.each(fixtureFiles.map((f) => f.slice(fixtures.length + 1)))("fixture %s", async (name) => {
    await agree(join(fixtures, name));
  });
});

const corpus = corpusDir();
const corpusFiles = corpus ? sessionFiles(corpus) : [];
describe.skipIf(!corpus)("counts agree over the corpus", () => {
  test.each(corpusFiles.map((f) => f.slice((corpus ?? "").length + 1)))("%s", async (name) => {
    await agree(join(corpus!, name));
  });
});
