/** Ctrl+C during a long export of the compiled binary: it stops, exits 130, and leaves no file. */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BINARY, ROOT, hasBinary } from "../helpers/cli.ts";

/** A Claude session of `turns` exchanges, each with a large command output (~`kb` KB). */
function bigSession(path: string, turns: number, kb: number): void {
  const base = { sessionId: "1a7e0000-0000-4000-8000-000000000001", cwd: "/w", version: "2.1.0", isSidechain: false, userType: "external" };
  const out = "output line with some words in it\n".repeat(Math.ceil((kb * 1024) / 34));
  const lines: string[] = [];
  let parent: string | null = null;
  for (let i = 0; i < turns; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString();
    const u = `u${i}`, a = `a${i}`, r = `r${i}`;
    lines.push(JSON.stringify({ ...base, type: "user", uuid: u, parentUuid: parent, timestamp: t, message: { role: "user", content: `prompt ${i}` } }));
    lines.push(JSON.stringify({ ...base, type: "assistant", uuid: a, parentUuid: u, timestamp: t, message: { id: `msg_${i}`, role: "assistant", model: "m", content: [{ type: "tool_use", id: `toolu_${i}`, name: "Bash", input: { command: "cat big" } }] } }));
    lines.push(JSON.stringify({ ...base, type: "user", uuid: r, parentUuid: a, timestamp: t, message: { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: out }] } }));
    parent = r;
  }
  writeFileSync(path, lines.join("\n") + "\n");
}

describe.skipIf(!hasBinary)("export interrupted", () => {
  test("SIGINT while the file is being written: exit 130, no output file, no temp file", async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "interrupt-"));
    const session = join(dir, "big.jsonl");
    bigSession(session, 1500, 24); // ~36 MB: its export takes a good while
    const out = join(dir, "out", "page.html");
    const outDir = join(dir, "out");
    mkdirSync(outDir);
    const proc = Bun.spawn([BINARY, "export", session, "-o", out], { cwd: ROOT, env: { ...process.env }, stdout: "pipe", stderr: "pipe" });
    // Wait for the temp file (the export is writing), then press Ctrl+C.
    const until = Date.now() + 60_000;
    let seen = false;
    while (!seen && Date.now() < until && proc.exitCode === null) {
      seen = readdirSync(outDir).some((f) => f.endsWith(".tmp"));
      if (!seen) await Bun.sleep(2);
    }
    expect(seen).toBe(true);
    proc.kill("SIGINT");
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    // The redaction summary comes first; the last line is the interruption, naming the file asked for.
    expect({ code, last: stderr.trimEnd().split("\n").at(-1) }).toEqual({ code: 130, last: `error: export interrupted; ${out} was not written` });
    expect(stderr).not.toContain(".tmp");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir)).toEqual([]);
  }, 120_000);
});
