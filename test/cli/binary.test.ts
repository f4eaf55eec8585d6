/** The compiled executable, run as a user runs it (npm test builds dist/panko first). */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hasBinary, runBinary } from "../helpers/cli.ts";
import { writeSampleTree } from "../helpers/session-tree.ts";

const root = process.env.PANKO_TEST_ROOT!;

describe.skipIf(!hasBinary)("dist/panko", () => {
  let home: string;
  let env: Record<string, string>;
  let tree: ReturnType<typeof writeSampleTree>;

  beforeAll(() => {
    home = mkdtempSync(join(root, "bin-home-"));
    env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      XDG_DATA_HOME: join(home, ".local/share"),
      XDG_STATE_HOME: join(home, ".local/state"),
      CODEX_HOME: join(home, ".codex"),
    };
    tree = writeSampleTree(home);
  });

  test("--version and --help", async () => {
    const v = await runBinary(["--version"], { env });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^panko \d+\.\d+\.\d+\n$/);
    const h = await runBinary(["--help"], { env });
    expect(h.code).toBe(0);
    for (const name of ["list", "check", "config"]) expect(h.stdout).toContain(name);
  });

  test("an unknown command exits 2 with the nearest name", async () => {
    const r = await runBinary(["lsit"], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "lsit" (did you mean list?)');
    expect(r.stderr).not.toContain("    at ");
  });

  test("list shows every session, newest first, and --json has every field", async () => {
    const r = await runBinary(["list"], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+SOURCE\s+UPDATED/);
    expect(lines.slice(1).map((l) => l.slice(0, 8))).toEqual(["bbbb3333", "aaaa2222", "aaaa1111"]);
    const json = JSON.parse((await runBinary(["list", "--json"], { env })).stdout);
    expect(json).toHaveLength(3);
    expect(Object.keys(json[0]).sort()).toEqual(
      ["assistantMessages", "createdAt", "firstPrompt", "gitBranch", "id", "models", "mtimeMs", "path", "project", "prompts", "size", "source", "title", "tools", "updatedAt"].sort(),
    );
    expect(json.find((s: { id: string }) => s.id.startsWith("aaaa1111"))).toMatchObject({
      source: "claude",
      project: "/work/alpha",
      title: "Fix the login bug in alpha",
      gitBranch: "main",
      prompts: 1,
      tools: { Bash: 1 },
    });
  });

  test("list filters", async () => {
    const codex = JSON.parse((await runBinary(["list", "--json", "--source", "codex"], { env })).stdout);
    expect(codex.map((s: { project: string }) => s.project)).toEqual(["/work/gamma"]);
    const beta = JSON.parse((await runBinary(["list", "--json", "--project", "BETA"], { env })).stdout);
    expect(beta.map((s: { project: string }) => s.project)).toEqual(["/work/beta"]);
    const one = JSON.parse((await runBinary(["list", "--json", "--limit", "1", "--sort", "oldest"], { env })).stdout);
    expect(one.map((s: { project: string }) => s.project)).toEqual(["/work/alpha"]);
    const bad = await runBinary(["list", "--sort", "size"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("newest, oldest, messages, project");
  });

  test("check --json reports counts and fails on a non-session", async () => {
    const notSession = join(home, "package.json");
    await Bun.write(notSession, '{"name":"x"}\n');
    const r = await runBinary(["check", "--json", tree.claudeA, tree.codex, notSession], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toHaveLength(3);
    for (const o of out) expect(Object.keys(o).sort()).toEqual(["counts", "error", "file", "ok", "sessionId", "source"]);
    expect(out[0]).toMatchObject({ ok: true, source: "claude", sessionId: "aaaa1111-0000-4000-8000-000000000001", error: null });
    expect(out[0].counts).toEqual({ prompts: 1, messages: 1, thinking: 0, toolCalls: 1, toolResults: 1, subAgentToolCalls: 0, images: 0, subAgents: 0, malformedLines: 0, unknownRecords: 0 });
    expect(out[1]).toMatchObject({ ok: true, source: "codex", sessionId: "bbbb3333-0000-4000-8000-000000000003" });
    expect(out[1].counts.toolCalls).toBe(1);
    expect(out[2]).toMatchObject({ ok: false, error: `not a Claude Code or Codex session: ${notSession}` });
  });

  test("check prints a readable line per file", async () => {
    const r = await runBinary(["check", tree.claudeB], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ok");
    expect(r.stdout).toContain("claude aaaa2222-0000-4000-8000-000000000002");
    expect(r.stdout).toContain("0 malformed lines");
  });

  test("config set / show / unset round-trip in the user's config dir", async () => {
    expect((await runBinary(["config", "set", "default_provider", "ngrok"], { env })).code).toBe(0);
    const shown = await runBinary(["config", "show"], { env });
    expect(shown.stdout).toMatch(/default_provider\s+ngrok/);
    const path = (await runBinary(["config", "path"], { env })).stdout.trim();
    expect(path).toBe(join(home, ".config/panko/config.toml"));
    expect(readFileSync(path, "utf8")).toContain('default_provider = "ngrok"');
    const bad = await runBinary(["config", "set", "default_provider", "pigeon"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("cloudflare, ngrok, tailscale");
    expect((await runBinary(["config", "unset", "default_provider"], { env })).code).toBe(0);
  });

  test("NO_COLOR and a pipe mean no escape codes", async () => {
    const r = await runBinary(["list"], { env: { ...env, FORCE_COLOR: undefined } });
    expect(r.stdout).not.toContain("\x1b[");
  });
  test("redact, share --dry-run and export from the binary: what is hidden is listed and not written", async () => {
    const { writePlantedSessions } = await import("../privacy/planted-sessions.ts");
    const { leaks } = await import("../privacy/planted.ts");
    const fixture = writePlantedSessions(join(home, ".claude/projects/-work-planted"));
    const r = await runBinary(["redact", fixture.claude, "--json"], { env });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.total).toBeGreaterThan(40);
    expect(leaks(r.stdout, fixture.planted)).toEqual([]);
    const dry = await runBinary(["share", fixture.claude, "--dry-run"], { env });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("turn 1 · block 1 · prompt");
    expect(dry.stderr).toMatch(/^hid \d+ secrets: /m);
    expect(leaks(dry.stdout, fixture.planted)).toEqual([]);
    const out = join(home, "planted.html");
    const e = await runBinary(["export", fixture.claude, "-o", out], { env });
    expect(e.code).toBe(0);
    expect(e.stderr).toMatch(/^hid \d+ secrets: /);
    expect(leaks(readFileSync(out, "utf8"), fixture.planted)).toEqual([]);
  });
});
