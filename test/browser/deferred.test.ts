/**
 * Deferred tool calls in real Chromium: past a session's first turns, the runs of tool calls are
 * left out of the page (served) or packed (exported) and come in as the reader scrolls near them;
 * the conversation's words are in the page from the start. Find, permalinks, the tool filter and a
 * live page that grows all keep working.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { exportChunks } from "../../src/cli/export.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser, onServedFile, watchedPage, type WatchedPage } from "../helpers/browser.ts";
import { assistantLine, newChain, text, toolResult, toolUse, userLine, type Chain } from "../viewer/claude-lines.ts";

const TURNS = 30;
const CALLS = 6;

/** Turn i: a prompt, words, CALLS Bash calls with ~2 KB outputs (each with its own marker) in two runs, an answer. */
function turnLines(chain: Chain, i: number): string[] {
  const lines = [userLine(chain, `Prompt ${i}: look at part ${i}`), assistantLine(chain, [text(`Looking at part ${i} now.`)])];
  for (let k = 0; k < CALLS; k++) {
    const id = `toolu_d${i}x${k}`;
    const out = Array.from({ length: 60 }, (_, r) => `row ${r} of call ${k} in turn ${i}: out-${i}-${k}${i === 17 && k === 3 && r === 59 ? " zircon-needle" : ""}`).join("\n");
    lines.push(assistantLine(chain, [toolUse(id, "Bash", { command: `ls part-${i}-${k}` })]), userLine(chain, [toolResult(id, out)]));
    if (k === 2) lines.push(assistantLine(chain, [text(`Halfway through part ${i}.`)])); // two runs of calls
  }
  lines.push(assistantLine(chain, [text(`Answer ${i}: done with part ${i}.`)]));
  return lines;
}

const toolsIn = (page: Page, turn: number) => page.locator(`#turn-${turn} .blk.tool`).count();
const deferredIn = (page: Page, turn: number) => page.locator(`#turn-${turn} .lazy.auto`).count();
/** Replaces window.print: when called, it records what the page then holds (deferred left, calls, the status shown). */
const stubPrint = (page: Page) =>
  page.evaluate(() => {
    window.print = () => {
      (window as unknown as { printed: unknown }).printed = {
        left: document.querySelectorAll("#turns .lazy.auto").length,
        tools: document.querySelectorAll("#turns .blk.tool").length,
        status: document.querySelector(".printing") !== null,
      };
    };
  });
/** Top of an element relative to the viewport. */
const top = (page: Page, sel: string) => page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect().top, sel);

describe.skipIf(!browserAvailable())("deferred tool calls in Chromium", () => {
  let browser: Browser;
  let dir: string;
  let path: string;
  let chain: Chain;

  beforeAll(async () => {
    dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "deferred-"));
    path = join(dir, "deferred.jsonl");
    chain = newChain("5e551011-0000-4000-8000-00000000defe");
    const lines: string[] = [];
    for (let i = 0; i < TURNS; i++) lines.push(...turnLines(chain, i));
    writeFileSync(path, lines.join("\n") + "\n");
    browser = await launchBrowser();
  }, 60000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Runs `fn` on a fenced 1200x800 page of a live viewer of `lines` (written to `name`), then closes both. */
  async function onLivePage(name: string, lines: string[], fn: (page: Page, w: WatchedPage, path: string) => Promise<void>): Promise<void> {
    const path = join(dir, name);
    writeFileSync(path, lines.join("\n") + "\n");
    const viewer = await startViewer({ path, load: () => parseSession(path), timing: { pollMs: 100 } });
    const w = await watchedPage(browser);
    try {
      await w.page.setViewportSize({ width: 1200, height: 800 });
      await w.page.goto(viewer.url, { waitUntil: "load" });
      await fn(w.page, w, path);
    } finally {
      await w.close();
      await viewer.stop();
    }
  }

  describe("a served page", () => {
    let viewer: Viewer;
    let w: WatchedPage;
    let page: Page;
    beforeAll(async () => {
      viewer = await startViewer({ path, load: () => parseSession(path) });
      w = await watchedPage(browser);
      page = w.page;
      await page.setViewportSize({ width: 1200, height: 800 });
    });
    afterAll(async () => {
      await w?.close();
      await viewer?.stop();
    });

    test("the page carries every word of the conversation, and the first turns' calls; later calls are placeholders", async () => {
      const html = await (await fetch(viewer.url)).text();
      for (let i = 0; i < TURNS; i++) {
        expect(html).toContain(`Prompt ${i}: look at part ${i}`);
        expect(html).toContain(`Answer ${i}: done with part ${i}.`);
        expect(html).toContain(`Halfway through part ${i}.`);
      }
      expect(html).toContain("out-1-5"); // the first turns are whole
      expect(html).not.toContain("out-20-0");
      expect(html.match(/class="lazy auto"/g)!.length).toBeGreaterThanOrEqual(TURNS - 3);
    }, 30000);

    test("calls come in as the reader scrolls to them, with no error", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      expect(await toolsIn(page, 0)).toBe(CALLS);
      expect(await deferredIn(page, 25)).toBeGreaterThan(0);
      await page.evaluate(() => document.getElementById("turn-25")!.scrollIntoView());
      await page.waitForFunction(() => document.querySelectorAll("#turn-25 .blk.tool").length === 6, undefined, { timeout: 10000 });
      expect(await page.locator("#turn-25").textContent()).toContain("out-25-5");
      expect(await deferredIn(page, 25)).toBe(0);
      // Far from the view, placeholders wait.
      expect(await deferredIn(page, 5)).toBeGreaterThan(0);
      expect(w.pageErrors).toEqual([]);
      expect(await w.csp()).toEqual([]);
    }, 30000);

    test("find finds words inside calls not yet fetched", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      expect(await deferredIn(page, 17)).toBeGreaterThan(0);
      await page.keyboard.press("/");
      await page.keyboard.type("zircon-needle");
      await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "1 / 1", undefined, { timeout: 10000 });
      expect(await page.locator("#turn-17").textContent()).toContain("zircon-needle");
    }, 30000);

    test("a permalink to a call in a later turn opens at that call", async () => {
      await page.goto("about:blank");
      await page.goto(`${viewer.url}#tool-toolu_d22x4`, { waitUntil: "load" });
      await page.waitForFunction(() => document.getElementById("tool-toolu_d22x4") !== null, undefined, { timeout: 10000 });
      await page.waitForFunction(() => {
        const r = document.getElementById("tool-toolu_d22x4")!.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight;
      }, undefined, { timeout: 10000 });
    }, 30000);

    test("after expand all, calls that come in later come in expanded", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      await page.keyboard.press("v");
      await page.click("#b-expand");
      await page.keyboard.press("Escape");
      await page.evaluate(() => document.getElementById("turn-27")!.scrollIntoView());
      await page.waitForFunction(() => document.querySelectorAll("#turn-27 .blk.tool").length === 6, undefined, { timeout: 10000 });
      const open = await page.evaluate(() => [...document.querySelectorAll("#turn-27 details.more")].map((d) => (d as HTMLDetailsElement).open));
      expect(open.length).toBe(6);
      expect(open.every(Boolean)).toBe(true);
      await page.waitForFunction(() => document.getElementById("turn-27")!.textContent!.includes("row 59 of call 5 in turn 27"), undefined, { timeout: 10000 });
      await page.keyboard.press("v");
      await page.click("#b-collapse");
      await page.keyboard.press("Escape");
    }, 30000);

    test("Ctrl+P prints every call: the deferred ones come in first, then the browser prints", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      expect(await deferredIn(page, 28)).toBeGreaterThan(0);
      await stubPrint(page);
      await page.keyboard.press("Control+p");
      await page.waitForFunction(() => (window as unknown as { printed?: unknown }).printed !== undefined, undefined, { timeout: 20000 });
      const printed = await page.evaluate(() => (window as unknown as { printed: { left: number; tools: number; status: boolean } }).printed);
      expect(printed).toEqual({ left: 0, tools: TURNS * CALLS, status: false });
      expect(await page.locator("#turn-28").textContent()).toContain("row 19 of call 5 in turn 28");
      expect(w.pageErrors).toEqual([]);
    }, 30000);

    test("after expand all, a print waits for the parts of what is open", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      await stubPrint(page);
      await page.keyboard.press("v");
      await page.click("#b-expand");
      await page.click("#b-print");
      await page.waitForFunction(() => (window as unknown as { printed?: unknown }).printed !== undefined, undefined, { timeout: 20000 });
      expect(await page.evaluate(() => document.querySelectorAll("#turns .lazy").length)).toBe(0);
      expect(await page.locator("#turn-28").textContent()).toContain("row 59 of call 5 in turn 28");
      await page.click("#b-collapse");
      await page.keyboard.press("Escape");
    }, 30000);

    test("printed from the browser's menu before the calls came in, a placeholder says how to print them", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      await page.emulateMedia({ media: "print" });
      try {
        const note = await page.evaluate(() => {
          const el = document.querySelector("#turn-25 .lazy.auto")!;
          return { after: getComputedStyle(el, "::after").content, inner: getComputedStyle(el.firstElementChild!).display };
        });
        expect(note.after).toContain("print from the page");
        expect(note.inner).toBe("none"); // no "loading…" on paper
      } finally {
        await page.emulateMedia({ media: "screen" });
      }
    }, 30000);

    test("Ctrl+F opens the page's find, which sees calls not loaded yet; Ctrl+F again is the browser's", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      await page.evaluate(() => {
        (window as unknown as { prevented: boolean[] }).prevented = [];
        window.addEventListener("keydown", (e) => {
          if (e.key === "f") (window as unknown as { prevented: boolean[] }).prevented.push(e.defaultPrevented);
        });
      });
      await page.keyboard.press("Control+f");
      expect(await page.evaluate(() => [document.getElementById("findbar")!.hidden, document.activeElement?.id, document.getElementById("find-n")!.textContent])).toEqual([
        false,
        "find-q",
        "Ctrl+F again: the browser's find",
      ]);
      await page.keyboard.press("Control+f");
      expect(await page.evaluate(() => (window as unknown as { prevented: boolean[] }).prevented)).toEqual([true, false]);
      await page.keyboard.type("zircon-needle");
      await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "1 / 1", undefined, { timeout: 10000 });
      await page.keyboard.press("Escape");
    }, 30000);

    test("a reload comes back to the same place, though the calls above it are not loaded yet", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      // Down to the middle of turn 20, and let everything near it come in.
      await page.evaluate(() => {
        const t = document.getElementById("turn-20")!;
        scrollTo(0, t.getBoundingClientRect().top + scrollY - 44 + 300);
      });
      await page.waitForFunction(() => document.querySelectorAll("#turn-20 .lazy.auto, #turn-19 .lazy.auto, #turn-18 .lazy.auto").length === 0, undefined, { timeout: 10000 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const before = await top(page, "#turn-20");
      await page.reload({ waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("#turn-20 .lazy.auto").length === 0, undefined, { timeout: 10000 });
      await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      expect(Math.abs((await top(page, "#turn-20")) - before)).toBeLessThan(4);
      expect(w.pageErrors).toEqual([]);
    }, 30000);

    test("conversation only hides the placeholders too", async () => {
      await page.goto(viewer.url, { waitUntil: "load" });
      await page.keyboard.press("c");
      const shown = await page.evaluate(() => [...document.querySelectorAll(".lazy.auto")].filter((e) => getComputedStyle(e).display !== "none").length);
      expect(shown).toBe(0);
      await page.keyboard.press("c");
    }, 30000);
  });

  test("an exported file: calls are unpacked as the reader scrolls; find finds inside packed ones", async () => {
    const html = [...exportChunks(await parseSession(path), "html")].join("");
    expect(html).not.toContain("out-20-0");
    await onServedFile(
      browser,
      html,
      async (page, w) => {
        expect(await deferredIn(page, 20)).toBeGreaterThan(0);
        await page.evaluate(() => document.getElementById("turn-20")!.scrollIntoView());
        await page.waitForFunction(() => document.querySelectorAll("#turn-20 .blk.tool").length === 6, undefined, { timeout: 10000 });
        expect(await page.locator("#turn-20").textContent()).toContain("out-20-5");
        await page.keyboard.press("/");
        await page.keyboard.type("zircon-needle");
        await page.waitForFunction(() => document.getElementById("find-n")?.textContent === "1 / 1", undefined, { timeout: 10000 });
        await page.keyboard.press("Escape");
        // Print, from the view panel: every packed call is unpacked first.
        await stubPrint(page);
        await page.keyboard.press("v");
        await page.click("#b-print");
        await page.waitForFunction(() => (window as unknown as { printed?: unknown }).printed !== undefined, undefined, { timeout: 20000 });
        expect(await page.evaluate(() => (window as unknown as { printed: unknown }).printed)).toEqual({ left: 0, tools: TURNS * CALLS, status: false });
        expect(w.pageErrors).toEqual([]);
        expect(await w.csp()).toEqual([]);
      },
      { width: 1200, height: 800 },
    );
  }, 60000);

  test("a live page's growing last turn: its last calls are in the page; runs the reader has stay in place as it grows", async () => {
    const c = newChain("5e551011-0000-4000-8000-00000000620e");
    // Outputs of 40 lines: each call has a collapsed rest, so a run's number moves as the turn grows.
    const calls = (from: number, to: number): string[] => {
      const out: string[] = [];
      for (let k = from; k < to; k++) {
        const id = `toolu_g${k}`;
        out.push(assistantLine(c, [toolUse(id, "Bash", { command: `step ${k}` })]), userLine(c, [toolResult(id, Array.from({ length: 40 }, (_, r) => `step ${k} line ${r}`).join("\n"))]));
      }
      return out;
    };
    const lines = [...turnLines(c, 0), ...turnLines(c, 1), userLine(c, "Now do the long job"), ...calls(0, 80)];
    await onLivePage("growing.jsonl", lines, async (page, w, livePath) => {
      const ids = () => page.evaluate(() => [...document.querySelectorAll("#turn-2 .blk.tool")].map((e) => e.id));
      // The last 30 calls are in the page; the 50 before them are deferred.
      expect(await ids()).toEqual(Array.from({ length: 30 }, (_, k) => `tool-toolu_g${50 + k}`));
      expect(await deferredIn(page, 2)).toBeGreaterThan(0);
      await page.evaluate(() => document.getElementById("tool-toolu_g50")!.scrollIntoView());
      await page.evaluate(() => window.scrollBy(0, -1500));
      await page.waitForFunction(() => document.getElementById("tool-toolu_g47") !== null, undefined, { timeout: 10000 });
      await page.evaluate(() => document.getElementById("tool-toolu_g47")!.scrollIntoView());
      const before = await top(page, "#tool-toolu_g47");
      appendFileSync(livePath, calls(80, 90).join("\n") + "\n");
      await page.waitForSelector("#tool-toolu_g89", { timeout: 10000 });
      // The call the reader was at is still there, where it was; the runs fill in again.
      expect(Math.abs((await top(page, "#tool-toolu_g47")) - before)).toBeLessThan(40);
      // Runs near the view are fetched afresh at once; the others as the reader scrolls to them.
      await page.waitForFunction(() => {
        const r = document.getElementById("tool-toolu_g47")!.closest(".lazy, .dpart");
        return r !== null && r.classList.contains("dpart");
      }, undefined, { timeout: 10000 });
      for (let y = 0; y < 200; y++) {
        const more = await page.evaluate((k) => {
          const t = document.getElementById("turn-2")!;
          window.scrollTo(0, t.offsetTop + k * 600);
          return t.offsetTop + k * 600 < t.offsetTop + t.offsetHeight;
        }, y);
        await Bun.sleep(60);
        if (!more) break;
      }
      await page.waitForFunction(() => !document.querySelector("#turn-2 .lazy.auto"), undefined, { timeout: 10000 });
      expect(await ids()).toEqual(Array.from({ length: 90 }, (_, k) => `tool-toolu_g${k}`));
      expect(w.pageErrors).toEqual([]);
    });
  }, 60000);

  test("a live turn sent again keeps what the reader opened, and its collapsed parts load again", async () => {
    const c = newChain("5e551011-0000-4000-8000-0000000e0be0");
    await onLivePage("reopen.jsonl", turnLines(c, 0), async (page, w, livePath) => {
      await page.click("#tool-toolu_d0x5 details.more > summary");
      await page.waitForFunction(() => document.querySelector("#tool-toolu_d0x5 details.more")!.textContent!.includes("row 59 of call 5 in turn 0"), undefined, { timeout: 10000 });
      appendFileSync(livePath, assistantLine(c, [text("One more thing about part 0.")]) + "\n");
      await page.waitForFunction(() => document.getElementById("turn-0")!.textContent!.includes("One more thing"), undefined, { timeout: 10000 });
      // The turn was replaced: the reader's open rest is open again, and filled again.
      await page.waitForFunction(() => {
        const d = document.querySelector("#tool-toolu_d0x5 details.more") as HTMLDetailsElement;
        return d.open && !d.querySelector(".lazy") && d.textContent!.includes("row 59 of call 5 in turn 0");
      }, undefined, { timeout: 10000 });
      expect(w.pageErrors).toEqual([]);
    });
  }, 60000);

  test("a live page: the last turn's calls are in the page; once a turn follows it, its calls come as parts of the right turn", async () => {
    const liveChain = newChain("5e551011-0000-4000-8000-00000000de1e");
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) lines.push(...turnLines(liveChain, i));
    await onLivePage("live.jsonl", lines, async (page, w, livePath) => {
      expect(await toolsIn(page, 3)).toBe(CALLS); // last: whole
      expect(await deferredIn(page, 2)).toBeGreaterThan(0);
      appendFileSync(livePath, turnLines(liveChain, 4).join("\n") + "\n");
      await page.waitForSelector("#turn-4", { timeout: 10000 });
      // Turn 3 is sent again, deferred now; scrolled to, its parts are its own calls.
      await page.waitForFunction(() => document.querySelector("#turn-3 .lazy.auto, #turn-3 .blk.tool") !== null, undefined, { timeout: 10000 });
      await page.evaluate(() => document.getElementById("turn-3")!.scrollIntoView());
      await page.waitForFunction(() => document.querySelectorAll("#turn-3 .blk.tool").length === 6 && !document.querySelector("#turn-3 .lazy.auto"), undefined, { timeout: 10000 });
      const t3 = (await page.locator("#turn-3").textContent())!;
      for (let k = 0; k < CALLS; k++) expect(t3).toContain(`out-3-${k}`);
      expect(t3).not.toContain("out-4-");
      // A collapsed rest in turn 3 opens with its own lines (the page and the server number the
      // turn's parts alike: it was sent again once it stopped being last).
      await page.click("#tool-toolu_d3x5 details.more > summary");
      await page.waitForFunction(() => !document.querySelector("#tool-toolu_d3x5 .lazy"), undefined, { timeout: 10000 });
      const rest = (await page.locator("#tool-toolu_d3x5 details.more").textContent())!;
      expect(rest).toContain("row 59 of call 5 in turn 3");
      expect(await page.locator("#tool-toolu_d3x5 .blk.tool").count()).toBe(0);
      expect(await toolsIn(page, 4)).toBe(CALLS);
      expect(w.pageErrors).toEqual([]);
    });
  }, 60000);
});
