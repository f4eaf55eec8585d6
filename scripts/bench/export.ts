/**
 * Export benchmark: `panko export --format html -o FILE` of the ~100 MB session (built in a temp
 * dir by ./big-session.ts), each run in a fresh process so peak RSS is that of one export. Prints
 * wall time and peak RSS, with a parse-only run for reference. Targets: under 5.5 s / 4 (1.375 s)
 * and under 300 MB peak RSS.
 *
 *   bun scripts/bench/export.ts [SESSION.jsonl] [--runs N] [--format html|md|json]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBigSession } from "./big-session.ts";
import { median, runChild } from "./child.ts";

async function child(mode: string, file: string, format: string, out: string): Promise<void> {
  const started = performance.now();
  if (mode === "parse") {
    const { parseSession } = await import("../../src/sessions/parse.ts");
    await parseSession(file);
  } else {
    const { runCli } = await import("../../src/cli/run.ts");
    const { memoryIo } = await import("../../src/cli/io.ts");
    const m = memoryIo();
    const code = await runCli(["export", file, "--format", format, "-o", out], m.io);
    if (code !== 0) throw new Error(`export failed (${code}): ${m.stderr()}`);
  }
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, outMB: mode === "parse" ? 0 : statSync(out).size / 1024 / 1024 }));
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4], process.argv[5], process.argv[6]);
} else {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
  const formatAt = args.indexOf("--format");
  const format = formatAt >= 0 ? args.splice(formatAt, 2)[1] : "html";
  const tmp = mkdtempSync(join(tmpdir(), "panko-bench-export-"));
  try {
    const file = args[0] ?? (await makeBigSession({ out: join(tmp, "big-session.jsonl") }));
    const sizeMB = statSync(file).size / 1024 / 1024;
    const out = join(tmp, `out.${format}`);
    const parse: number[] = [];
    const exp: number[] = [];
    let rss = 0;
    let parseRss = 0;
    let outMB = 0;
    for (let i = 0; i < runs; i++) {
      const p = await runChild(import.meta.path, ["--child", "parse", file, format, out]);
      parse.push(p.ms);
      parseRss = Math.max(parseRss, p.rssMB);
      const e = await runChild(import.meta.path, ["--child", "export", file, format, out]);
      exp.push(e.ms);
      rss = Math.max(rss, e.rssMB);
      outMB = e.outMB;
    }
    const result = {
      sessionMB: +sizeMB.toFixed(1),
      format,
      outputMB: +outMB.toFixed(1),
      exportMs: Math.round(median(exp)),
      exportPeakRssMB: Math.round(rss),
      parseOnlyMs: Math.round(median(parse)),
      parsePeakRssMB: Math.round(parseRss),
      runs,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`export ${format}: ${(result.exportMs / 1000).toFixed(2)} s (target < 1.375 s), peak RSS ${result.exportPeakRssMB} MB (target < 300 MB)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
