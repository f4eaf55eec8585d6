import { describe, expect, test } from "bun:test";
import { appendFileSync, writeFileSync } from "node:fs";
import type { Session } from "../../src/sessions/model.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import type { PollAnswer } from "../../src/viewer/feed.ts";
import { LiveSession } from "../../src/viewer/live.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { viewerHarness } from "./harness.ts";
import { assistantLine, exchanges, newChain, text } from "./claude-lines.ts";

const { sessionFile, start } = viewerHarness("feed");

const poll = async (v: Viewer, query: string): Promise<PollAnswer> => {
  const res = await fetch(`${v.url}updates?${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return (await res.json()) as PollAnswer;
};

describe("polling fallback (updates)", () => {
  test("answers the turns changed since a generation; nothing when current; 400 without g", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 2));
    const v = await start({ path, load: () => parseSession(path), token: "tok123" });
    const html = await (await fetch(v.url)).text();
    expect(html).toContain(`data-updates="/tok123/updates"`);
    expect(html).toContain(`data-gen="0"`);
    expect(await poll(v, "g=0")).toMatchObject({ generation: 0, more: false, turns: [] });

    appendFileSync(path, assistantLine(chain, [text("grown answer")]) + "\n" + exchanges(chain, 1, 9).join("\n") + "\n");
    const a = await poll(v, "g=0");
    expect(a.generation).toBe(1);
    expect(a.reset).toBeUndefined();
    expect(a.turns.map((t) => t.index)).toEqual([1, 2]);
    expect(a.turns[0]!.html).toContain("grown answer");
    expect(a.turns[1]!.html).toContain("Question number 9");
    expect(a.meta).toMatchObject({ turns: 3, generation: 1 });
    expect((await poll(v, "g=1")).turns).toEqual([]);

    expect((await fetch(`${v.url}updates`)).status).toBe(400);
    expect((await fetch(`${v.url}updates?g=abc`)).status).toBe(400);
  });

  test("a rewritten (shorter) file, or a generation from another process: reset, never a stale mix", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 3));
    const v = await start({ path, load: () => parseSession(path) });
    writeFileSync(path, exchanges(newChain(), 1, 40).join("\n") + "\n");
    expect(await poll(v, "g=0")).toMatchObject({ reset: true, generation: 1 });
    expect(await poll(v, "g=99")).toMatchObject({ reset: true });
  });

  test("many changed turns come in bounded slices that add up to all of them", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 1));
    const v = await start({ path, load: () => parseSession(path) });
    const big = "lorem ipsum dolor ".repeat(4000); // ~72 KB per turn
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(...exchanges(chain, 1, 100 + i), assistantLine(chain, [text(big)]));
    appendFileSync(path, lines.join("\n") + "\n");
    const seen: number[] = [];
    let q = "g=0";
    let answers = 0;
    let final: PollAnswer | undefined;
    while (answers++ < 50) {
      const a = await poll(v, q);
      seen.push(...a.turns.map((t) => t.index));
      expect(a.turns.reduce((k, t) => k + t.html.length, 0)).toBeLessThan(600 * 1024);
      if (!a.more) {
        final = a;
        break;
      }
      q = `g=${a.generation}&after=${a.after}&at=${a.at}`;
    }
    expect(answers).toBeGreaterThan(2);
    // The 12 new turns, and turn 0, no longer the last.
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 13 }, (_, k) => k)));
    expect(final!.generation).toBe(1);
  });
});

describe("a shared source", () => {
  test("two viewers of one LiveSession: one parse, both serve it; stopping one leaves the other", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 2));
    let loads = 0;
    const source = await LiveSession.open({
      path,
      load: async () => {
        loads++;
        return parseSession(path);
      },
    });
    const a = await start({ source, token: "aaa" });
    const b = await start({ source, token: "bbb", rawLine: (l) => l });
    expect(loads).toBe(1);
    expect(a.session()).toBe(b.session());
    expect(await (await fetch(a.url)).text()).toContain("Question number 1");
    await a.stop();
    appendFileSync(path, exchanges(chain, 1, 5).join("\n") + "\n");
    expect(await (await fetch(b.url)).text()).toContain("Question number 5");
    expect(loads).toBe(2);
    expect((await fetch(b.url + "download")).status).toBe(200);
    source.stop();
  });

  test("neither a source nor a path: a clear internal error", async () => {
    await expect(startViewer({})).rejects.toThrow(/needs a source/);
  });
});

describe("render errors", () => {
  test("a turn that cannot be rendered is shown as an error in its place; the page is whole", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 3));
    const load = async (): Promise<Session> => {
      const s = await parseSession(path);
      const t = s.turns[1]!;
      // A block the renderer chokes on (text that is not a string).
      t.blocks.push({ kind: "text", id: "bad", text: { length: 3, toString: () => { throw new Error("boom"); } } as unknown as string });
      return s;
    };
    const v = await start({ path, load, live: false });
    const res = await fetch(v.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`id="turn-1"`);
    expect(html).toContain("This turn could not be shown");
    expect(html).toContain("Question number 2"); // the turns after it are there
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
  });

  test("visitors of an unchanged session share one render (together or later)", async () => {
    const path = sessionFile(exchanges(newChain(), 3));
    let renders = 0;
    const { renderPage, renderTurnHtml } = await import("../../src/render/page.ts");
    const { ASSETS } = await import("../../src/render/assets.ts");
    const v = await start({
      path,
      load: () => parseSession(path),
      renderer: {
        renderPage: (s, o) => {
          renders++;
          return renderPage(s, o);
        },
        renderTurnHtml,
        assets: ASSETS,
      },
    });
    // Visitors arriving together share one render; a later one is sent the same bytes.
    const [one, also] = await Promise.all([fetch(v.url).then((r) => r.text()), fetch(v.url).then((r) => r.text())]);
    expect(also).toBe(one);
    const two = await (await fetch(v.url)).text();
    expect(two).toBe(one);
    expect(renders).toBe(1);
    appendFileSync(path, exchanges(newChain(), 1, 77).join("\n") + "\n");
    expect(await (await fetch(v.url)).text()).toContain("Question number 77");
    expect(renders).toBe(2);
  });
});

describe("a session file that goes away", () => {
  test("pages are told (gone), the last state is still served, and a file that comes back is followed again", async () => {
    const { unlinkSync } = await import("node:fs");
    const chain = newChain();
    const lines = exchanges(chain, 2);
    const path = sessionFile(lines);
    const v = await start({ path, load: () => parseSession(path) });
    unlinkSync(path);
    const a = await poll(v, "g=0");
    expect(a.meta.gone).toBe(true);
    expect(a.generation).toBe(1);
    expect(await (await fetch(v.url)).text()).toContain("Question number 1");
    writeFileSync(path, [...lines, ...exchanges(chain, 1, 8)].join("\n") + "\n");
    const b = await poll(v, `g=${a.generation}`);
    expect(b.meta.gone).toBe(false);
    expect(b.meta.turns).toBe(3);
    // A file written anew may get another inode: then the page reloads (reset), else it is patched.
    if (!b.reset) expect(b.turns.map((t) => t.index)).toEqual([1, 2]); // 1 is no longer the last
  });
});

describe("event-stream catch-up in bounded slices", () => {
  test("a stream nobody reads holds about a slice of rendered turns; read, it gives every changed turn", async () => {
    const { LiveFeed } = await import("../../src/viewer/feed.ts");
    const { renderTurnHtml } = await import("../../src/render/page.ts");
    const { inlineImageSrc } = await import("../../src/render/context.ts");
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 1));
    const held = await LiveSession.open({ path, load: () => parseSession(path) });
    const big = "word ".repeat(4000); // ~20 KB of HTML per turn
    const lines: string[] = [];
    for (let i = 0; i < 150; i++) lines.push(...exchanges(chain, 1, 200 + i), assistantLine(chain, [text(big)]));
    appendFileSync(path, lines.join("\n") + "\n");
    await held.refresh();
    expect(held.changesSince(0)).toHaveLength(151); // 150 new turns, and the one they follow
    let renders = 0;
    const feed = new LiveFeed(held, (s, i) => {
      renders++;
      return renderTurnHtml(s.turns[i]!, s, { assets: { mode: "inline" }, imageSrc: inlineImageSrc });
    });
    const stream = feed.open(0);
    await Bun.sleep(500); // nobody reads: the stream fills to its high-water mark and stops rendering
    expect(renders).toBeGreaterThan(0);
    expect(renders).toBeLessThan(40); // 256 KB queued plus one slice, not 150 turns (3 MB)
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let got = "";
    while (!got.includes("event: meta")) {
      const { value, done } = await reader.read();
      if (done) break;
      got += decoder.decode(value, { stream: true });
    }
    expect(new Set([...got.matchAll(/"index":(\d+)/g)].map((m) => Number(m[1]))).size).toBe(151);
    expect(renders).toBe(151); // each turn rendered once
    await reader.cancel();
    feed.close();
    held.stop();
  }, 30000);
});
