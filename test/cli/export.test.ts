import { sessionCounts } from "../../src/sessions/counts.ts";
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jsonChunks, withoutThinking, writeAtomically } from "../../src/cli/export.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { PankoError } from "../../src/errors.ts";
import { allKinds } from "../render/fixture.ts";

const dir = join(process.env.PANKO_TEST_ROOT!, "export");
const file = join(dir, "session.jsonl");
const sid = "5e551011-0000-4000-8000-000000000001";

function line(o: Record<string, unknown>): string {
  return JSON.stringify({ sessionId: sid, cwd: "/home/me/proj", gitBranch: "main", version: "2.1.0", isSidechain: false, userType: "external", ...o });
}

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    file,
    [
      line({ type: "user", uuid: "u1", parentUuid: null, timestamp: "2026-01-21T10:00:00.000Z", message: { role: "user", content: "Fix the <script>alert(1)</script> bug" } }),
      line({
        type: "assistant",
        uuid: "a1",
        parentUuid: "u1",
        timestamp: "2026-01-21T10:00:05.000Z",
        message: {
          id: "msg_1",
          role: "assistant",
          model: "claude-opus-4-5",
          content: [
            { type: "thinking", thinking: "secret pondering", signature: "x" },
            { type: "text", text: "Running the tests." },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "seq 50", description: "Count" } },
          ],
          usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
        },
      }),
      line({
        type: "user",
        uuid: "u2",
        parentUuid: "a1",
        timestamp: "2026-01-21T10:00:07.000Z",
        message: { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: Array.from({ length: 50 }, (_, i) => String(i + 1)).join("\n") }] },
      }),
    ].join("\n") + "\n",
  );
});

async function run(...args: string[]) {
  const m = memoryIo({ cwd: dir });
  const code = await runCli(["export", ...args], m.io);
  return { code, out: m.stdout(), err: m.stderr() };
}

describe("panko export", () => {
  test("html (default) to stdout: one self-contained page", async () => {
    const r = await run(file);
    expect(r.code).toBe(0);
    expect(r.out).toStartWith("<!doctype html>");
    expect(r.out).toContain("<style>");
    expect(r.out).toContain("Fix the &lt;script&gt;alert(1)&lt;/script&gt; bug");
    expect(r.out).toContain("show all 50 lines");
    expect(r.out).toContain("secret pondering");
    expect(r.out).toEndWith("</html>\n");
  });

  test("-o - writes to stdout, not to a file named -", async () => {
    const r = await run(file, "--format", "md", "-o", "-");
    expect(r.code).toBe(0);
    expect(r.out).toStartWith("# ");
    expect(existsSync(join(dir, "-"))).toBe(false);
  });

  test("md with --no-thinking and --max-output-lines", async () => {
    const r = await run(file, "--format", "md", "--no-thinking", "--max-output-lines", "3");
    expect(r.code).toBe(0);
    expect(r.out).toStartWith("# ");
    expect(r.out).toContain("**User**\n\nFix the <script>alert(1)</script> bug");
    expect(r.out).toContain("1\n2\n3\n… (47 more lines cut)");
    expect(r.out).not.toContain("secret pondering");
  });

  test("--max-output-lines works for html and json too", async () => {
    const html = await run(file, "--max-output-lines", "3");
    expect(html.code).toBe(0);
    expect(html.out).not.toContain("show all 50 lines");
    expect(html.out).toContain("… (47 more lines cut)");
    const json = JSON.parse((await run(file, "-f", "json", "--max-output-lines", "3")).out);
    const tool = json.turns[0].blocks.find((b: { kind: string }) => b.kind === "tool");
    expect(tool.result.text).toBe("1\n2\n3\n… (47 more lines cut)");
  });

  test("json: the session model", async () => {
    const r = await run(file, "-f", "json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.id).toBe(sid);
    expect(s.turns.length).toBe(1);
    expect(s.turns[0].blocks.map((b: { kind: string }) => b.kind)).toEqual(["prompt", "thinking", "text", "tool"]);
    const noThinking = JSON.parse((await run(file, "-f", "json", "--no-thinking")).out);
    expect(noThinking.turns[0].blocks.map((b: { kind: string }) => b.kind)).toEqual(["prompt", "text", "tool"]);
  });

  test("-o writes the file atomically and says where and how big", async () => {
    const r = await run(file, "-o", "out.html");
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^no secrets found\nwrote out\.html \(\d+(\.\d)? KB\)\n$/);
    expect(readFileSync(join(dir, "out.html"), "utf8")).toStartWith("<!doctype html>");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a failing write leaves neither a half file nor a temp file", async () => {
    const target = join(dir, "half.md");
    function* failing() {
      yield "# start\n";
      throw new Error("disk on fire");
    }
    expect(writeAtomically(target, failing())).rejects.toThrow(PankoError);
    await writeAtomically(target, failing()).catch(() => {});
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    writeFileSync(target, "old");
    expect(writeAtomically(target, failing())).rejects.toThrow("disk on fire");
    await writeAtomically(target, failing()).catch(() => {});
    expect(readFileSync(target, "utf8")).toBe("old"); // the previous file is untouched
    const ac = new AbortController();
    ac.abort();
    expect(writeAtomically(target, ["x"], ac.signal)).rejects.toThrow("interrupted");
    expect(readFileSync(target, "utf8")).toBe("old");
  });

  test("no temporary file name in a write error", async () => {
    const err = await writeAtomically(join(dir, "no-such-folder", "x.md"), ["x"]).then(() => new PankoError("internal", "no error"), (e) => e as PankoError);
    expect(err.message).toBe(`cannot write ${join(dir, "no-such-folder", "x.md")}: the folder does not exist`);
    expect(err.message).not.toContain(".tmp");
  });

  test("an abort while chunks are being written stops between them: nothing written, no temp file", async () => {
    const target = join(dir, "stopped.html");
    const ac = new AbortController();
    let made = 0;
    function* many() {
      for (;;) {
        made++;
        if (made === 3) setImmediate(() => ac.abort()); // what a Ctrl+C does, while the writer is busy
        if (made > 10_000) throw new Error("the writer never noticed the abort");
        yield "x".repeat(512 * 1024);
      }
    }
    const err = await writeAtomically(target, many(), ac.signal).then(() => new PankoError("internal", "no error"), (e) => e as PankoError);
    expect(err.message).toBe(`export interrupted; ${target} was not written`);
    expect(err.exitCode).toBe(130);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("errors: bad format, bad line count, missing folder, unknown session", async () => {
    const bad = await run(file, "--format", "pdf");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`unknown --format "pdf"; valid formats: html, md, json`);
    const lines = await run(file, "-f", "md", "--max-output-lines", "lots");
    expect(lines.code).toBe(2);
    expect(lines.err).toContain("--max-output-lines must be a whole number");
    const nodir = await run(file, "-o", "no/such/dir/x.html");
    expect(nodir.code).toBe(1);
    expect(nodir.err).toContain("cannot write");
    const missing = await run(join(dir, "nope.jsonl"));
    expect(missing.code).not.toBe(0);
    const none = await run();
    expect(none.code).toBe(2);
  });

  test("html refuses a terminal", async () => {
    const m = memoryIo({ cwd: dir, isTTY: true });
    expect(await runCli(["export", file], m.io)).toBe(2);
    expect(m.stderr()).toContain("not writing an HTML page to the terminal");
  });

  test("json streams turn by turn and round-trips; withoutThinking reaches sub-agents", () => {
    const s = allKinds();
    const { counts, ...model } = JSON.parse([...jsonChunks(s)].join(""));
    expect(model).toEqual(JSON.parse(JSON.stringify(s)));
    expect(counts).toEqual(sessionCounts(s)); // the same counts as list, check and the page
    expect([...jsonChunks(s)].length).toBe(s.turns.length + 2);
    const stripped = JSON.stringify(withoutThinking(s));
    expect(stripped).not.toContain(`"kind":"thinking"`);
  });
});
