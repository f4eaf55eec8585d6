/**
 * The served page in real Chromium: keyboard navigation, find, theme, thinking, live updates.
 * One browser and one page for the whole file (the CI machine has two cores).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser, watchedPage, type WatchedPage } from "../helpers/browser.ts";
import { assistantLine, newChain, text, thinking, userLine, type Chain } from "../viewer/claude-lines.ts";

const TURNS = 12;
const LOREM = "The quick brown fox jumps over the lazy dog. ".repeat(40);

function turnLines(chain: Chain, i: number): string[] {
  const needle = i % 4 === 1 ? " haystack-needle " : " ";
  return [
    userLine(chain, `Prompt ${i}: explain part ${i}${needle}please`),
    assistantLine(chain, [thinking(`Private reasoning for part ${i}`)]),
    assistantLine(chain, [text(`Answer ${i}.\n\n${LOREM}\n\n${LOREM}`)]),
  ];
}

describe.skipIf(!browserAvailable())("viewer page in Chromium", () => {
  let browser: Browser;
  let viewer: Viewer;
  let w: WatchedPage;
  let page: Page;
  let path: string;
  const chain = newChain("5e551011-0000-4000-8000-00000000b0b0");

  beforeAll(async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "browser-"));
    path = join(dir, "5e551011-0000-4000-8000-00000000b0b0.jsonl");
    const lines: string[] = [];
    for (let i = 0; i < TURNS; i++) lines.push(...turnLines(chain, i));
    writeFileSync(path, lines.join("\n") + "\n");
    viewer = await startViewer({ path, load: () => parseSession(path), timing: { pollMs: 250 } });
    browser = await launchBrowser();
    w = await watchedPage(browser);
    page = w.page;
    await page.setViewportSize({ width: 1200, height: 800 });
    await page.goto(viewer.url, { waitUntil: "load" });
    await page.waitForSelector(`#turn-${TURNS - 1}`);
  }, 60000);

  afterAll(async () => {
    await w?.close();
    await browser?.close();
    await viewer?.stop();
  });

  const hash = () => page.evaluate(() => location.hash);
  /** Top of an element relative to the viewport. */
  const top = (sel: string) => page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect().top, sel);

  test("the page loads cleanly", async () => {
    expect(await page.locator("#turns > section.turn").count()).toBe(TURNS);
    expect(w.pageErrors).toEqual([]);
    expect(await w.csp()).toEqual([]);
    expect(w.offHost).toEqual([]);
  });

  test("j / k / g / G move between turns", async () => {
    await page.keyboard.press("j");
    expect(await hash()).toBe("#turn-0");
    await page.keyboard.press("j");
    expect(await hash()).toBe("#turn-1");
    await page.keyboard.press("j");
    expect(await hash()).toBe("#turn-2");
    const t2 = await top("#turn-2");
    expect(t2).toBeGreaterThanOrEqual(0);
    expect(t2).toBeLessThan(120);
    await page.keyboard.press("k");
    expect(await hash()).toBe("#turn-1");
    await page.keyboard.press("Shift+G");
    expect(await hash()).toBe(`#turn-${TURNS - 1}`);
    expect(await top(`#turn-${TURNS - 1}`)).toBeLessThan(800);
    await page.keyboard.press("g");
    expect(await hash()).toBe("#turn-0");
    expect(await top("#turn-0")).toBeLessThan(120);
  });

  test("/ finds text and counts matches; Enter and Shift+Enter step; Esc closes", async () => {
    await page.keyboard.press("/");
    const input = page.locator("#find-q");
    await expect(input.isVisible()).resolves.toBe(true);
    await page.keyboard.type("haystack-needle");
    const expected = Array.from({ length: TURNS }, (_, i) => i).filter((i) => i % 4 === 1).length;
    await page.waitForFunction((n) => document.getElementById("find-n")?.textContent === `1 / ${n}`, expected, { timeout: 5000 });
    await page.keyboard.press("Enter");
    expect(await page.textContent("#find-n")).toBe(`2 / ${expected}`);
    await page.keyboard.press("Shift+Enter");
    expect(await page.textContent("#find-n")).toBe(`1 / ${expected}`);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("no-such-text-anywhere");
    await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "no matches", undefined, { timeout: 5000 });
    await page.keyboard.press("Escape");
    expect(await page.locator("#findbar").isHidden()).toBe(true);
  });

  test("the theme toggle switches light/dark and is remembered", async () => {
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const scheme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
    const light = await bg();
    await page.click("#b-theme");
    expect(await scheme()).toBe("dark");
    const dark = await bg();
    expect(dark).not.toBe(light);
    await page.reload({ waitUntil: "load" });
    expect(await scheme()).toBe("dark");
    expect(await bg()).toBe(dark);
    await page.click("#b-theme");
    expect(await scheme()).toBe("light");
    expect(await bg()).toBe(light);
  });

  test("t shows and hides all thinking", async () => {
    const state = () => page.evaluate(() => [...document.querySelectorAll("details.thinking")].map((d) => (d as HTMLDetailsElement).open));
    const before = await state();
    expect(before.length).toBe(TURNS);
    expect(before.every((o) => !o)).toBe(true);
    await page.keyboard.press("t");
    expect((await state()).every((o) => o)).toBe(true);
    expect(await page.isVisible("text=Private reasoning for part 3")).toBe(true);
    await page.keyboard.press("t");
    expect((await state()).every((o) => !o)).toBe(true);
  });

  test("live: a turn appended to the file appears without a reload", async () => {
    await page.evaluate(() => ((window as unknown as { __samePage: number }).__samePage = 1));
    // Let the page's event stream connect before the file changes.
    for (const until = Date.now() + 5000; viewer.clients() === 0; ) {
      if (Date.now() > until) throw new Error("the page never opened its event stream");
      await Bun.sleep(20);
    }
    appendFileSync(path, turnLines(chain, TURNS).join("\n") + "\n");
    await page.waitForSelector(`#turn-${TURNS}`, { timeout: 10000 });
    expect(await page.textContent(`#turn-${TURNS}`)).toContain(`Prompt ${TURNS}: explain part ${TURNS}`);
    await page.waitForFunction((n) => document.getElementById("turn-count")?.textContent === String(n), TURNS + 1, { timeout: 5000 });
    expect(await page.evaluate(() => (window as unknown as { __samePage?: number }).__samePage)).toBe(1);
    // The last turn grows in place.
    appendFileSync(path, assistantLine(chain, [text("A late postscript to the last answer")]) + "\n");
    await page.waitForFunction((n) => document.getElementById(`turn-${n}`)?.textContent?.includes("A late postscript"), TURNS, { timeout: 10000 });
    expect(await page.locator("#turns > section.turn").count()).toBe(TURNS + 1);
    expect(w.pageErrors).toEqual([]);
    expect(await w.csp()).toEqual([]);
  }, 30000);
});
