import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { hasBinary, runBinary } from "../helpers/cli.ts";
import { canPrompt } from "../../src/ui/io.ts";
import { freeName } from "../../src/ui/actions/files.ts";
import { previewLines, promptExcerpt } from "../../src/ui/preview.ts";
import { allKinds } from "../render/fixture.ts";
import { summary } from "./fakes.ts";
import { removeSessionFiles } from "../../src/ui/real-deps.ts";
import { line, safe } from "../../src/ui/text.ts";

describe("panko without a terminal never prompts", () => {
  for (const [what, opts] of [
    ["stdout and stdin not terminals", { isTTY: false, env: {} }],
    ["CI set", { isTTY: true, env: { CI: "true" } }],
  ] as const) {
    test(what, async () => {
      const m = memoryIo({ isTTY: opts.isTTY, env: { ...opts.env } });
      expect(await runCli([], m.io)).toBe(2);
      expect(m.stdout()).toBe("");
      const err = m.stderr();
      expect(err.trim().split("\n")).toHaveLength(1);
      for (const cmd of ["panko list", "panko share", "--help"]) expect(err).toContain(cmd);
    });
  }

  test.skipIf(!hasBinary)("dist/panko alone with its output piped: the line, exit 2", async () => {
    const r = await runBinary([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("panko list");
  });

  test("canPrompt needs both terminals and no CI", () => {
    expect(canPrompt({ isTTY: true, stdinIsTTY: true, env: {} })).toBe(true);
    expect(canPrompt({ isTTY: true, stdinIsTTY: false, env: {} })).toBe(false);
    expect(canPrompt({ isTTY: false, stdinIsTTY: true, env: {} })).toBe(false);
    expect(canPrompt({ isTTY: true, stdinIsTTY: true, env: { CI: "1" } })).toBe(false);
    expect(canPrompt({ isTTY: true, stdinIsTTY: true, env: { CI: "false" } })).toBe(true);
  });
});

describe("pieces", () => {
  test("safe/line drop escape sequences and control characters", () => {
    expect(safe("a\x1b]52;c;aGk=\x07b\x1b[31mc\x1b[0m\x07d\x9b31me")).toBe("abcde");
    expect(safe("keep\nlines\tand tabs")).toBe("keep\nlines and tabs");
    expect(line("one\ntwo\x1b]0;title\x1b\\ three")).toBe("one two three");
    expect(safe("\u202etxt.exe")).toBe("txt.exe");
  });

  test("the first prompt is cut to ten lines", () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const out = promptExcerpt(text, 40);
    expect(out).toHaveLength(10);
    expect(out[9]).toEndWith("…");
    expect(promptExcerpt("x".repeat(100), 40)).toEqual(["x".repeat(40), "x".repeat(40), "x".repeat(20)]);
  });

  test("the first prompt wraps between words, and cuts only a word longer than half a line", () => {
    const text = "Spawn sub-agents to write poems about Thai green curry, yellow curry and red curry.";
    const out = promptExcerpt(text, 30);
    expect(out).toEqual(["Spawn sub-agents to write", "poems about Thai green curry,", "yellow curry and red curry."]);
    for (const l of out) expect(l.length).toBeLessThanOrEqual(30);
    expect(out.join(" ")).toBe(text);
    // A long word after a short one is cut at the edge, not moved whole to a line of its own.
    expect(promptExcerpt(`ab ${"y".repeat(40)}`, 30)).toEqual([`ab ${"y".repeat(27)}`, "y".repeat(13)]);
  });

  test("freeName never reuses a name", () => {
    const taken = new Set(["/d/a.jsonl", "/d/a (2).jsonl"]);
    expect(freeName("/d", "a.jsonl", (p) => taken.has(p))).toBe("/d/a (3).jsonl");
    expect(freeName("/d", "b.jsonl", (p) => taken.has(p))).toBe("/d/b.jsonl");
  });

  test("removing a session takes its sub-agent folder too, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "panko-rm-"));
    const file = join(dir, "abc.jsonl");
    const other = join(dir, "abcd.jsonl");
    writeFileSync(file, "{}\n");
    writeFileSync(other, "{}\n");
    mkdirSync(join(dir, "abc", "subagents"), { recursive: true });
    writeFileSync(join(dir, "abc", "subagents", "agent-1.jsonl"), "{}\n");
    removeSessionFiles(file);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(join(dir, "abc"))).toBe(false);
    expect(existsSync(other)).toBe(true);
  });
});

describe("the picker filter", () => {
  test("typing on narrows the previous matches; every query agrees with a plain scan", async () => {
    const { buildPicker, pickerFilter } = await import("../../src/ui/picker.ts");
    const { summary } = await import("./fakes.ts");
    const words = ["alpha", "beta", "gamma", "delta", "parser", "login", "theme"];
    const sessions = Array.from({ length: 300 }, (_, i) =>
      summary({ id: `id${i}`, title: `${words[i % 7]} ${words[(i * 3) % 7]} task ${i}`, project: `/p/${words[(i * 5) % 7]}`, firstPrompt: `prompt ${i}` }),
    );
    const model = buildPicker(sessions, { now: 0, width: 100 });
    const filter = pickerFilter(model);
    const plain = (q: string) =>
      model.options.filter((o) => q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => model.haystack.get(o.value)!.includes(w))).map((o) => o.value);
    for (const q of ["p", "pa", "par", "pars", "parse", "parse ", "parse t", "parse ta", "pars", "", "Gam", "gamma p/be", "1", "12", "prompt 12", "settings"]) {
      const got = model.options.filter((o) => filter(q, o)).map((o) => o.value);
      expect(got).toEqual(plain(q));
    }
  });
});

describe("the preview of a parsed session", () => {
  test("says what its calls changed in files, sub-agents included", async () => {
    const session = allKinds();
    expect(previewLines(summary({ id: "sess-1", title: "Fixture session", path: session.path, tools: {} }), { now: Date.now(), width: 80, session })).toContain("changes   3 files, +3 −2");
  });
});
