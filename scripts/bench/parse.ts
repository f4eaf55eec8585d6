/**
 * Parse benchmark: parseSession on the ~100 MB session against the bare floor measured in the same
 * run (read the file + JSON.parse each line). Each measurement runs in its own process so peak RSS
 * is that of one parse. Target: parse <= 1.5x floor, peak RSS < 400 MB.
 *
 *   bun scripts/bench/parse.ts [FILE]
 */
import { makeBigSession } from "./big-session.ts";
import { median, runChild } from "./child.ts";

type Mode = "floor" | "floor-streamed" | "parse";

async function child(mode: Mode, file: string): Promise<void> {
  const started = performance.now();
  if (mode === "floor") {
    // The floor as the target names it: read the file, JSON.parse each line.
    const text = await Bun.file(file).text();
    let records = 0;
    for (const line of text.split("\n")) if (line) (JSON.parse(line), records++);
  } else if (mode === "floor-streamed") {
    // A stricter floor: stream the file, split lines, JSON.parse each one, nothing else.
    const decoder = new TextDecoder();
    let rest = "";
    let records = 0;
    const reader = Bun.file(file).stream().getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      const chunk = r.value;
      const text = rest + decoder.decode(chunk, { stream: true });
      const lines = text.split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line) (JSON.parse(line), records++);
    }
    if (rest) (JSON.parse(rest), records++);
  } else {
    const { parseSession } = await import("../../src/sessions/parse.ts");
    const session = await parseSession(file);
    if (session.turns.length === 0) throw new Error("parsed no turns");
  }
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

export async function benchParse(file?: string, runs = 5) {
  const path = file ?? (await makeBigSession());
  const size = Bun.file(path).size;
  const floor: number[] = [];
  const streamed: number[] = [];
  const parse: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    floor.push((await runChild(import.meta.path, ["--child", "floor", path])).ms);
    streamed.push((await runChild(import.meta.path, ["--child", "floor-streamed", path])).ms);
    const p = await runChild(import.meta.path, ["--child", "parse", path]);
    parse.push(p.ms);
    rss = Math.max(rss, p.rssMB);
  }
  const f = median(floor);
  const fs = median(streamed);
  const p = median(parse);
  return {
    name: "parse",
    lines: [
      `parse ${(size / 1024 / 1024).toFixed(0)} MB session: median ${p.toFixed(0)} ms vs floor ${f.toFixed(0)} ms = ${(p / f).toFixed(2)}x (target <= 1.5x)`,
      `  (against a streamed floor, ${fs.toFixed(0)} ms: ${(p / fs).toFixed(2)}x)`,
      `parse peak RSS: ${rss.toFixed(0)} MB (target < 400 MB)`,
    ],
    ok: p / f <= 1.5 && rss < 400,
  };
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") await child(args[1] as Mode, args[2]);
  else for (const line of (await benchParse(args[0])).lines) console.log(line);
}
