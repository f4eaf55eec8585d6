import { afterEach, describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { LineSplitter, liveTunnelPids, startTunnelProcess, stopAllTunnels, type OutputParser } from "../../src/tunnels/process.ts";
import { FAKES, fakeEnv, isAlive, readPids, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(() => stopAllTunnels());

describe("LineSplitter", () => {
  test("a line split across chunks is one line; \\r\\n is handled", () => {
    const s = new LineSplitter();
    expect(s.push("2026 INF |  https://a-b")).toEqual([]);
    expect(s.push(".trycloudflare.com  |\r")).toEqual([]);
    expect(s.push("\nnext line\npart")).toEqual(["2026 INF |  https://a-b.trycloudflare.com  |", "next line"]);
    expect(s.push("ial\r\n\r\n")).toEqual(["partial", ""]);
    expect(s.push("no newline at the end")).toEqual([]);
    expect(s.end()).toEqual(["no newline at the end"]);
    expect(s.end()).toEqual([]);
  });
});

/** A parser that succeeds on "URL <x>" and fails on "FAIL <x>". */
const simpleParser = (): OutputParser => ({
  line(text) {
    if (text.startsWith("URL ")) return { url: text.slice(4) };
    if (text.startsWith("FAIL ")) return { fail: text.slice(5) };
    return null;
  },
});

function sh(script: string) {
  return ["/bin/sh", "-c", script];
}

describe("startTunnelProcess", () => {
  test("URL on stdout, pid is the tunnel's own (not the watchdog's)", async () => {
    const t = await startTunnelProcess({
      provider: "cloudflare",
      displayName: "test",
      argv: sh('echo "URL https://x.example"; echo "me $$"; exec sleep 30'),
      parser: simpleParser(),
    });
    expect(t.publicUrl).toBe("https://x.example");
    await Bun.sleep(100);
    expect(t.recentOutput()).toContain(`me ${t.pid}`);
    expect(liveTunnelPids()).toContain(t.pid);
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
    expect(liveTunnelPids()).not.toContain(t.pid);
  });

  test("a failure line rejects with it, and the process is gone", async () => {
    const dir = tempDir();
    const e = await thrown(() =>
      startTunnelProcess({
        provider: "cloudflare",
        displayName: "test",
        argv: sh(`echo $$ > ${dir}/pid; echo "starting" >&2; echo "FAIL it broke" >&2; exec sleep 30`),
        parser: simpleParser(),
      }),
    );
    expect(e.message).toBe("it broke");
    expect(e.details.join("\n")).toContain("starting");
    expect(await waitGone(readPids(join(dir, "pid")), 1000)).toEqual([]);
  });

  test("early exit without output says so with the exit code", async () => {
    const e = await thrown(() =>
      startTunnelProcess({ provider: "cloudflare", displayName: "test", argv: sh("exit 7"), parser: simpleParser() }),
    );
    expect(e.message).toBe("test exited with code 7 before printing a public URL.");
  });

  test("a missing executable is an early exit, not a hang", async () => {
    const e = await thrown(() =>
      startTunnelProcess({ provider: "cloudflare", displayName: "test", argv: ["/nonexistent/tunnel"], parser: simpleParser() }),
    );
    expect(e.message).toContain("exited with code 127");
  });

  test("the last line before an early exit is not lost", async () => {
    const e = await thrown(() =>
      startTunnelProcess({
        provider: "cloudflare",
        displayName: "test",
        argv: sh('printf "FAIL last words"; exit 1'),
        parser: simpleParser(),
      }),
    );
    expect(e.message).toBe("last words");
  });

  test("stop() also ends what the tunnel forked", async () => {
    const dir = tempDir();
    const t = await startTunnelProcess({
      provider: "cloudflare",
      displayName: "test",
      argv: sh(`sleep 30 & echo $! > ${dir}/child; echo "URL https://y.example"; wait`),
      parser: simpleParser(),
    });
    await Bun.sleep(100);
    const child = readPids(join(dir, "child"));
    expect(child.length).toBe(1);
    expect(isAlive(child[0]!)).toBe(true);
    await t.stop();
    expect(await waitGone(child, 2000)).toEqual([]);
  });

  test("stopAllTunnels stops every live tunnel", async () => {
    const argv = sh('echo "URL https://z.example"; exec sleep 30');
    const a = await startTunnelProcess({ provider: "cloudflare", displayName: "a", argv, parser: simpleParser() });
    const b = await startTunnelProcess({ provider: "cloudflare", displayName: "b", argv, parser: simpleParser() });
    await stopAllTunnels();
    expect(isAlive(a.pid)).toBe(false);
    expect(isAlive(b.pid)).toBe(false);
    expect(await a.exited).not.toBeNull();
  });
});

describe("no tunnel outlives panko", () => {
  const holder = resolve(import.meta.dir, "holder.ts");

  async function runHolder(how: string, env: Record<string, string | undefined>, count = 1) {
    const proc = Bun.spawn([process.execPath, holder, how, String(count)], {
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    if (!text.includes("\n")) throw new Error(`holder said nothing: ${await new Response(proc.stderr).text()}`);
    const { pids } = JSON.parse(text.split("\n")[0]!) as { pids: number[] };
    return { proc, pids };
  }

  test("SIGKILL of the parent: the tunnels die within a few seconds", async () => {
    const dir = tempDir();
    const pidfile = join(dir, "pids");
    const { proc, pids } = await runHolder("hang", fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile }), 2);
    expect(pids.length).toBe(2);
    expect(readPids(pidfile).sort()).toEqual([...pids].sort());
    expect(pids.every(isAlive)).toBe(true);
    proc.kill("SIGKILL");
    await proc.exited;
    expect(await waitGone(pids, 5000)).toEqual([]);
  });

  test("SIGKILL of the parent: a tunnel that ignores SIGTERM is SIGKILLed after the grace", async () => {
    const { proc, pids } = await runHolder("hang", fakeEnv({ FAKE_TUNNEL_MODE: "ignore-term" }));
    // Let the fake finish printing: a write to the dead parent's pipe would kill it by SIGPIPE.
    await Bun.sleep(300);
    const killedAt = Date.now();
    proc.kill("SIGKILL");
    await proc.exited;
    await Bun.sleep(400);
    expect(pids.every(isAlive)).toBe(true); // SIGTERM was ignored...
    expect(await waitGone(pids, 6000)).toEqual([]); // ...SIGKILL came after the 1 s grace
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(900);
  });

  test("SIGTERM of the parent: tunnels stopped, parent exits 143", async () => {
    const { proc, pids } = await runHolder("hang", fakeEnv());
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(143);
    expect(await waitGone(pids, 5000)).toEqual([]);
  });

  test("process.exit of the parent: tunnels stopped", async () => {
    const { proc, pids } = await runHolder("exit", fakeEnv());
    expect(await proc.exited).toBe(0);
    expect(await waitGone(pids, 5000)).toEqual([]);
  });
});

test("fakes are executable", () => {
  for (const f of ["cloudflared", "ngrok", "tailscale"]) {
    expect(Bun.which(f, { PATH: FAKES })).toBe(join(FAKES, f));
  }
});
