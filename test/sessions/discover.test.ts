import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { discoverSessionFiles } from "../../src/sessions/discover.ts";
import { claudeSession, codexSession, tempDir, writeJsonl } from "./helpers.ts";

function envFor(home: string, extra: Record<string, string> = {}) {
  return { HOME: home, CODEX_HOME: join(home, ".codex"), ...extra };
}
const rel = (home: string, paths: string[]) => paths.map((p) => p.slice(home.length + 1)).sort();

describe("discoverSessionFiles", () => {
  test("missing roots give an empty list", () => {
    expect(discoverSessionFiles(envFor(join(tempDir("nothing"), "absent")))).toEqual([]);
  });

  test("claude: both default roots; sub-agent files (both layouts) are not listed", () => {
    const home = tempDir("disc");
    const proj = join(home, ".claude", "projects", "-work-proj");
    writeJsonl(join(proj, "aaaa.jsonl"), claudeSession());
    writeJsonl(join(proj, "aaaa", "subagents", "agent-a1.jsonl"), claudeSession());
    writeJsonl(join(proj, "agent-b2.jsonl"), claudeSession());
    writeJsonl(join(proj, "notes.txt"), ["x"]);
    writeJsonl(join(home, ".config", "claude", "projects", "-other", "bbbb.jsonl"), claudeSession());
    const files = discoverSessionFiles(envFor(home));
    expect(rel(home, files.map((f) => f.path))).toEqual([".claude/projects/-work-proj/aaaa.jsonl", ".config/claude/projects/-other/bbbb.jsonl"]);
    for (const f of files) {
      expect(f.source).toBe("claude");
      expect(f.size).toBeGreaterThan(0);
      expect(f.mtimeMs).toBeGreaterThan(0);
    }
  });

  test("CLAUDE_CONFIG_DIR with two roots replaces the defaults", () => {
    const home = tempDir("disc-cfg");
    writeJsonl(join(home, ".claude", "projects", "-p", "default.jsonl"), claudeSession());
    writeJsonl(join(home, "cfg1", "projects", "-p", "one.jsonl"), claudeSession());
    writeJsonl(join(home, "cfg2", "projects", "-q", "two.jsonl"), claudeSession());
    const env = envFor(home, { CLAUDE_CONFIG_DIR: `${join(home, "cfg1")}, ${join(home, "cfg2")}` });
    expect(rel(home, discoverSessionFiles(env).map((f) => f.path))).toEqual(["cfg1/projects/-p/one.jsonl", "cfg2/projects/-q/two.jsonl"]);
  });

  test("codex: sessions and archived_sessions, rollout files only; source filter", () => {
    const home = tempDir("disc-codex");
    writeJsonl(join(home, ".codex", "sessions", "2025", "03", "01", "rollout-2025-03-01T10-00-00-x.jsonl"), codexSession("x"));
    writeJsonl(join(home, ".codex", "archived_sessions", "rollout-2025-02-01T10-00-00-y.jsonl"), codexSession("y"));
    writeJsonl(join(home, ".codex", "sessions", "2025", "03", "01", "other.jsonl"), codexSession("z"));
    writeJsonl(join(home, ".codex", "history.jsonl"), ["{}"]);
    writeJsonl(join(home, ".claude", "projects", "-p", "c.jsonl"), claudeSession());
    const env = envFor(home);
    const codex = discoverSessionFiles(env, { source: "codex" });
    expect(rel(home, codex.map((f) => f.path))).toEqual([
      ".codex/archived_sessions/rollout-2025-02-01T10-00-00-y.jsonl",
      ".codex/sessions/2025/03/01/rollout-2025-03-01T10-00-00-x.jsonl",
    ]);
    expect(codex.every((f) => f.source === "codex")).toBe(true);
    expect(discoverSessionFiles(env, { source: "claude" }).map((f) => f.source)).toEqual(["claude"]);
    expect(discoverSessionFiles(env)).toHaveLength(3);
  });
});
