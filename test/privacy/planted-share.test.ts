/**
 * The planted-secret suite: every kind of secret (planted.ts) in every place it can sit
 * (planted-sessions.ts), served through the real share path (`panko share` with the fake tunnel)
 * over HTTP: the page, /download (with --allow-download), the live event stream, and every export
 * format and `panko redact`. Nothing is served whole or as a 16-character piece.
 */
import { describe, expect, test } from "bun:test";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { startShareCli } from "../helpers/share-cli.ts";
import { fakeEnv, tempDir } from "../tunnels/helpers.ts";
import { leaks, plantedText } from "./planted.ts";
import { writePlantedSessions } from "./planted-sessions.ts";

async function startShare(args: string[]) {
  const { m, ac, done } = await startShareCli(args, fakeEnv());
  if (!m.stdout().includes("\n")) throw new Error(`share did not start: ${m.stderr()}`);
  return { share: JSON.parse(m.stdout()), m, ac, done };
}

/** Reads an event stream until `until` matches what was read, or 15 s pass. */
async function readEvents(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 15000;
  while (!until(text) && Date.now() < deadline) {
    const r = await Promise.race([reader.read(), Bun.sleep(15000).then(() => ({ value: undefined, done: true as const }))]);
    if (r.done) break;
    text += decoder.decode(r.value, { stream: true });
  }
  await reader.cancel().catch(() => {});
  return text;
}

const fixture = writePlantedSessions(tempDir("planted-"));

describe("planted secrets: nothing is served", () => {
  test("the fixture does hold every secret (the suite can fail)", async () => {
    const raw = (await Bun.file(fixture.claude).text()) + (await Bun.file(fixture.codex).text());
    // every planted secret is in the files as written (JSON-escaped lines aside)
    expect(leaks(raw, fixture.planted).length).toBe(fixture.planted.length);
  });

  for (const which of ["claude", "codex"] as const) {
    test(`${which}: page, download, live events and the title`, async () => {
      const file = fixture[which];
      const { share, ac, done } = await startShare([file, "--json", "--allow-download"]);
      try {
        expect(share.redactions).not.toEqual({});
        const pageRes = await fetch(share.localUrl);
        const page = await pageRes.text();
        expect(page).toContain("[REDACTED:");
        expect(leaks(page, fixture.planted)).toEqual([]);

        const download = await (await fetch(share.localUrl + "download")).text();
        expect(download.length).toBeGreaterThan(1000);
        for (const line of download.trim().split("\n")) JSON.parse(line);
        expect(leaks(download, fixture.planted)).toEqual([]);
        expect(download).not.toContain('"originalFile"');

        // live: a record appended with every secret again reaches the page's stream redacted
        const events = await fetch(share.localUrl + "events");
        const appended =
          which === "claude"
            ? { type: "user", uuid: "late-1", parentUuid: null, sessionId: "eeee5555-0000-4000-8000-000000000005", timestamp: "2026-03-01T11:00:00Z", message: { role: "user", content: `late:\n${plantedText()}` } }
            : { timestamp: "2026-03-02T11:00:00Z", type: "response_item", payload: { type: "message", role: "assistant", content: [{ type: "output_text", text: `late:\n${plantedText()}` }] } };
        await Bun.write(file, (await Bun.file(file).text()) + JSON.stringify(appended) + "\n");
        const text = await readEvents(events, (t) => t.includes("late:"));
        expect(text).toContain("late:");
        expect(leaks(text, fixture.planted)).toEqual([]);
      } finally {
        ac.abort();
        await done;
      }
    }, 60000);
  }

  for (const which of ["claude", "codex"] as const) {
    test(`${which}: every export format and panko redact`, async () => {
      for (const format of ["html", "md", "json"]) {
        const m = memoryIo({ env: fakeEnv() });
        expect(await runCli(["export", fixture[which], "--format", format], m.io)).toBe(0);
        expect(m.stderr()).toMatch(/^hid \d+ secrets: /);
        expect(m.stdout().length).toBeGreaterThan(1000);
        expect(leaks(m.stdout(), fixture.planted)).toEqual([]);
      }
      const m = memoryIo({ env: fakeEnv() });
      expect(await runCli(["redact", fixture[which], "--json"], m.io)).toBe(0);
      const report = JSON.parse(m.stdout());
      expect(report.total).toBeGreaterThan(40);
      expect(report.items).toHaveLength(report.total);
      expect(leaks(m.stdout(), fixture.planted)).toEqual([]);
      for (const item of report.items) expect(item.preview.replace("…", "").length).toBeLessThanOrEqual(6);
    }, 60000);
  }

  test("--no-redact serves them (the check above is not vacuous)", async () => {
    const m = memoryIo({ env: fakeEnv() });
    expect(await runCli(["export", fixture.claude, "--format", "json", "--no-redact"], m.io)).toBe(0);
    expect(leaks(m.stdout(), fixture.planted).length).toBeGreaterThan(40);
  });
});
