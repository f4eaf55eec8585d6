/**
 * Live pages in Chromium: the live state in the bar, a running tool, resync after a rewrite, the
 * polling fallback behind a proxy that holds event streams (as Cloudflare quick tunnels do), and
 * j/k moving by turn index to the last short turns.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser, onServedFile, servedFile, watchedPage } from "../helpers/browser.ts";
import { startBufferingProxy } from "../helpers/buffering-proxy.ts";
import { assistantLine, exchanges, newChain, text, thinking, toolResult, toolUse, userLine } from "../viewer/claude-lines.ts";

const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "browser-live-"));
let n = 0;
function sessionFile(lines: string[]): string {
  const path = join(root, `l${++n}.jsonl`);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}
const LOREM = "The quick brown fox jumps over the lazy dog. ".repeat(60);

describe.skipIf(!browserAvailable())("live pages in Chromium", () => {
  let browser: Browser;
  const viewers: Viewer[] = [];
  const start = async (path: string, token?: string) => {
    const v = await startViewer({ path, load: () => parseSession(path), token, timing: { pollMs: 200, debounceMs: 20 } });
    viewers.push(v);
    return v;
  };
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60000);
  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.stop()));
    await browser?.close();
  });

  test("the bar says following; a tool without a result is running; stop: ended, no result", async () => {
    const chain = newChain();
    const path = sessionFile([...exchanges(chain, 2), userLine(chain, "run the tests"), assistantLine(chain, [toolUse("toolu_9", "Bash", { command: "bun test" })])]);
    const v = await start(path);
    const w = await watchedPage(browser);
    try {
      await w.page.goto(v.url, { waitUntil: "load" });
      await w.page.waitForFunction(() => document.getElementById("live")?.getAttribute("data-state") === "following", undefined, { timeout: 15000 });
      expect(await w.page.textContent("#turn-2 .badge")).toBe("running");
      // The file goes away: ended (the page keeps what it shows); it comes back: following again.
      const kept = await Bun.file(path).text();
      await Bun.$`rm ${path}`.quiet();
      await w.page.waitForFunction(() => document.getElementById("live")?.title.includes("file is gone"), undefined, { timeout: 15000 });
      expect(await w.page.getAttribute("#live", "data-state")).toBe("ended");
      await Bun.write(path, kept + exchanges(chain, 1, 70).join("\n") + "\n");
      await w.page.waitForFunction(() => document.getElementById("live")?.getAttribute("data-state") === "following", undefined, { timeout: 15000 });
      await v.stop();
      await w.page.waitForFunction(() => document.getElementById("live")?.getAttribute("data-state") === "ended", undefined, { timeout: 15000 });
      expect(await w.page.textContent("#live")).toBe("ended");
      expect(await w.page.textContent("#turn-2 .badge")).toBe("no result");
      expect(w.pageErrors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60000);

  test("a rewritten session file: the page reloads into the new state, never a mix", async () => {
    const path = sessionFile(exchanges(newChain(), 4));
    const v = await start(path);
    const w = await watchedPage(browser);
    try {
      await w.page.goto(v.url, { waitUntil: "load" });
      await w.page.waitForFunction(() => document.getElementById("live")?.getAttribute("data-state") === "following", undefined, { timeout: 15000 });
      await w.page.evaluate(() => ((window as unknown as { __old: number }).__old = 1));
      writeFileSync(path, exchanges(newChain(), 2, 50).join("\n") + "\n");
      await w.page.waitForFunction(() => !(window as unknown as { __old?: number }).__old && document.querySelectorAll("#turns > section").length === 2, undefined, { timeout: 15000 });
      expect(await w.page.textContent("#turns")).toContain("Question number 51");
      expect(await w.page.textContent("#turns")).not.toContain("Question number 3");
    } finally {
      await w.close();
    }
  }, 60000);

  test("behind a proxy that holds event streams until they end, the page polls and still follows", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 2));
    const v = await start(path, "tok_live");
    const proxy = startBufferingProxy(`http://127.0.0.1:${v.port}`);
    const w = await watchedPage(browser);
    try {
      await w.page.goto(`${proxy.url}/tok_live/`, { waitUntil: "load" });
      // The event stream is held by the proxy: no hello arrives, so the page falls back to polling.
      await w.page.waitForFunction(() => document.getElementById("live")?.title.includes("polling"), undefined, { timeout: 20000 });
      expect(await w.page.getAttribute("#live", "data-state")).toBe("following");
      appendFileSync(path, exchanges(chain, 1, 30).join("\n") + "\n");
      await w.page.waitForSelector("#turn-2", { timeout: 20000 });
      expect(await w.page.textContent("#turn-2")).toContain("Question number 30");
      appendFileSync(path, assistantLine(chain, [text("and a postscript")]) + "\n");
      await w.page.waitForFunction(() => document.getElementById("turn-2")?.textContent?.includes("and a postscript"), undefined, { timeout: 20000 });
      await w.page.waitForFunction(() => document.getElementById("turn-count")?.textContent === "3", undefined, { timeout: 5000 });
      expect(w.pageErrors).toEqual([]);
    } finally {
      await w.close();
      await proxy.stop();
    }
  }, 90000);

  test("j/k step by turn index: the short last turns are reachable, G then k is the one before, the outline follows", async () => {
    const chain = newChain();
    const lines: string[] = [];
    for (let i = 0; i < 6; i++) lines.push(userLine(chain, `Long prompt ${i}`), assistantLine(chain, [text(`${LOREM}\n\n${LOREM}`)]));
    for (let i = 6; i < 10; i++) lines.push(userLine(chain, `Short ${i}`), assistantLine(chain, [text("ok")]));
    const path = sessionFile(lines);
    const v = await start(path);
    const w = await watchedPage(browser);
    const page = w.page;
    const hash = () => page.evaluate(() => location.hash);
    const cur = () => page.evaluate(() => document.querySelector("#outline-list a.cur")?.getAttribute("href"));
    try {
      await page.setViewportSize({ width: 1200, height: 800 });
      await page.goto(v.url, { waitUntil: "load" });
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press("j");
        expect(await hash()).toBe(`#turn-${i}`);
      }
      expect(await cur()).toBe("#turn-9");
      await page.keyboard.press("j");
      expect(await hash()).toBe("#turn-9");
      for (let i = 8; i >= 5; i--) {
        await page.keyboard.press("k");
        expect(await hash()).toBe(`#turn-${i}`);
        expect(await cur()).toBe(`#turn-${i}`);
      }
      await page.keyboard.press("Shift+G");
      expect(await hash()).toBe("#turn-9");
      await page.keyboard.press("k");
      expect(await hash()).toBe("#turn-8");
      // Scrolled by hand to the bottom: the outline marks the last turn.
      await page.keyboard.press("g");
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.waitForFunction(() => document.querySelector("#outline-list a.cur")?.getAttribute("href") === "#turn-9", undefined, { timeout: 5000 });
      expect(w.pageErrors).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60000);

  test("collapsed content comes when opened; find finds text in parts not fetched yet", async () => {
    const chain = newChain();
    const path = sessionFile([
      userLine(chain, "Think, then list"),
      assistantLine(chain, [thinking("pelican-thought ".repeat(100))]),
      assistantLine(chain, [toolUse("toolu_b1", "Bash", { command: "ls" })]),
      userLine(chain, [toolResult("toolu_b1", Array.from({ length: 120 }, (_, i) => `row ${i} marmot-${i}`).join("\n"))]),
      assistantLine(chain, [text("Done.")]),
      ...exchanges(chain, 3, 10),
    ]);
    const v = await start(path);
    const w = await watchedPage(browser);
    const page = w.page;
    try {
      await page.goto(v.url, { waitUntil: "load" });
      expect(await page.locator(".lazy").count()).toBe(2);
      await page.click("#turn-0 details.thinking > summary");
      await page.waitForFunction(() => document.querySelector("#turn-0 details.thinking")?.textContent?.includes("pelican-thought"), undefined, { timeout: 10000 });
      expect(await page.locator(".lazy").count()).toBe(1);
      await page.keyboard.press("/");
      await page.keyboard.type("marmot-117");
      await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "1 / 1", undefined, { timeout: 10000 });
      expect(await page.locator(".lazy").count()).toBe(0);
      expect(await page.evaluate(() => (document.querySelector("#turn-0 details.more") as HTMLDetailsElement).open)).toBe(true);
      await page.keyboard.press("Escape");
      expect(w.pageErrors).toEqual([]);
      expect(await w.csp()).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60000);

  test("an exported file: packed parts open, and find finds text inside them; no CSP violation", async () => {
    const chain = newChain();
    const path = sessionFile([
      userLine(chain, "Think, then list"),
      assistantLine(chain, [thinking("heron-thought ".repeat(100))]),
      assistantLine(chain, [toolUse("toolu_e1", "Bash", { command: "ls" })]),
      userLine(chain, [toolResult("toolu_e1", Array.from({ length: 120 }, (_, i) => `row ${i} otter-${i}`).join("\n"))]),
      assistantLine(chain, [text("Done.")]),
    ]);
    const { renderPageChunks, inlineImageSrc } = await import("../../src/render/page.ts");
    const html = [...renderPageChunks(await parseSession(path), { assets: { mode: "inline" }, imageSrc: inlineImageSrc })].join("");
    await onServedFile(browser, html, async (page, w) => {
      expect(await page.locator(".lazy").count()).toBe(2);
      await page.click("#turn-0 details.thinking > summary");
      await page.waitForFunction(() => document.querySelector("#turn-0 details.thinking")?.textContent?.includes("heron-thought"), undefined, { timeout: 10000 });
      await page.keyboard.press("/");
      await page.keyboard.type("otter-118");
      await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "1 / 1", undefined, { timeout: 10000 });
      expect(await page.locator(".lazy").count()).toBe(0);
      expect(w.pageErrors).toEqual([]);
      expect(await w.csp()).toEqual([]);
    });
  }, 60000);

  test("view panel: filters hide thinking / tool calls / sub-agents and are remembered; expand all; wrap (on by default on phones); tool permalinks", async () => {
    const chain = newChain();
    const path = sessionFile([
      userLine(chain, "Do it"),
      assistantLine(chain, [thinking("short thought")]),
      assistantLine(chain, [toolUse("toolu_v1", "Bash", { command: "echo " + "x".repeat(400) })]),
      userLine(chain, [toolResult("toolu_v1", "y".repeat(400))]),
      assistantLine(chain, [text("Done.")]),
      ...exchanges(chain, 2, 20),
    ]);
    const v = await start(path);
    const w = await watchedPage(browser);
    const page = w.page;
    const shown = (sel: string) => page.evaluate((s) => getComputedStyle(document.querySelector(s)!).display !== "none", sel);
    try {
      await page.setViewportSize({ width: 1200, height: 800 });
      await page.goto(v.url, { waitUntil: "load" });
      expect(await shown("#turn-0 .blk.thinking")).toBe(true);
      expect(await shown("#turn-0 .blk.tool")).toBe(true);
      await page.click("#b-view");
      expect(await page.isVisible("#viewbar")).toBe(true);
      await page.uncheck("#f-thinking");
      expect(await shown("#turn-0 .blk.thinking")).toBe(false);
      await page.keyboard.press("Escape");
      await page.keyboard.press("c"); // conversation only
      expect(await shown("#turn-0 .blk.tool")).toBe(false);
      expect(await shown("#turn-0 .blk.text")).toBe(true);
      await page.reload({ waitUntil: "load" });
      expect(await shown("#turn-0 .blk.thinking")).toBe(false);
      expect(await shown("#turn-0 .blk.tool")).toBe(false);
      await page.click("#b-view");
      expect(await page.isChecked("#f-tools")).toBe(false);
      await page.check("#f-tools");
      await page.check("#f-thinking");
      expect(await shown("#turn-0 .blk.tool")).toBe(true);

      await page.click("#b-expand");
      expect(await page.evaluate(() => [...document.querySelectorAll("#turns details")].every((d) => (d as HTMLDetailsElement).open))).toBe(true);
      await page.click("#b-collapse");
      expect(await page.evaluate(() => [...document.querySelectorAll("#turns details")].some((d) => (d as HTMLDetailsElement).open))).toBe(false);

      const ws = () => page.evaluate(() => getComputedStyle(document.querySelector("#turn-0 .blk.tool pre")!).whiteSpace);
      expect(await ws()).toBe("pre");
      await page.keyboard.press("Escape");
      await page.keyboard.press("w");
      expect(await ws()).toBe("pre-wrap");
      await page.reload({ waitUntil: "load" });
      expect(await ws()).toBe("pre-wrap");
      await page.keyboard.press("w");

      // A tool call's permalink: its own anchor, the page goes there.
      expect(await page.getAttribute("#turn-0 .blk.tool .pl.tl", "href")).toBe("#tool-toolu_v1");
      await page.click("#turn-0 .blk.tool .pl.tl");
      expect(await page.evaluate(() => location.hash)).toBe("#tool-toolu_v1");
      await page.waitForSelector("#turn-0 .blk.tool .pl.tl.copied", { timeout: 5000 });
      expect(w.pageErrors).toEqual([]);
    } finally {
      await w.close();
    }
    // A phone with nothing remembered: wrapped.
    const phone = await browser.newContext({ viewport: { width: 390, height: 800 } });
    try {
      const p = await phone.newPage();
      await p.goto(v.url, { waitUntil: "load" });
      expect(await p.evaluate(() => getComputedStyle(document.querySelector("#turn-0 .blk.tool pre")!).whiteSpace)).toBe("pre-wrap");
    } finally {
      await phone.close();
    }
  }, 60000);

  test("a permalink to a tool call inside a part not fetched yet (a rewound branch) still lands on it, served and exported", async () => {
    const chain = newChain();
    const lines = [...exchanges(chain, 1, 60)];
    const fork = chain.last;
    lines.push(
      userLine(chain, "An abandoned idea"),
      assistantLine(chain, [toolUse("toolu_rw1", "Bash", { command: "ls" })]),
      userLine(chain, [toolResult("toolu_rw1", "listing ".repeat(300))]),
      assistantLine(chain, [text("That went nowhere. ".repeat(80))]),
    );
    chain.last = fork;
    lines.push(userLine(chain, "A better idea"), assistantLine(chain, [text("Yes.")]));
    const path = sessionFile(lines);
    const v = await start(path);
    const html = await (await fetch(v.url)).text();
    expect(html).toContain("rewound");
    expect(html).not.toContain('id="tool-toolu_rw1"'); // inside the branch's part
    const { renderPageChunks, inlineImageSrc } = await import("../../src/render/page.ts");
    const exported = [...renderPageChunks(await parseSession(path), { assets: { mode: "inline" }, imageSrc: inlineImageSrc })].join("");
    const file = servedFile(exported);
    try {
      for (const url of [v.url, file.url]) {
        const w = await watchedPage(browser);
        try {
          await w.page.goto(url + "#tool-toolu_rw1", { waitUntil: "load" });
          await w.page.waitForSelector("#tool-toolu_rw1", { state: "visible", timeout: 10000 });
          const top = await w.page.evaluate(() => document.getElementById("tool-toolu_rw1")!.getBoundingClientRect().top);
          expect(top).toBeGreaterThanOrEqual(0);
          expect(top).toBeLessThan(900);
          expect(w.pageErrors).toEqual([]);
        } finally {
          await w.close();
        }
      }
    } finally {
      file.stop();
    }
  }, 60000);
});
