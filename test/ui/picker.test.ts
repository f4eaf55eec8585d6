/** The picker's option labels: the title keeps its room; a long project path gives way first. */
import { describe, expect, test } from "bun:test";
import type { SessionSummary } from "../../src/sessions/model.ts";
import { sessionLabel, shortPath } from "../../src/ui/picker.ts";

const NOW = Date.parse("2026-03-01T12:00:00Z");

function summary(over: Partial<SessionSummary>): SessionSummary {
  return {
    id: "0ccf1a04-1b4c-43b6-8aa5-79e41db43a68",
    source: "claude",
    path: "/h/.claude/projects/p/s.jsonl",
    title: "A title",
    prompts: 3,
    assistantMessages: 11,
    tools: {},
    models: [],
    size: 1,
    mtimeMs: NOW,
    updatedAt: "2026-03-01T11:00:00Z",
    ...over,
  };
}

describe("sessionLabel", () => {
  test("a title that fits with a long project keeps every word; the project loses its first folders", () => {
    const s = summary({ title: "Claude Code Session Share Plugin Development", project: "/Users/pete/git/moredip/session-share" });
    const label = sessionLabel(s, { now: NOW, width: 100 });
    expect(label).toBe("Claude Code Session Share Plugin Development  …/session-share · 1h ago · 14 messages · claude");
    // narrower: the project is cut further, the title still whole
    const narrow = sessionLabel(s, { now: NOW, width: 90 });
    expect(narrow).toStartWith("Claude Code Session Share Plugin Development  …/");
    expect(narrow).toEndWith("1h ago · 14 messages · claude");
    expect(Bun.stringWidth(narrow)).toBeLessThanOrEqual(90);
  });

  test("everything fits: nothing is cut", () => {
    const s = summary({ title: "Short", project: "/w/app" });
    expect(sessionLabel(s, { now: NOW, width: 90 })).toBe("Short  /w/app · 1h ago · 14 messages · claude");
  });

  test("a very long title is cut, but keeps most of the line", () => {
    const s = summary({ title: "word ".repeat(40).trim(), project: "/a/very/long/project/path/somewhere/deep" });
    const label = sessionLabel(s, { now: NOW, width: 80 });
    expect(label.indexOf("…")).toBeGreaterThanOrEqual(40);
    expect(Bun.stringWidth(label)).toBeLessThanOrEqual(80);
  });
});

describe("shortPath", () => {
  test("keeps the last folders that fit, at a folder boundary", () => {
    expect(shortPath("/Users/pete/git/moredip/session-share", 24)).toBe("…/moredip/session-share");
    expect(shortPath("/Users/pete/git/moredip/session-share", 16)).toBe("…/session-share");
    expect(shortPath("/w/app", 20)).toBe("/w/app");
    expect(shortPath("/x/abcdefghijklmnopqrstuvwxyz", 10)).toHaveLength(10);
    expect(shortPath("/x/y", 2)).toBe("");
  });
});
