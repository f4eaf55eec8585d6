import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_MALFORMED_KEPT, parseJsonlText, readJsonl, type JsonObject } from "../../src/sessions/jsonl.ts";
import { emptyStats } from "../../src/sessions/model.ts";

const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? tmpdir(), "jsonl-"));
let n = 0;
function file(content: string | Uint8Array): string {
  const p = join(dir, `f${n++}.jsonl`);
  writeFileSync(p, content);
  return p;
}

async function readAll(path: string) {
  const stats = emptyStats();
  const recs: [JsonObject, number][] = [];
  await readJsonl(path, (r, l) => void recs.push([r, l]), stats);
  return { stats, recs };
}

describe("readJsonl", () => {
  test("reads records with 1-based line numbers, skips blank lines", async () => {
    const { stats, recs } = await readAll(file('{"a":1}\n\n  \n{"b":2}\r\n{"c":3}'));
    expect(recs).toEqual([
      [{ a: 1 }, 1],
      [{ b: 2 }, 4],
      [{ c: 3 }, 5],
    ]);
    expect(stats.lines).toBe(5);
    expect(stats.malformedLines).toBe(0);
  });

  test("empty file", async () => {
    const { stats, recs } = await readAll(file(""));
    expect(recs).toEqual([]);
    expect(stats.lines).toBe(0);
  });

  test("malformed lines are counted, the first 20 recorded, and skipped", async () => {
    const lines = ['{"ok":1}', "{not json", "[1,2]", '"str"', "42", "null", '{"ok":2}'];
    for (let i = 0; i < 30; i++) lines.push("garbage " + i);
    const { stats, recs } = await readAll(file(lines.join("\n") + "\n"));
    expect(recs.map((r) => r[0])).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(stats.malformedLines).toBe(35);
    expect(stats.malformed.length).toBe(MAX_MALFORMED_KEPT);
    expect(stats.malformed[0].line).toBe(2);
    expect(stats.malformed[0].error).toContain("invalid JSON");
    expect(stats.malformed[1]).toEqual({ line: 3, error: "not a JSON object (array)" });
    expect(stats.malformed[4]).toEqual({ line: 6, error: "not a JSON object (null)" });
    expect(stats.lines).toBe(37);
  });

  test("a line of several MB spanning many chunks, with multi-byte characters at the edges", async () => {
    const big = "é€😀".repeat(300_000) + "x".repeat(3_000_001); // ~5 MB of UTF-8
    const p = file(`{"a":"h"}\n{"big":"${big}"}\n{"z":"ü"}\n`);
    const { stats, recs } = await readAll(p);
    expect(recs.length).toBe(3);
    expect((recs[1][0].big as string).length).toBe(big.length);
    expect(recs[1][0].big).toBe(big);
    expect(recs[2]).toEqual([{ z: "ü" }, 3]);
    expect(stats.malformedLines).toBe(0);
  });

  test("lines across the reader's 1 MB pieces keep their order and numbers; a long line between short ones", async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(JSON.stringify({ i, pad: "é".repeat(i % 97) }));
    lines.splice(12_345, 0, JSON.stringify({ i: "long", s: "x".repeat(2_500_000) }));
    const { stats, recs } = await readAll(file(lines.join("\n")));
    expect(recs.length).toBe(30_001);
    expect(stats.lines).toBe(30_001);
    expect(recs.every(([r, l], k) => l === k + 1 && JSON.stringify(r) === lines[k])).toBe(true);
  });

  test("handler returning false stops reading", async () => {
    const stats = emptyStats();
    const seen: number[] = [];
    await readJsonl(file('{"i":1}\n{"i":2}\n{"i":3}\n'), (r) => {
      seen.push(r.i as number);
      return seen.length < 2;
    }, stats);
    expect(seen).toEqual([1, 2]);
  });

  test("missing file rejects", async () => {
    await expect(readJsonl(join(dir, "nope.jsonl"), () => {}, emptyStats())).rejects.toThrow();
  });
});

describe("parseJsonlText", () => {
  test("same contract in memory", () => {
    const stats = emptyStats();
    const recs: unknown[] = [];
    parseJsonlText('{"a":1}\nbad\n\n{"b":2}', (r, l) => void recs.push([r, l]), stats);
    expect(recs).toEqual([
      [{ a: 1 }, 1],
      [{ b: 2 }, 4],
    ]);
    expect(stats).toMatchObject({ lines: 4, malformedLines: 1 });
  });
});

describe("readJsonl edge bytes", () => {
  test("a byte-order mark at the start is dropped; invalid UTF-8 does not break the line", async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('{"s":"a'), 0xff, ...new TextEncoder().encode('b"}\n')]);
    const p = file(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"a":1}\n'), ...bad]));
    const { stats, recs } = await readAll(p);
    expect(recs[0]).toEqual([{ a: 1 }, 1]);
    expect(recs[1][0]).toEqual({ s: "a\uFFFDb" });
    expect(stats.malformedLines).toBe(0);
  });
});
