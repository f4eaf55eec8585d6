/**
 * Export benchmark: `dist/panko export --format html -o FILE` (rebuilt when stale) of the ~100 MB
 * session (built in a temp dir by ./big-session.ts), each run a whole process of the binary, so
 * wall time and peak RSS are what a user's export costs; a parse-only run for reference. Targets:
 * under 5.5 s / 4 (1.375 s), under 300 MB peak RSS, and (html) a file under 15 MB. Exits non-zero
 * when one is missed.
 *
 *   bun scripts/bench/export.ts [SESSION.jsonl] [--runs N] [--format html|md|json]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeBigSession } from "./big-session.ts";
import { ensureBinary } from "./binary.ts";
import { median, runChild } from "./child.ts";

const TARGET_MS = 1375;
const TARGET_RSS_MB = 300;
const TARGET_HTML_MB = 15;

/** One export as a whole process of the binary: wall time, its peak RSS and the file's size. */
async function exportRun(panko: string, file: string, format: string, out: string): Promise<{ ms: number; rssMB: number; outMB: number }> {
  const started = performance.now();
  const proc = Bun.spawn([panko, "export", file, "--format", format, "-o", out], { stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited;
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`export failed (${code}): ${await new Response(proc.stderr).text()}`);
  const rssMB = (proc.resourceUsage()?.maxRSS ?? 0) / 1024 / 1024; // bytes
  return { ms, rssMB, outMB: statSync(out).size / 1024 / 1024 };
}

/** The parse-only reference, in a fresh process (the floor an export stands on). */
async function child(file: string): Promise<void> {
  const started = performance.now();
  const { parseSession } = await import("../../src/sessions/parse.ts");
  await parseSession(file);
  console.log(JSON.stringify({ ms: performance.now() - started, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]!);
} else {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
  const formatAt = args.indexOf("--format");
  const format = formatAt >= 0 ? args.splice(formatAt, 2)[1] : "html";
  const panko = ensureBinary();
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
      const p = await runChild(import.meta.path, ["--child", file]);
      parse.push(p.ms);
      parseRss = Math.max(parseRss, p.rssMB);
      const e = await exportRun(panko, file, format, out);
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
    const missed: string[] = [];
    if (result.exportMs >= TARGET_MS) missed.push("time");
    if (result.exportPeakRssMB >= TARGET_RSS_MB) missed.push("peak RSS");
    if (format === "html" && result.outputMB >= TARGET_HTML_MB) missed.push("file size");
    console.log(`export ${format}: ${(result.exportMs / 1000).toFixed(2)} s (target < ${TARGET_MS / 1000} s), peak RSS ${result.exportPeakRssMB} MB (target < ${TARGET_RSS_MB} MB)${format === "html" ? `, file ${result.outputMB} MB (target < ${TARGET_HTML_MB} MB)` : ""}`);
    if (missed.length) {
      console.log(`export benchmark MISSED: ${missed.join(", ")}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
