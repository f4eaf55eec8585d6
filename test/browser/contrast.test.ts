/**
 * WCAG AA contrast in real Chromium, both themes: every visible piece of text on pages of varied
 * fixtures (tools, diffs, notices, rewinds, Codex), with every collapsible open, measured as its
 * computed colour against its effective background (the nearest opaque background of an ancestor,
 * semi-transparent ones blended over it). 4.5:1, or 3:1 for large text (24px, or 18.66px bold).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser, watchedPage } from "../helpers/browser.ts";

const FIXTURES = ["claude/tools.jsonl", "claude/edits.jsonl", "claude/system.jsonl", "claude/rewind.jsonl", "claude/inline-sidechain.jsonl", "codex/full.jsonl"];

interface Miss {
  text: string;
  cls: string;
  ratio: number;
  need: number;
  fg: string;
  bg: string;
}

describe.skipIf(!browserAvailable())("contrast (WCAG AA) in Chromium", () => {
  let browser: Browser;
  const viewers: Viewer[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    for (const f of FIXTURES) {
      const path = join(import.meta.dir, "../fixtures", f);
      viewers.push(await startViewer({ path, load: () => parseSession(path), live: false }));
    }
  }, 60000);
  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.stop()));
    await browser?.close();
  });

  for (const theme of ["light", "dark"] as const) {
    test(`every visible text meets AA, ${theme} theme`, async () => {
      const misses: (Miss & { fixture: string })[] = [];
      let measured = 0;
      for (let i = 0; i < FIXTURES.length; i++) {
        const w = await watchedPage(browser, { colorScheme: theme });
        try {
          await w.page.setViewportSize({ width: 1400, height: 900 });
          await w.page.goto(viewers[i]!.url, { waitUntil: "load" });
          await w.page.evaluate(async () => {
            document.getElementById("b-expand")?.click();
            // Parts left out of the page arrive when opened.
            for (let k = 0; k < 100 && document.querySelector(".lazy"); k++) await new Promise((r) => setTimeout(r, 50));
          });
          const r = await w.page.evaluate(measureContrast);
          measured += r.measured;
          for (const m of r.misses) misses.push({ ...m, fixture: FIXTURES[i]! });
        } finally {
          await w.close();
        }
      }
      expect(measured).toBeGreaterThan(200);
      // One line per distinct miss (class + colours), so a failure says what to fix.
      const distinct = [...new Map(misses.map((m) => [`${m.cls}|${m.fg}|${m.bg}`, m])).values()];
      expect(distinct.map((m) => `${m.fixture}: "${m.text}" .${m.cls} ${m.fg} on ${m.bg} = ${m.ratio.toFixed(2)} < ${m.need}`)).toEqual([]);
    }, 120000);
  }
});

/** Runs in the page. */
function measureContrast(): { measured: number; misses: Miss[] } {
  type RGBA = [number, number, number, number];
  const ctx = document.createElement("canvas").getContext("2d")!;
  const parse = (c: string): RGBA => {
    // Normalise any CSS colour (including color-mix / oklab results) through a canvas pixel.
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = "#000";
    ctx.fillStyle = c;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0]!, d[1]!, d[2]!, d[3]! / 255];
  };
  const over = (top: RGBA, under: RGBA): RGBA => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  const lum = (c: RGBA) => {
    const f = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (el: Element): RGBA => {
    const layers: RGBA[] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let c: RGBA = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1]![3] < 1) c = parse(getComputedStyle(document.documentElement).backgroundColor || "#fff");
    for (let k = layers.length - 1; k >= 0; k--) c = over(layers[k]!, c);
    return c;
  };
  const hex = (c: RGBA) => `rgb(${c.slice(0, 3).map((v) => Math.round(v)).join(",")})`;
  const misses: Miss[] = [];
  let measured = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set<Element>();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent || !n.textContent.trim()) continue;
    const el = n.parentElement;
    if (!el || seen.has(el) || el.closest("template, [hidden], script, style, .help, .findbar, .viewbar")) continue;
    seen.add(el);
    const range = document.createRange();
    range.selectNodeContents(n);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== "visible") continue;
    let opacity = 1;
    for (let e: Element | null = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    if (opacity === 0) continue;
    const bg = background(el);
    const fg0 = parse(cs.color);
    const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity], bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize);
    const bold = Number(cs.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    measured++;
    if (ratio < need) misses.push({ text: n.textContent.trim().slice(0, 40), cls: `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`, ratio, need, fg: hex(fg), bg: hex(bg) });
  }
  return { measured, misses };
}
