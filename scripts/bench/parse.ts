/**
 * Parse benchmark, as whole processes: `dist/panko check FILE --quiet` (start, read, parse the
 * ~100 MB session, count) against the streamed floor, a `bun` process that streams the same file,
 * decodes it, splits it into lines and JSON.parses each line, nothing else. Median of 5 each,
 * alternating. Target: panko <= 1.5x the floor, peak RSS < 400 MB. Exits 1 when it misses.
 *
 *   bun scripts/bench/parse.ts [FILE]
 */
import { makeBigSession } from "./big-session.ts";
import { ensureBinary, median, report, timeProcess } from "./child.ts";

/** The floor: stream + decode + split + JSON.parse per line. */
async function floor(file: string): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  let records = 0;
  const reader = Bun.file(file).stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    const text = rest + decoder.decode(r.value, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) if (line) (JSON.parse(line), records++);
  }
  if (rest) (JSON.parse(rest), records++);
  if (records === 0) throw new Error("no records");
}

export async function benchParse(file?: string, runs = 5) {
  const panko = ensureBinary();
  const path = file ?? (await makeBigSession());
  const size = Bun.file(path).size;
  const floors: number[] = [];
  const parses: number[] = [];
  let rss = 0;
  timeProcess([panko, "check", path, "--quiet"]); // page cache warm for both
  for (let i = 0; i < runs; i++) {
    floors.push(timeProcess([process.execPath, import.meta.path, "--floor", path]).ms);
    const p = timeProcess([panko, "check", path, "--quiet"]);
    parses.push(p.ms);
    rss = Math.max(rss, p.rssMB);
  }
  const f = median(floors);
  const p = median(parses);
  return {
    name: "parse",
    lines: [
      `parse ${(size / 1024 / 1024).toFixed(0)} MB session, whole process (dist/panko check): median ${p.toFixed(0)} ms`,
      `  streamed floor (bun: stream, decode, split, JSON.parse per line): median ${f.toFixed(0)} ms`,
      `  ratio ${(p / f).toFixed(2)}x (target <= 1.5x); peak RSS ${rss.toFixed(0)} MB (target < 400 MB)`,
    ],
    ok: p / f <= 1.5 && rss < 400,
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === "--floor") await floor(args[1]);
  else report(await benchParse(args[0]));
}
