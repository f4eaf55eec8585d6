/**
 * Runs once before any test file: points HOME and every XDG dir (and the agents' own homes) at a
 * fresh temp dir, so no test can touch the real ~/.claude, ~/.config, ~/.local or a user daemon.
 */
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "bun:test";

const root = mkdtempSync(join(tmpdir(), "panko-test-"));
const dirs = {
  HOME: join(root, "home"),
  XDG_CONFIG_HOME: join(root, "config"),
  XDG_DATA_HOME: join(root, "data"),
  XDG_STATE_HOME: join(root, "state"),
  XDG_CACHE_HOME: join(root, "cache"),
  XDG_RUNTIME_DIR: join(root, "runtime"),
  CODEX_HOME: join(root, "home", ".codex"),
};
for (const [key, dir] of Object.entries(dirs)) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env[key] = dir;
}
delete process.env.CLAUDE_CONFIG_DIR;
process.env.NO_COLOR = "1";
process.env.PANKO_TEST_ROOT = root;

afterAll(() => {
  if (!process.env.PANKO_KEEP_TEST_DIRS) rmSync(root, { recursive: true, force: true });
});
