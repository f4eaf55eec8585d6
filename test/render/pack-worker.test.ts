/**
 * An export's packed groups compressed on a second core (render/pack.ts OffThreadCompressor,
 * render/pack-worker.ts): the same bytes as packing on one thread, and a worker that fails or
 * ends on its own never leaves a page missing a part or an export waiting.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { exportChunks, pageOffThread, writeExport } from "../../src/cli/export.ts";
import { OffThreadCompressor, PackWorkerFailed, gzipBase64 } from "../../src/render/pack.ts";
import { parseClaudeText } from "../../src/sessions/claude/parse.ts";

const dir = join(process.env.PANKO_TEST_ROOT!, "pack-worker");
mkdirSync(dir, { recursive: true });
const worker = (name: string) => new URL(`../helpers/workers/${name}`, import.meta.url).href;

/** A session whose collapsed outputs (~1.5 MB of part HTML) fill several packed groups. */
function bigSession() {
  const base = { sessionId: "9ac0e000-0000-4000-8000-000000000001", cwd: "/w", version: "2.1.0", isSidechain: false, userType: "external" };
  const lines: string[] = [];
  let parent: string | null = null;
  for (let i = 0; i < 120; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString();
    const out = Array.from({ length: 300 }, (_, k) => `turn ${i} line ${k}: output → words é 中`).join("\n");
    lines.push(JSON.stringify({ ...base, type: "user", uuid: `u${i}`, parentUuid: parent, timestamp: t, message: { role: "user", content: `prompt ${i}` } }));
    lines.push(JSON.stringify({ ...base, type: "assistant", uuid: `a${i}`, parentUuid: `u${i}`, timestamp: t, message: { id: `msg_${i}`, role: "assistant", model: "m", content: [{ type: "tool_use", id: `toolu_${i}`, name: "Bash", input: { command: `cat part-${i}` } }] } }));
    lines.push(JSON.stringify({ ...base, type: "user", uuid: `r${i}`, parentUuid: `a${i}`, timestamp: t, message: { role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: out }] } }));
    parent = `r${i}`;
  }
  return parseClaudeText(lines.join("\n") + "\n");
}

const session = bigSession();
const onOneThread = [...exportChunks(session, "html")].join("");

describe("packing on a second core", () => {
  test("the compressor gives gzipBase64's bytes, for groups in flight together", async () => {
    const c = new OffThreadCompressor();
    const texts = ["<p>a</p>", "é → 中 🦓".repeat(5000), "", "x".repeat(300_000)];
    try {
      const packed = await Promise.all(texts.map((t) => c.compress(t)));
      expect(packed).toEqual(texts.map(gzipBase64));
    } finally {
      c.close();
    }
  });

  test("an export written with the worker is the page packed on one thread, byte for byte", async () => {
    const file = join(dir, "with-worker.html");
    const chunks = [...pageOffThread(session)];
    // Groups did go to the worker (on one core they are packed here).
    expect(chunks.some((c) => typeof c !== "string")).toBe((navigator.hardwareConcurrency ?? 1) >= 2);
    await writeExport(file, session, "html");
    expect(readFileSync(file, "utf8")).toBe(onOneThread);
    expect(onOneThread.match(/<template class="pk"/g)!.length).toBeGreaterThan(3);
  });

  test("a worker that fails rejects the groups it held; the export is written again on one thread", async () => {
    if ((navigator.hardwareConcurrency ?? 1) >= 2) {
      const c = new OffThreadCompressor(worker("pack-throws.ts"));
      const out = c.compress("<p>lost</p>");
      expect(out).toBeInstanceOf(Promise);
      expect(out).rejects.toBeInstanceOf(PackWorkerFailed);
      await (out as Promise<string>).catch(() => {});
      expect(c.compress("<p>after</p>")).toBe(gzipBase64("<p>after</p>")); // here from now on
      c.close();
    }

    const file = join(dir, "failing-worker.html");
    await writeExport(file, session, "html", { packWorker: worker("pack-throws.ts") });
    expect(readFileSync(file, "utf8")).toBe(onOneThread);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a worker that ends on its own leaves no group waiting: the export is whole", async () => {
    const file = join(dir, "exiting-worker.html");
    await writeExport(file, session, "html", { packWorker: worker("pack-exits.ts") });
    expect(readFileSync(file, "utf8")).toBe(onOneThread);
  });

  test("a worker that cannot start packs every group here", async () => {
    const file = join(dir, "missing-worker.html");
    await writeExport(file, session, "html", { packWorker: worker("no-such-worker.ts") });
    expect(readFileSync(file, "utf8")).toBe(onOneThread);
  });
});
