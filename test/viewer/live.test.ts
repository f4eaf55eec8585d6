import { expect, test } from "bun:test";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

test("a sub-agent that works while the session file waits for it is followed: its transcript grows, a new one appears", async () => {
  const layout = join(import.meta.dir, "../fixtures/claude/layout");
  const dir = join(root, "layout");
  cpSync(layout, dir, { recursive: true });
  const id = "0b9a1c2d-0000-4000-8000-000000000001";
  const path = join(dir, `${id}.jsonl`);
  const agentOne = join(dir, id, "subagents", "agent-a1b2c3d.jsonl");
  const agentTwo = join(dir, id, "subagents", "agent-b2c3d4e.jsonl");
  const two = readFileSync(agentTwo, "utf8");
  rmSync(agentTwo);
  const main = readFileSync(path, "utf8");

  const live = await LiveSession.open({ path, load: () => parseSession(path), debounceMs: 10, pollMs: 50 });
  const call = (toolUseId: string) => {
    for (const t of live.session.turns) for (const b of t.blocks) if (b.kind === "tool" && b.toolUseId === toolUseId) return { turn: t.index, block: b };
    throw new Error(`no call ${toolUseId}`);
  };
  expect(call("toolu_ag2").block.subAgent).toBeUndefined();
  const updates: Update[] = [];
  const off = live.subscribe((u) => updates.push(u));
  const waitFor = async (ok: () => boolean) => {
    for (let i = 0; i < 100 && !ok(); i++) await Bun.sleep(20);
    expect(ok()).toBe(true);
  };

  // The first sub-agent writes another reply; the session file does not change.
  const last = readFileSync(agentOne, "utf8").trimEnd().split("\n").at(-1)!;
  const more = JSON.parse(last);
  more.uuid = `${more.uuid}-more`;
  more.parentUuid = JSON.parse(last).uuid;
  more.message = { ...more.message, id: "msg_a1_more", content: [{ type: "text", text: "Violets are blue." }] };
  appendFileSync(agentOne, JSON.stringify(more) + "\n");
  await waitFor(() => updates.length > 0);
  const sub = call("toolu_ag1").block.subAgent!;
  expect(sub.turns.flatMap((t) => t.blocks).some((b) => b.kind === "text" && b.text === "Violets are blue.")).toBe(true);
  expect(updates[0].changed).toContain(call("toolu_ag1").turn);
  expect(updates[0].reset).toBe(false);

  // The second sub-agent's transcript appears only now.
  writeFileSync(agentTwo, two);
  await waitFor(() => call("toolu_ag2").block.subAgent !== undefined);
  expect(call("toolu_ag2").block.subAgent).toMatchObject({ agentId: "b2c3d4e" });
  expect(readFileSync(path, "utf8")).toBe(main);

  // Nothing else changes: no more parses.
  const seen = updates.length;
  await Bun.sleep(300);
  expect(updates.length).toBe(seen);
  off();
  live.stop();
}, 20000);
