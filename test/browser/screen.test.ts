/**
 * Comfortable on any screen, in Chromium: the column uses a wide screen (prose keeps a measure),
 * copy buttons never sit on text or past the column edge (phone and desktop), token figures never
 * break mid-number, copying a command leaves out the `$ ` prompt, "Copy diff" gives a unified
 * diff, and the favicon is served.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { browserAvailable, launchBrowser } from "../helpers/browser.ts";

const fixture = (f: string) => join(import.meta.dir, "../fixtures/claude", f);

describe.skipIf(!browserAvailable())("screens in Chromium", () => {
  let browser: Browser;
  let tools: Viewer;
  let edits: Viewer;
  beforeAll(async () => {
    browser = await launchBrowser();
    tools = await startViewer({ path: fixture("tools.jsonl"), load: () => parseSession(fixture("tools.jsonl")), live: false });
    edits = await startViewer({ path: fixture("edits.jsonl"), load: () => parseSession(fixture("edits.jsonl")), live: false });
  }, 60000);
  afterAll(async () => {
    await tools?.stop();
    await edits?.stop();
    await browser?.close();
  });

  async function open(url: string, width: number, fn: (page: Page) => Promise<void>, permissions: string[] = []) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    if (permissions.length) await context.grantPermissions(permissions, { origin: new URL(url).origin });
    try {
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "load" });
      await fn(page);
    } finally {
      await context.close();
    }
  }

  test("a 1920 px screen: the column is wide, prose keeps a readable measure", async () => {
    await open(tools.url, 1920, async (page) => {
      const r = await page.evaluate(() => ({
        turns: document.getElementById("turns")!.getBoundingClientRect().width,
        md: Math.max(...[...document.querySelectorAll(".md")].map((e) => e.getBoundingClientRect().width)),
        ch: (() => {
          const s = document.createElement("span");
          s.textContent = "0".repeat(100);
          document.querySelector(".md")!.appendChild(s);
          const w = s.getBoundingClientRect().width / 100;
          s.remove();
          return w;
        })(),
      }));
      expect(r.turns).toBeGreaterThan(1100);
      // About 90 characters a line (the measure is in `ch` of the prose font).
      expect(r.md).toBeLessThan(r.ch * 110);
      expect(r.md).toBeLessThan(r.turns - 200);
    });
  });

  for (const width of [360, 1280]) {
    test(`copy buttons cover no text and stay inside the column (${width} px)`, async () => {
      for (const v of [tools, edits]) {
        await open(v.url, width, async (page) => {
          await page.evaluate(() => {
            for (const d of document.querySelectorAll("#turns details")) (d as HTMLDetailsElement).open = true;
          });
          const problems = await page.evaluate(() => {
            const out: string[] = [];
            const column = document.getElementById("main")!.getBoundingClientRect();
            for (const btn of document.querySelectorAll<HTMLElement>("#turns .copy")) {
              const b = btn.getBoundingClientRect();
              if (b.width === 0) continue;
              if (b.left < column.left - 0.5 || b.right > column.right + 0.5 || b.right > document.documentElement.clientWidth) out.push(`outside the column: ${btn.title}`);
              const scope = btn.closest(".cpy")!;
              const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (!n.textContent!.trim() || btn.contains(n)) continue;
                const range = document.createRange();
                range.selectNodeContents(n);
                for (const r of range.getClientRects()) {
                  const overlap = Math.min(r.right, b.right) - Math.max(r.left, b.left) > 1 && Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top) > 1;
                  if (overlap) out.push(`${btn.title} covers "${n.textContent!.trim().slice(0, 30)}"`);
                }
              }
            }
            return [...new Set(out)];
          });
          expect(problems).toEqual([]);
        });
      }
    });
  }

  test("token figures never break mid-number", async () => {
    await open(tools.url, 360, async (page) => {
      const broken = await page.evaluate(() => [...document.querySelectorAll(".facts .nw")].filter((e) => e.getClientRects().length > 1).map((e) => e.textContent));
      expect(await page.locator(".facts .nw").count()).toBeGreaterThan(1);
      expect(broken).toEqual([]);
    });
  });

  test("copying a command leaves out the $ prompt; Copy diff gives a unified diff", async () => {
    await open(
      tools.url,
      1280,
      async (page) => {
        const cmd = page.locator(".k-bash .cmd").first();
        await cmd.hover();
        await cmd.locator(".copy").click();
        await page.waitForSelector(".k-bash .cmd .copy.done");
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        expect(copied.startsWith("$")).toBe(false);
        expect(copied.length).toBeGreaterThan(0);
        // Still shown, drawn by CSS.
        expect(await cmd.locator(".pr").evaluate((e) => getComputedStyle(e, "::before").content)).toBe('"$ "');
      },
      ["clipboard-read", "clipboard-write"],
    );
    await open(
      edits.url,
      1280,
      async (page) => {
        const file = page.locator(".file").first();
        await file.hover();
        await file.locator(".copy").click();
        await page.waitForSelector(".file .copy.done");
        const diff = await page.evaluate(() => navigator.clipboard.readText());
        expect(diff).toMatch(/^--- (a\/\S+|\/dev\/null)\n\+\+\+ (b\/\S+|\/dev\/null)\n/);
        expect(diff).toMatch(/\n[-+ ]/);
      },
      ["clipboard-read", "clipboard-write"],
    );
  });

  test("a favicon, served as an asset", async () => {
    await open(tools.url, 1280, async (page) => {
      const href = await page.getAttribute("link[rel=icon]", "href");
      expect(href).toMatch(/favicon\.svg$/);
      const res = await fetch(new URL(href!, tools.url));
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toStartWith("<svg");
    });
  });
});
