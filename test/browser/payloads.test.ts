/**
 * THE PAYLOAD SESSION: a Claude session whose every field a page shows (title, prompts, markdown,
 * thinking, tool names, inputs, outputs, file paths, images, notices, unknown records, compaction
 * summaries) carries script payloads. Loaded in real Chromium through the real viewer (and grown
 * live with more payloads), nothing may execute, nothing may leave 127.0.0.1, and the payloads
 * must still be there, as text.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, copyFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser, watchedPage, type WatchedPage } from "../helpers/browser.ts";
import { assistantLine, newChain, text, thinking, userLine } from "../viewer/claude-lines.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/payloads/claude-payloads.jsonl");
const PAYLOAD = `<script>window.__pwned="live";alert("live")</script><img src=x onerror="window.__pwned='live'"><svg onload="alert('live')">`;

describe.skipIf(!browserAvailable())("payload session in Chromium", () => {
  let browser: Browser;
  let viewer: Viewer;
  let w: WatchedPage;
  let path: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "payloads-"));
    path = join(dir, "0000dead-beef-4000-8000-00000000bad1.jsonl");
    copyFileSync(FIXTURE, path);
    viewer = await startViewer({ path, load: () => parseSession(path), timing: { pollMs: 200 } });
    browser = await launchBrowser();
    w = await watchedPage(browser);
  }, 60000);

  afterAll(async () => {
    await w?.close();
    await browser?.close();
    await viewer?.stop();
  });

  /** Everything that would show a payload ran, or that the page holds something executable. */
  async function assertInert() {
    const { page } = w;
    const state = await page.evaluate(() => {
      const all = [...document.querySelectorAll("*")];
      const handlers = all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`));
      const scripts = [...document.scripts].map((s) => s.getAttribute("src") ?? `inline:${s.textContent?.slice(0, 80)}`);
      const dangerous = [...document.querySelectorAll("iframe, frame, object, embed, base, form, style, meta[http-equiv], link:not([rel=stylesheet]), svg script, math")]
        // panko's own favicon, in the head, served by panko: the one link other than the stylesheet.
        .filter((el) => !(el.matches("head > link[rel=icon]") && /^\/assets\/([^/]+\/)?favicon\.svg$/.test(el.getAttribute("href") ?? "")))
        .map((el) => el.outerHTML.slice(0, 120));
      const badLinks = [...document.querySelectorAll("a[href], area[href]")]
        .map((a) => a.getAttribute("href")!)
        .filter((h) => !/^(https?:\/\/|mailto:|#)/i.test(h.trim()) && !h.startsWith("/"));
      const foreignResources = [...document.querySelectorAll("[src], link[href]")]
        .map((el) => (el as HTMLImageElement).src || (el as HTMLLinkElement).href)
        .filter((u) => u && new URL(u, location.href).origin !== location.origin);
      const styleAttrs = all.filter((el) => el.hasAttribute("style")).length;
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        framesPwned: [...document.querySelectorAll("iframe")].map((f) => {
          try {
            return (f.contentWindow as unknown as { __pwned?: unknown })?.__pwned;
          } catch {
            return undefined;
          }
        }),
        handlers,
        scripts,
        dangerous,
        badLinks,
        foreignResources,
        styleAttrs,
      };
    });
    expect(state.pwned).toBeUndefined();
    expect(state.framesPwned).toEqual([]);
    expect(state.handlers).toEqual([]);
    expect(state.scripts.length).toBe(1);
    expect(state.scripts[0]).toMatch(/^\/assets\/([^/]+\/)?panko\.js$/);
    expect(state.dangerous).toEqual([]);
    expect(state.badLinks).toEqual([]);
    expect(state.foreignResources).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(w.offHost).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(await w.csp()).toEqual([]);
    expect(w.console.filter((m) => /Content Security Policy|Refused to/i.test(m.text))).toEqual([]);
  }

  test("nothing in the session runs, loads from elsewhere, or survives as markup", async () => {
    const { page } = w;
    await page.goto(viewer.url, { waitUntil: "load" });
    await page.waitForSelector("#turn-0");
    // Open everything a reader can open: all thinking (t), every collapsed block.
    await page.keyboard.press("t");
    await page.evaluate(() => {
      for (const d of document.querySelectorAll("details")) d.open = true;
    });
    // Hover and focus across the page, so handler payloads would have had their chance.
    const box = await page.evaluate(() => ({ h: document.body.scrollHeight }));
    for (let y = 0; y < Math.min(box.h, 20000); y += 400) {
      await page.mouse.move(300, 200);
      await page.evaluate((top) => window.scrollTo(0, top), y);
    }
    await Bun.sleep(300);
    await assertInert();
    // The payloads are still there, shown as text.
    // textContent, not innerText: off-screen turns are not laid out (content-visibility) yet are there.
    const body = await page.evaluate(() => document.body.textContent);
    expect(body).toContain(`<script>window.__pwned="prompt"`);
    expect(body).toContain(`onerror="window.__pwned='assistant'`);
    expect(body).toContain("Payload session");
  }, 30000);

  test("find with a payload as the query stays text", async () => {
    const { page } = w;
    await page.keyboard.press("Escape");
    await page.keyboard.press("/");
    await page.keyboard.type(`<img src=x onerror="window.__pwned='find'">`);
    await page.keyboard.press("Enter");
    await Bun.sleep(300);
    await page.keyboard.press("Escape");
    await page.keyboard.press("/");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("<script>");
    await page.keyboard.press("Enter");
    await Bun.sleep(300);
    await assertInert();
  }, 30000);

  test("payloads arriving live (server-sent turns) stay inert too", async () => {
    const { page } = w;
    const before = await page.locator("section.turn[id^=turn-]").count();
    const chain = newChain("0000dead-beef-4000-8000-00000000bad1");
    appendFileSync(
      path,
      [
        userLine(chain, `Live ${PAYLOAD}`),
        assistantLine(chain, [thinking(`live thinking ${PAYLOAD}`), text(`Live answer [x](javascript:alert('live')) ${PAYLOAD}`)]),
      ].join("\n") + "\n",
    );
    await page.waitForFunction((n) => document.querySelectorAll("section.turn[id^=turn-]").length > n, before, { timeout: 10000 });
    await page.evaluate(() => {
      for (const d of document.querySelectorAll("details")) d.open = true;
    });
    await Bun.sleep(300);
    await assertInert();
    expect(await page.evaluate(() => document.body.textContent)).toContain(`Live <script>window.__pwned="live"`);
  }, 30000);
});
