/**
 * Viewer test plumbing: session files in a temp folder, and viewers that are stopped after the
 * file's tests (call `viewerHarness()` at the top of a test file).
 */
import { afterAll } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";

export function viewerHarness(name: string) {
  const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", `${name}-`));
  let n = 0;
  const viewers: Viewer[] = [];
  afterAll(async () => {
    await Promise.all(viewers.map((v) => v.stop()));
  });
  return {
    root,
    /** Writes the lines as a new session file; returns its path. */
    sessionFile(lines: string[]): string {
      const path = join(root, `s${++n}.jsonl`);
      writeFileSync(path, lines.join("\n") + "\n");
      return path;
    },
    /** startViewer, stopped after the file's tests. */
    async start(opts: Parameters<typeof startViewer>[0]): Promise<Viewer> {
      const v = await startViewer(opts);
      viewers.push(v);
      return v;
    },
  };
}
