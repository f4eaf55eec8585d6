/**
 * Which tool calls a page defers (render/turn.ts): past the first turns, runs of calls are parts
 * the page fills as the reader scrolls near; a live page's last turn keeps its last calls; the
 * parts route gives each deferred part the calls the page left out, every call exactly once.
 */
import { describe, expect, test } from "bun:test";
import type { Block } from "../../src/sessions/model.ts";
import { renderPageChunks, renderTurnHtml, renderTurnParts } from "../../src/render/page.ts";
import type { RenderOptions } from "../../src/render/context.ts";
import { session, tool } from "./fixture.ts";

const prompt = (text: string): Block => ({ kind: "prompt", id: `p-${text}`, text, timestamp: "2026-01-21T15:30:00.000Z" });
const calls = (n: number, tag: string): Block[] =>
  Array.from({ length: n }, (_, k) => tool("Bash", { command: `step ${tag}-${k}` }, { text: Array.from({ length: 8 }, (_, r) => `${tag}-${k} out ${r}`).join("\n") }));

const s = session([[prompt("first"), ...calls(3, "a")], [prompt("second"), ...calls(3, "b")], [prompt("long job"), ...calls(50, "c")]]);
const last = s.turns[2]!;
const anchorsOf = (html: string) => [...html.matchAll(/<div class="blk tool[^"]*" id="(tool-[^"]+)"/g)].map((m) => m[1]!);
const all = last.blocks.filter((b) => b.kind === "tool").map((b) => `tool-${(b as { toolUseId: string }).toolUseId}`);

const served = (live: boolean): RenderOptions => ({
  assets: { mode: "served", base: "/x/" },
  imageSrc: () => "",
  partsUrl: "/x/parts",
  searchUrl: "/x/search",
  ...(live ? { eventsUrl: "/x/events" } : {}),
});

/** The calls of the last turn in the page, and those its deferred parts hold (in order). */
function split(opts: RenderOptions) {
  const html = renderTurnHtml(last, s, opts);
  const parts = renderTurnParts(last, s, opts);
  const deferred = [...html.matchAll(/<div class="lazy auto" data-key="[^"]+" data-part="2\.(\d+)"/g)].map((m) => Number(m[1]));
  return { inPage: anchorsOf(html), deferred: deferred.flatMap((k) => anchorsOf(parts[k]!)), html };
}

describe("deferred tool calls", () => {
  test("a live page's last turn keeps its last 30 calls; the 20 before are deferred parts, each call once", () => {
    const { inPage, deferred, html } = split(served(true));
    expect(html).toContain("long job");
    expect(inPage).toEqual(all.slice(20));
    expect(deferred).toEqual(all.slice(0, 20));
  });

  test("each deferred run is named by its first call, a name it keeps as the live turn grows", () => {
    const keysOf = (calls: Block[]) => {
      const t = session([[prompt("a")], [prompt("b")], [prompt("long"), ...calls]]);
      const html = renderTurnHtml(t.turns[2]!, t, served(true));
      return [...html.matchAll(/class="lazy auto" data-key="([^"]+)"/g)].map((m) => m[1]!);
    };
    const long = Array.from({ length: 90 }, (_, k) => tool("Bash", { command: `step ${k}` }, { text: Array.from({ length: 100 }, (_, r) => `step ${k} line ${r}`).join("\n") }));
    const before = keysOf(long.slice(0, 80));
    const after = keysOf(long);
    expect(before.length).toBeGreaterThan(1);
    expect(new Set(before).size).toBe(before.length);
    for (const k of before) expect(after).toContain(k);
    expect(before[0]).toBe(`tool-${(long[0] as { toolUseId: string }).toolUseId}`);
  });

  test("a page that is not live, or a later turn, defers every call of the turn", () => {
    const { inPage, deferred } = split(served(false));
    expect(inPage).toEqual([]);
    expect(deferred).toEqual(all);
  });

  test("the first turns keep their calls; an export packs the deferred ones, and a page without parts keeps them all", () => {
    const page = [...renderPageChunks(s, { assets: { mode: "inline" }, imageSrc: () => "" })].join("");
    const body = page.replace(/<template class="pk"[^>]*>[^<]*<\/template>/g, "");
    for (const b of [...s.turns[0]!.blocks, ...s.turns[1]!.blocks]) if (b.kind === "tool") expect(body).toContain(`id="tool-${b.toolUseId}"`);
    expect(anchorsOf(body).filter((a) => all.includes(a))).toEqual([]);
    expect(body.match(/class="lazy auto"/g)!.length).toBeGreaterThanOrEqual(1);
    const plain = [...renderPageChunks(s, { assets: { mode: "inline" }, imageSrc: () => "", packParts: false })].join("");
    expect(anchorsOf(plain).filter((a) => all.includes(a))).toEqual(all);
    expect(plain).not.toContain("lazy auto");
  });
});
