/**
 * Viewer benchmark on the ~100 MB session (scripts/bench/big-session.ts builds and caches it).
 * Runs `dist/panko view SESSION --port 0 --no-browser` (rebuilt when stale) as its own process, as
 * a user would (a client in the same process as the server would share its event loop and measure
 * that instead), then:
 *   - startup: until the URL is printed (parse + listen),
 *   - time to first byte of the page, and to its last byte, and its size (target < 8 MB),
 *   - in headless Chromium: from navigation until the first turn is visible, and until
 *     DOMContentLoaded (target: both < 1 s, median of the runs).
 * Exits non-zero when a target is missed (or Chromium is missing: the figure a user feels is the
 * browser's).
 *
 *   bun scripts/bench/view.ts [SESSION.jsonl] [--runs N]
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { makeBigSession } from "./big-session.ts";
import { ensureBinary } from "./binary.ts";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 5;
const path = args[0] ?? (await makeBigSession());
const TARGET_TTFB_MS = 300;
const TARGET_PAGE_MB = 8;
const TARGET_READABLE_MS = 1000;
const missed: string[] = [];
const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`session: ${path} (${(statSync(path).size / 1024 / 1024).toFixed(1)} MB)`);
let t = performance.now();
const panko = ensureBinary();
t = performance.now();
const proc = Bun.spawn([panko, "view", path, "--port", "0", "--no-browser"], {
  stdout: "pipe",
  stderr: "pipe",
  env: { ...process.env, DISPLAY: "", WAYLAND_DISPLAY: "" },
});

async function readUrl(): Promise<string> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let out = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`panko view exited without a URL: ${await new Response(proc.stderr).text()}`);
    out += decoder.decode(value, { stream: true });
    const url = /http:\/\/\S+/.exec(out)?.[0];
    if (url) {
      reader.releaseLock();
      return url;
    }
  }
}

try {
  const url = await readUrl();
  console.log(`startup (parse + listen, until the URL is printed): ${ms(performance.now() - t)}`);

  const ttfb: number[] = [];
  const total: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    t = performance.now();
    const res = await fetch(url);
    const reader = res.body!.getReader();
    let first = true;
    bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (first) {
        ttfb.push(performance.now() - t);
        first = false;
      }
      bytes += value.byteLength;
    }
    total.push(performance.now() - t);
  }
  const worst = Math.max(...ttfb);
  console.log(`page first byte: ${ttfb.map((x) => x.toFixed(1)).join(", ")} ms (median ${ms(median(ttfb))})`);
  console.log(`target: first byte < ${TARGET_TTFB_MS} ms on every run: ${worst < TARGET_TTFB_MS ? "ok" : "MISSED"} (worst ${ms(worst)})`);
  if (worst >= TARGET_TTFB_MS) missed.push("first byte");
  const pageMB = bytes / 1024 / 1024;
  console.log(`page last byte:  median ${ms(median(total))} (${pageMB.toFixed(2)} MB of HTML)`);
  console.log(`target: page < ${TARGET_PAGE_MB} MB: ${pageMB < TARGET_PAGE_MB ? "ok" : "MISSED"}`);
  if (pageMB >= TARGET_PAGE_MB) missed.push("page size");

  const chromium = process.env.PANKO_CHROMIUM ?? "/usr/bin/chromium";
  if (existsSync(chromium)) {
    const { chromium: pw } = await import("playwright-core");
    const browser = await pw.launch({
      executablePath: chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
    });
    try {
      const rows: { attached: number; fcp: number; visible: number; dcl: number }[] = [];
      for (let i = 0; i < Math.min(runs, 3); i++) {
        const page = await browser.newPage();
        // In-page clocks (relative to navigation start): when #turn-0 enters the DOM, first contentful paint.
        await page.addInitScript(() => {
          const w = window as unknown as { __firstTurn?: number };
          new MutationObserver((_, obs) => {
            if (document.getElementById("turn-0")) {
              w.__firstTurn = performance.now();
              obs.disconnect();
            }
          }).observe(document, { childList: true, subtree: true });
        });
        t = performance.now();
        const nav = page.goto(url, { waitUntil: "domcontentloaded", timeout: 300_000 });
        await page.waitForSelector("#turn-0", { state: "visible", timeout: 300_000 });
        const visible = performance.now() - t;
        await nav;
        const dcl = performance.now() - t;
        const inPage = await page.evaluate(() => ({
          attached: (window as unknown as { __firstTurn?: number }).__firstTurn ?? NaN,
          fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
        }));
        rows.push({ ...inPage, visible, dcl });
        await page.close();
      }
      const col = (k: keyof (typeof rows)[0]) => rows.map((r) => r[k].toFixed(0)).join(", ");
      console.log(`chromium #turn-0 in the DOM:      ${col("attached")} ms after navigation start`);
      console.log(`chromium first contentful paint:  ${col("fcp")} ms`);
      console.log(`chromium #turn-0 visible (seen by playwright): ${col("visible")} ms`);
      console.log(`chromium DOMContentLoaded:        ${col("dcl")} ms`);
      const visible = median(rows.map((r) => r.visible));
      const dcl = median(rows.map((r) => r.dcl));
      const ok = visible < TARGET_READABLE_MS && dcl < TARGET_READABLE_MS;
      console.log(`target: first turn visible and DOMContentLoaded < ${TARGET_READABLE_MS} ms (median): ${ok ? "ok" : "MISSED"} (${visible.toFixed(0)} / ${dcl.toFixed(0)} ms)`);
      if (!ok) missed.push("readable");
    } finally {
      await browser.close();
    }
  } else {
    console.log(`chromium: no browser at ${chromium}: the readable target cannot be measured`);
    missed.push("chromium missing");
  }
} finally {
  proc.kill("SIGINT");
  const code = await proc.exited;
  if (code !== 0) console.log(`panko view exited with ${code}: ${await new Response(proc.stderr).text()}`);
}
if (missed.length) {
  console.log(`view benchmark MISSED: ${missed.join(", ")}`);
  process.exitCode = 1;
}
