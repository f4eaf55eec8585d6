/**
 * The compiled binary the benchmarks measure (dist/panko), rebuilt first when it is missing or
 * older than any source file or embedded asset, so a figure is never that of yesterday's code.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dir, "../..");
export const BINARY = join(ROOT, "dist/panko");

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBinary(): string {
  const built = existsSync(BINARY) ? statSync(BINARY).mtimeMs : 0;
  const newest = Math.max(newestSource(join(ROOT, "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  if (built < newest) {
    console.log(`building ${BINARY} (${built ? "older than the sources" : "missing"})`);
    const r = Bun.spawnSync([process.execPath, "run", "build"], { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
    if (r.exitCode !== 0) throw new Error("npm run build failed");
  }
  return BINARY;
}
