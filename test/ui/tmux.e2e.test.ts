/**
 * The interactive flow end to end, as a user meets it: the compiled dist/panko in a real terminal
 * (tmux), a temp HOME holding Claude Code sessions shaped like the corpus, the fake cloudflared on
 * PATH and the real daemon. Pick a session by typing part of its title, share it, read the URL on
 * screen, view it (Ctrl+C comes back), quit; run panko again, find the share under Active shares,
 * stop it.
 * Skips (saying so) when tmux or the binary is missing.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { BINARY, hasBinary } from "../helpers/cli.ts";
import { claudeSession, writeLines } from "../helpers/session-tree.ts";
import { tempDir } from "../tunnels/helpers.ts";

const tmux = Bun.which("tmux");
const FAKES = resolve(import.meta.dir, "..", "fakes");
const why = !tmux ? "tmux is not installed" : !hasBinary ? "dist/panko is not built (npm run build)" : "";
if (why) console.log(`skipping the tmux end-to-end test: ${why}`);

const root = tempDir("flow-e2e-");
const server = `panko-e2e-${process.pid}`;
const dirs = { HOME: join(root, "h"), XDG_CONFIG_HOME: join(root, "c"), XDG_DATA_HOME: join(root, "d"), XDG_CACHE_HOME: join(root, "k"), XDG_STATE_HOME: join(root, "s") };
const bin = join(root, "bin");
const env: Record<string, string> = {
  ...dirs,
  PATH: `${bin}:${FAKES}:/usr/bin:/bin`,
  TERM: "xterm-256color",
  LANG: "C.UTF-8",
  PANKO_LEASE_GRACE_MS: "3000",
};

function sh(args: string[]): string {
  const r = Bun.spawnSync(args, { env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} exited ${r.exitCode}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

const t = (...args: string[]) => sh([tmux!, "-L", server, "-f", "/dev/null", ...args]);
const keys = (...k: string[]) => t("send-keys", "-t", "e2e", ...k);
const typed = (text: string) => t("send-keys", "-t", "e2e", "-l", text);
const screen = () => t("capture-pane", "-p", "-J", "-t", "e2e", "-S", "-300");

/** Waits until the screen matches (generous: the machine may be busy). */
async function waitFor(what: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (typeof what === "string" ? s.includes(what) : what.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(what)}; the screen:\n${s}`);
    await Bun.sleep(100);
  }
}

function writeSessions() {
  const project = join(dirs.HOME, ".claude", "projects", "-work-webapp");
  const at = (d: number) => `2026-03-0${d}T10:00:00Z`;
  const write = (n: number, prompt: string) => {
    const id = `e2e0000${n}-0000-4000-8000-000000000000`;
    writeLines(join(project, `${id}.jsonl`), [
      ...claudeSession({ id, cwd: "/work/webapp", prompt, at: at(n), branch: "main" }),
      { type: "ai-title", sessionId: id, aiTitle: prompt.split(" with")[0] },
    ]);
  };
  write(1, "Fix the flaky login test");
  write(2, "Add a dark mode toggle with the system theme");
  write(3, "Refactor the billing module");
}

describe.skipIf(Boolean(why))("panko in a terminal", () => {
  afterAll(() => {
    try {
      sh([BINARY, "serve-stop"]);
    } catch {
      // no daemon left
    }
    try {
      t("kill-server");
    } catch {
      // already gone
    }
  });

  test(
    "pick by title, share, view until Ctrl+C, quit; run again, the share is under Active shares, stop it",
    async () => {
      for (const d of [...Object.values(dirs), bin]) mkdirSync(d, { recursive: true, mode: 0o700 });
      symlinkSync(BINARY, join(bin, "panko"));
      symlinkSync(process.execPath, join(bin, "bun")); // the fake cloudflared runs its metrics server with bun
      writeSessions();
      const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      t("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "50", "env", "-i", ...envArgs, "bash", "--norc", "--noprofile");

      keys("panko", "Enter");
      await waitFor("Pick a session (3 sessions");
      typed("dark mode");
      await waitFor("(1 match)");
      keys("Enter");
      await waitFor("What now?");
      expect(screen()).toContain("Add a dark mode toggle");
      keys("Down", "Enter"); // Share publicly
      await waitFor("Share through");
      keys("Enter"); // Cloudflare, the default
      await waitFor("Share it publicly?");
      keys("Enter"); // Yes
      await waitFor("Stop sharing after");
      keys("Enter"); // the default expiry
      const shared = await waitFor(/https:\/\/[a-z-]+\.trycloudflare\.com\/[\w-]+\/[\s\S]*What now\?/);
      const url = /https:\/\/[a-z-]+\.trycloudflare\.com\/[\w-]+\//.exec(shared)![0];
      expect(shared).toContain("copied to clipboard");
      keys("Up", "Enter"); // View in browser: the foreground viewer, until Ctrl+C
      await waitFor(/Press Ctrl\+C to come back here[\s\S]*http:\/\/127\.0\.0\.1:\d+\/[\s\S]*Press Ctrl\+C to stop/);
      keys("C-c");
      await waitFor(/Press Ctrl\+C to stop[\s\S]*What now\?/);
      keys("Escape");
      await waitFor(/What now\?[\s\S]*Pick a session/);
      keys("Escape");
      await waitFor("Bye.");
      keys("echo EXIT=$?", "Enter");
      await waitFor("EXIT=0");

      keys("clear; panko", "Enter");
      await waitFor("1 active share");
      typed("active");
      await waitFor("(1 match)");
      keys("Enter");
      const list = await waitFor("Stop all (1)");
      expect(list).toContain("Add a dark mode toggle");
      expect(list).toContain("cloudflare · active");
      keys("Enter"); // the share
      await waitFor(url);
      await waitFor("Copy URL");
      keys("Down", "Down", "Down", "Enter"); // Stop sharing
      await waitFor("Stopped sharing");
      await waitFor("No active shares.");
      keys("Escape");
      await waitFor(/No active shares\.[\s\S]*Bye\./);
      keys("echo EXIT=$?", "Enter");
      await waitFor(/Bye\.[\s\S]*EXIT=0/);
      expect(screen()).not.toMatch(/\n\s+at .+:\d+:\d+/); // never a stack trace
      expect(JSON.parse(sh([BINARY, "shares", "--json"]))).toEqual([]); // stopped ones are history
      const shares = JSON.parse(sh([BINARY, "shares", "--all", "--json"])) as { status: string }[];
      expect(shares.length).toBeGreaterThan(0);
      expect(shares.every((s) => s.status === "stopped")).toBe(true);
    },
    120_000,
  );
});
