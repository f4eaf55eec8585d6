import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { exchanges, newChain } from "../viewer/claude-lines.ts";

const root = mkdtempSync(join(process.env.PANKO_TEST_ROOT ?? "/tmp", "view-cmd-"));
const session = join(root, "5e551011-0000-4000-8000-00000000cafe.jsonl");
writeFileSync(session, exchanges(newChain("5e551011-0000-4000-8000-00000000cafe"), 3).join("\n") + "\n");

/** An environment with no display and no CI flag: the command must not try to open a browser. */
const env = () => ({ ...process.env, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, CI: undefined });

/** Starts `panko view ...`, waits for the URL on stdout; `stop()` aborts and resolves to the exit code. */
async function startView(args: string[]) {
  const m = memoryIo({ env: env() });
  const ctrl = new AbortController();
  const done = runCli(["view", ...args], m.io, ctrl.signal);
  const until = Date.now() + 10000;
  let url: string | undefined;
  while (!(url = /http:\/\/\S+/.exec(m.stdout())?.[0])) {
    const early = await Promise.race([done, Bun.sleep(20).then(() => undefined)]);
    if (early !== undefined) throw new Error(`view exited early (${early}): ${m.stderr()}`);
    if (Date.now() > until) throw new Error(`no URL printed; stderr: ${m.stderr()}`);
  }
  return {
    url,
    m,
    async stop() {
      ctrl.abort("SIGINT");
      return done;
    },
  };
}

describe("panko view", () => {
  test("starts, prints the URL, serves the session, stops on abort with exit 0", async () => {
    const v = await startView([session, "--port", "0", "--no-browser"]);
    expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(v.m.stdout()).toBe(`${v.url}\n`);
    expect(v.m.stderr()).toContain("3 turns");
    const page = await fetch(v.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Question number 1");
    expect(await v.stop()).toBe(0);
    await expect(fetch(v.url)).rejects.toThrow();
  });

  test("a taken port: says which one it used instead", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("busy") });
    try {
      const v = await startView([session, "--port", String(blocker.port), "--no-browser"]);
      const used = Number(new URL(v.url).port);
      expect(used).not.toBe(blocker.port);
      expect(v.m.stderr()).toContain(`port ${blocker.port} is in use; using ${used} instead`);
      expect(await v.stop()).toBe(0);
    } finally {
      blocker.stop(true);
    }
  });

  test("the config's default_port is used when --port is not given", async () => {
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("busy") });
    const port = blocker.port!;
    blocker.stop(true);
    const dir = join(process.env.XDG_CONFIG_HOME!, "panko");
    const { mkdirSync, rmSync } = await import("node:fs");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.toml"), `default_port = ${port}\n`);
    try {
      // No --no-browser: there is no display in this environment, so nothing is opened.
      const v = await startView([session]);
      expect(v.url).toBe(`http://127.0.0.1:${port}/`);
      expect(await v.stop()).toBe(0);
    } finally {
      rmSync(join(dir, "config.toml"), { force: true });
    }
  });

  test("a bad --port is a usage error", async () => {
    const m = memoryIo({ env: env() });
    expect(await runCli(["view", session, "--port", "http"], m.io)).toBe(2);
    expect(m.stderr()).toContain("--port must be a whole number");
  });

  test("an unknown session is a clear error", async () => {
    const m = memoryIo({ env: env() });
    expect(await runCli(["view", join(root, "missing.jsonl"), "--no-browser"], m.io)).toBe(1);
    expect(m.stderr()).toContain("error:");
  });
});

describe("browser opener", () => {
  test("skipped without a display or in CI, never throws", async () => {
    const { openBrowser, openerCommand } = await import("../../src/platform/open.ts");
    const calls: string[][] = [];
    const spawn = async (cmd: string[]) => (calls.push(cmd), 0);
    expect(await openBrowser("http://127.0.0.1:1/", { platform: "linux", env: {}, spawn })).toEqual({ opened: false, reason: "no graphical display" });
    expect(await openBrowser("http://127.0.0.1:1/", { platform: "darwin", env: { CI: "true" }, spawn })).toEqual({ opened: false, reason: "running in CI" });
    expect(calls).toEqual([]);
    expect(await openBrowser("http://127.0.0.1:1/", { platform: "linux", env: { DISPLAY: ":0" }, spawn })).toEqual({ opened: true });
    expect(calls).toEqual([["xdg-open", "http://127.0.0.1:1/"]]);
    const failing = async () => {
      throw new Error("ENOENT");
    };
    const r = await openBrowser("http://127.0.0.1:1/", { platform: "linux", env: { WAYLAND_DISPLAY: "wayland-0" }, spawn: failing });
    expect(r.opened).toBe(false);
    expect((await openBrowser("http://x/", { platform: "darwin", env: {}, spawn: async () => 1 })).opened).toBe(false);
    expect(openerCommand("darwin", "http://a/")).toEqual(["open", "http://a/"]);
    expect(openerCommand("win32", "http://a/?x=1&y=2")).toEqual(["cmd", "/c", "start", '""', "http://a/?x=1^&y=2"]);
  });
});
