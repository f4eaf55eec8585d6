/**
 * Where the shared corpus of real transcripts is (`../shared/corpus` beside the repo), or
 * undefined when it is absent. PANKO_TEST_CORPUS overrides it: a folder, or `none` to run the
 * suite as a fresh clone without the corpus would (every corpus test must then skip cleanly, and
 * nothing may read the folder at load time).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export function corpusDir(): string | undefined {
  const env = process.env.PANKO_TEST_CORPUS;
  if (env === "none") return undefined;
  const dir = env || join(import.meta.dir, "..", "..", "..", "shared", "corpus");
  return existsSync(dir) ? dir : undefined;
}

/** A folder inside the corpus (e.g. "claude"), or undefined when the corpus or the folder is absent. */
export function corpusPart(name: string): string | undefined {
  const dir = corpusDir();
  return dir && existsSync(join(dir, name)) ? join(dir, name) : undefined;
}

/** The session files under `dir` (sorted), sub-agent transcripts left out (they belong to a session). */
export function sessionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "subagents") out.push(...sessionFiles(p));
    } else if (name.endsWith(".jsonl") && !name.startsWith("agent-")) out.push(p);
  }
  return out.sort();
}

/** The fixture sessions of test/fixtures (Claude and Codex), without the files that are no session. */
export function fixtureSessions(): string[] {
  const fixtures = join(import.meta.dir, "..", "fixtures");
  return [...sessionFiles(join(fixtures, "claude")), ...sessionFiles(join(fixtures, "codex"))].filter((f) => !/not-a-session|empty\.jsonl$/.test(f));
}
