/**
 * Where the shared corpus of real transcripts is (`../shared/corpus` beside the repo), or
 * undefined when it is absent. PANKO_TEST_CORPUS overrides it: a folder, or `none` to run the
 * suite as a fresh clone without the corpus would (every corpus test must then skip cleanly, and
 * nothing may read the folder at load time).
 */
import { existsSync } from "node:fs";
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
