import { expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSession } from "../../src/sessions/parse.ts";
import { LiveSession, type Update } from "../../src/viewer/live.ts";
import { assistantLine, exchanges, newChain, text } from "./claude-lines.ts";

const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "live-"));

test("a file written without pause is re-parsed regularly, never more often than a parse takes", async () => {
  const chain = newChain();
  const path = join(root, "busy.jsonl");
  writeFileSync(path, exchanges(chain, 1).join("\n") + "\n");
  let loads = 0;
  const slowLoad = async () => {
    loads++;
    await Bun.sleep(150);
    return parseSession(path);
  };
  const live = await LiveSession.open({ path, load: slowLoad, debounceMs: 20, pollMs: 100 });
  const updates: Update[] = [];
  const off = live.subscribe((u) => updates.push(u));
  loads = 0;
  const until = Date.now() + 1500;
  let i = 0;
  while (Date.now() < until) {
    appendFileSync(path, assistantLine(chain, [text(`chunk ${i++}`)]) + "\n");
    await Bun.sleep(15);
  }
  await Bun.sleep(600);
  off();
  live.stop();
  // Not starved by the constant writes, and not one parse per write either (about 100 writes).
  expect(loads).toBeGreaterThanOrEqual(3);
  expect(loads).toBeLessThanOrEqual(10);
  expect(updates.length).toBeGreaterThanOrEqual(2);
  // Only the growing last turn was reported changed, and the final state has every chunk.
  expect(new Set(updates.flatMap((u) => u.changed))).toEqual(new Set([0]));
  const last = live.session.turns[0]!.blocks.map((b) => (b.kind === "text" ? b.text : "")).join(" ");
  expect(last).toContain(`chunk ${i - 1}`);
  expect(live.watching).toBe(false);
}, 20000);
