/**
 * Builds the single panko executable with `bun build --compile`.
 *   bun run build        -> dist/panko for this machine
 *   bun run build:all    -> dist/panko-<os>-<arch> for linux x64/arm64 and darwin x64/arm64
 * Minified, with bytecode, and with no autoloading of .env / bunfig.toml from the user's directory.
 * Static assets (page CSS/JS) are imported as text, so they are embedded in the binary.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const all = process.argv.includes("--all");
const targets = all
  ? ["bun-linux-x64", "bun-linux-arm64", "bun-darwin-x64", "bun-darwin-arm64"]
  : [undefined];

mkdirSync(join(root, "dist"), { recursive: true });

for (const target of targets) {
  const outfile = join("dist", target ? `panko-${target.replace(/^bun-/, "")}` : "panko");
  const args = [
    "build",
    "src/main.ts",
    // Worker entrypoints must be built in (sessions/parallel.ts and render/pack.ts start them).
    "src/sessions/summary/worker.ts",
    "src/render/pack-worker.ts",
    "--compile",
    "--minify",
    "--bytecode",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--outfile",
    outfile,
    ...(target ? [`--target=${target}`] : []),
  ];
  const started = performance.now();
  const proc = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "pipe", stderr: "pipe" });
  if (proc.exitCode !== 0) {
    process.stderr.write(proc.stdout.toString() + proc.stderr.toString());
    console.error(`build failed for ${target ?? "this machine"}`);
    process.exit(1);
  }
  const size = Bun.file(join(root, outfile)).size;
  console.log(`${outfile}  ${(size / 1024 / 1024).toFixed(1)} MB  ${Math.round(performance.now() - started)} ms`);
}
