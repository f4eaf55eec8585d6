/**
 * `bun run bench`: every speed and memory benchmark, one after another (never in parallel: they
 * measure this machine), each in its own process, printing its figures against its target; each
 * exits non-zero when it misses, and so does this runner.
 *
 *   bun run bench               all of them
 *   bun run bench parse list    only these
 *
 * Generated inputs (the ~100 MB session, the 3,000-session tree) are cached under .bench/.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bench = (name: string) => join(root, "scripts/bench", `${name}.ts`);
const tree = join(root, ".bench/tree");

const suites: Record<string, string[][]> = {
  startup: [[bench("startup")]],
  parse: [[bench("parse")]],
  list: [...(existsSync(join(tree, "home")) ? [] : [[bench("gen-tree"), tree]]), [bench("list"), tree]],
  highlight: [[bench("highlight")]],
  export: [[bench("export")]],
  view: [[bench("view")]],
  privacy: [[bench("privacy")]],
  "daemon-ping": [[bench("daemon"), "ping"]],
  "daemon-start": [[bench("daemon"), "start"]],
  "daemon-rss": [[bench("daemon"), "rss"]],
  "daemon-rss-big": [[bench("daemon"), "rss-big"]],
  "daemon-adopt": [[bench("daemon"), "adopt"]],
  "daemon-loads": [[bench("daemon"), "loads"]],
  picker: [...(existsSync(join(tree, "home")) ? [] : [[bench("gen-tree"), tree]]), [bench("picker"), tree]],
};

const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!suites[name]) {
    console.error(`unknown benchmark "${name}"; choose from: ${Object.keys(suites).join(", ")}`);
    process.exit(2);
  }
}

let failed = 0;
for (const [name, steps] of Object.entries(suites)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n== ${name}`);
  for (const step of steps) {
    if (!existsSync(step[0])) {
      console.log(`(missing ${step[0]})`);
      failed++;
      break;
    }
    const proc = Bun.spawnSync([process.execPath, ...step], { cwd: root, stdout: "inherit", stderr: "inherit" });
    if (proc.exitCode !== 0) {
      console.log(`${name}: exited with ${proc.exitCode}`);
      failed++;
      break;
    }
  }
}
process.exit(failed ? 1 : 0);
