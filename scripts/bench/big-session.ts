/**
 * The ~100 MB benchmark session: the real-shaped records of a seed transcript (by default the
 * corpus's general-tool-calls.jsonl) repeated with fresh ids and later times, each copy chained to
 * the previous one by parentUuid, so the parser sees one long session rather than many roots.
 * Each copy's timestamps move on by the seed's span (plus a minute): copies written at the times
 * of the first are what a resumed session's replayed records look like, and the parser rightly
 * skipped their prompts as replays (6 prompts in a session of 88 copies).
 *
 *   bun scripts/bench/big-session.ts [OUT] [MB]     (default: .bench/big-session.jsonl, 100 MB)
 *
 * The file is cached: it is rebuilt only when missing or of another target size.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

export const CORPUS = join(import.meta.dir, "../../../shared/corpus");
export const DEFAULT_SEED = join(CORPUS, "claude/general-tool-calls.jsonl");
/** Versioned: a cached session of an older shape is not reused. */
export const DEFAULT_OUT = join(import.meta.dir, "../../.bench/big-session-v2.jsonl");

const TIMESTAMP = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\b/g;
const ID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b(?:msg|toolu|req)_[0-9A-Za-z]{10,}\b/g;

function rekey(id: string, rep: number, keep?: string): string {
  if (id === keep) return id;
  if (id.includes("-")) return rep.toString(16).padStart(8, "0") + id.slice(8);
  return `${id}x${rep.toString(36)}`;
}

function later(ts: string, ms: number): string {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t + ms).toISOString();
}

export async function makeBigSession(opts: { out?: string; megabytes?: number; seed?: string } = {}): Promise<string> {
  const out = opts.out ?? DEFAULT_OUT;
  const target = (opts.megabytes ?? 100) * 1024 * 1024;
  if (existsSync(out) && Math.abs(statSync(out).size - target) < target * 0.05) return out;
  const seedPath = opts.seed ?? DEFAULT_SEED;
  if (!existsSync(seedPath)) throw new Error(`benchmark seed not found: ${seedPath} (the shared corpus is needed for benchmarks)`);
  const seed = readFileSync(seedPath, "utf8").split("\n").filter((l) => l.trim());
  const lastUuid = (() => {
    for (let i = seed.length - 1; i >= 0; i--) {
      const m = /"uuid":"([^"]+)"/.exec(seed[i]);
      if (m) return m[1];
    }
    return undefined;
  })();
  const sessionId = /"sessionId":"([^"]+)"/.exec(seed.find((l) => l.includes('"sessionId"')) ?? "")?.[1];
  const times = seed.flatMap((l) => [...l.matchAll(TIMESTAMP)].map((m) => Date.parse(m[0]))).filter((t) => !Number.isNaN(t));
  const span = times.length > 0 ? Math.max(...times) - Math.min(...times) + 60_000 : 0;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  const writer = Bun.file(tmp).writer();
  let written = 0;
  for (let rep = 0; written < target; rep++) {
    let chained = rep === 0 || lastUuid === undefined;
    for (const line of seed) {
      let next = line.replace(ID, (id) => rekey(id, rep, sessionId));
      if (rep > 0 && span > 0) next = next.replace(TIMESTAMP, (ts) => later(ts, rep * span));
      if (!chained && next.includes('"parentUuid":null')) {
        next = next.replace('"parentUuid":null', `"parentUuid":"${rekey(lastUuid!, rep - 1)}"`);
        chained = true;
      }
      writer.write(next + "\n");
      written += next.length + 1;
    }
  }
  await writer.end();
  renameSync(tmp, out);
  return out;
}

if (import.meta.main) {
  const path = await makeBigSession({ out: process.argv[2], megabytes: process.argv[3] ? Number(process.argv[3]) : undefined });
  console.log(`${path}  ${(statSync(path).size / 1024 / 1024).toFixed(1)} MB`);
}
