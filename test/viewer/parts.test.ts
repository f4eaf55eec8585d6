import { afterAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPageChunks } from "../../src/render/page.ts";
import { gzipBase64, packGroupText } from "../../src/render/pack.ts";
import { inlineImageSrc } from "../../src/render/context.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { assistantLine, exchanges, newChain, text, thinking, toolResult, toolUse, userLine } from "./claude-lines.ts";

const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "parts-"));
const viewers: Viewer[] = [];
afterAll(async () => {
  await Promise.all(viewers.map((v) => v.stop()));
});

/** The parts of a packed group's text, by id: what panko.js's unframe does. Throws on a malformed group. */
function unpackGroupText(text: string): Map<string, string> {
  const nl = text.indexOf("\n");
  const index = JSON.parse(text.slice(0, nl)) as (string | number)[];
  const parts = new Map<string, string>();
  let at = nl + 1;
  for (let i = 0; i + 1 < index.length; i += 2) {
    const len = index[i + 1] as number;
    parts.set(index[i] as string, text.slice(at, at + len));
    at += len;
  }
  if (at !== text.length) throw new Error(`packed group: the index covers ${at} of ${text.length} characters`);
  return parts;
}

const SECRET_THOUGHT = "zebra-crossing-thought 🦓 é → ".repeat(80); // characters of 1 to 4 UTF-8 bytes: packed lengths count UTF-16 units
const LONG_OUT = Array.from({ length: 200 }, (_, i) => `output line ${i} quasar-${i}`).join("\n");

function sessionLines() {
  const chain = newChain();
  return {
    chain,
    lines: [
      userLine(chain, "Think, then list files"),
      assistantLine(chain, [thinking(SECRET_THOUGHT)]),
      assistantLine(chain, [toolUse("toolu_p1", "Bash", { command: "ls -R" })]),
      userLine(chain, [toolResult("toolu_p1", LONG_OUT)]),
      assistantLine(chain, [text("Done.")]),
      ...exchanges(chain, 1, 5),
    ],
  };
}

describe("a served page leaves collapsed content out and serves it as parts", () => {
  test("placeholders in the page; parts, search and stale turns from their routes", async () => {
    const { chain, lines } = sessionLines();
    const path = join(root, "a.jsonl");
    writeFileSync(path, lines.join("\n") + "\n");
    const v = await startViewer({ path, load: () => parseSession(path), token: "ptok" });
    viewers.push(v);
    const html = await (await fetch(v.url)).text();
    expect(html).not.toContain("zebra-crossing-thought");
    expect(html).toContain("quasar-3"); // the head of the output is in the page
    expect(html).not.toContain("quasar-150"); // its rest is a part
    expect(html).toContain(`data-parts="/ptok/parts"`);
    expect(html).toContain(`data-search="/ptok/search"`);
    const ids = [...html.matchAll(/data-part="(\d+\.\d+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(2);

    const got = (await (await fetch(`${v.url}parts?g=0&p=${ids.join(",")}`)).json()) as { parts: Record<string, string>; turns: Record<string, string> };
    const all = Object.values(got.parts).join("");
    expect(all).toContain("zebra-crossing-thought");
    expect(all).toContain("quasar-150");
    expect(got.turns).toEqual({});

    const found = (await (await fetch(`${v.url}search?q=QUASAR-150`)).json()) as { turns: number[] };
    expect(found.turns).toEqual([0]);
    expect(((await (await fetch(`${v.url}search?q=nowhere-to-be-found`)).json()) as { turns: number[] }).turns).toEqual([]);
    expect((await fetch(`${v.url}search`)).status).toBe(400);
    expect((await fetch(`${v.url}parts?g=0&p=junk`)).status).toBe(400);

    // The turn changed since the page's generation: it comes whole, never a part of another version.
    appendFileSync(path, assistantLine(chain, [text("late words")]) + "\n");
    await (await fetch(v.url)).text(); // the page route re-parses
    const stale = (await (await fetch(`${v.url}parts?g=0&p=1.0`)).json()) as { parts: Record<string, string>; turns: Record<string, string> };
    expect(Object.keys(stale.turns)).toEqual(["1"]);
    expect(stale.turns["1"]).toContain("late words");
  });

  test("an export carries collapsed content packed (gzip in inert templates); packParts: false keeps it inline", async () => {
    const { lines } = sessionLines();
    const path = join(root, "b.jsonl");
    writeFileSync(path, lines.join("\n") + "\n");
    const s = await parseSession(path);
    const html = [...renderPageChunks(s, { assets: { mode: "inline" }, imageSrc: inlineImageSrc })].join("");
    expect(html).toContain("<body data-packed>");
    expect(html).not.toContain("zebra-crossing-thought");
    const ids = [...html.matchAll(/data-part="(\d+\.\d+)"/g)].map((m) => m[1]!);
    expect(ids.length).toBe(2);
    const packed = [...html.matchAll(/<template class="pk" data-turns="(\d+)-(\d+)">([^<]*)<\/template>/g)];
    expect(packed.length).toBe(1);
    // A group: an index line ["T.K",length,...], then the parts' HTML back to back.
    const map = Object.fromEntries(unpackGroupText(new TextDecoder().decode(Bun.gunzipSync(Buffer.from(packed[0]![3]!, "base64")))));
    for (const html of Object.values(map)) expect(html).toMatch(/^<[\s\S]*>$/);
    expect(Object.keys(map).sort()).toEqual(ids.sort());
    expect(Object.values(map).join("")).toContain("zebra-crossing-thought");
    expect(Object.values(map).join("")).toContain("quasar-150");

    const plain = [...renderPageChunks(s, { assets: { mode: "inline" }, imageSrc: inlineImageSrc, packParts: false })].join("");
    expect(plain).toContain("zebra-crossing-thought");
    expect(plain).toContain("quasar-150");
    expect(plain).not.toContain('class="lazy"');
  });
});

describe("packed groups", () => {
  test("the index line gives each part back whole, whatever its characters; a group that does not add up is refused", () => {
    const parts = ['<p class="a">"quoted" \\ back\nslash</p>', "<b>🦓 é → 中</b>", "", "<i>\u0000\u2028</i>"];
    const ids = parts.map((_, k) => `3.${k}`);
    const text = packGroupText(ids, parts);
    expect([...unpackGroupText(text)]).toEqual(ids.map((id, k) => [id, parts[k]!]));
    // Through gzip and UTF-8, as the page carries it.
    const round = new TextDecoder().decode(Bun.gunzipSync(Buffer.from(gzipBase64(text), "base64")));
    expect(unpackGroupText(round).get("3.1")).toBe(parts[1]!);
    expect(() => unpackGroupText(text + "x")).toThrow(/covers/);
  });
});
