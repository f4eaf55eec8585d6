/**
 * Startup benchmark: `dist/panko --version`, median of many runs (target under 30 ms), beside a
 * compiled hello-world for scale. dist/panko is rebuilt first when older than the sources. Exits 1
 * when it misses the target.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureBinary, median, report } from "./child.ts";

const root = join(import.meta.dir, "../..");

function timeRuns(cmd: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const p = Bun.spawnSync(cmd, { stdout: "ignore", stderr: "ignore" });
    times.push(performance.now() - started);
    if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")} exited with ${p.exitCode}`);
  }
  return median(times);
}

export async function benchStartup(runs = 40) {
  const panko = ensureBinary();
  const dir = join(root, ".bench");
  const hello = join(dir, "hello");
  if (!existsSync(hello)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
    Bun.spawnSync([process.execPath, "build", join(dir, "hello.ts"), "--compile", "--outfile", hello], { stdout: "ignore" });
  }
  timeRuns([panko, "--version"], 3); // warm the page cache
  const p = timeRuns([panko, "--version"], runs);
  const h = timeRuns([hello], runs);
  return {
    name: "startup",
    lines: [`dist/panko --version: median ${p.toFixed(1)} ms over ${runs} runs (hello-world ${h.toFixed(1)} ms; target < 30 ms)`],
    ok: p < 30,
  };
}

if (import.meta.main) report(await benchStartup());
