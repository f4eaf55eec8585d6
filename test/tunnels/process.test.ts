import { afterEach, describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { existsSync, rmSync } from "node:fs";
import { cloudflare } from "../../src/tunnels/cloudflare.ts";
import { isSameProcess, processStart, renewLease } from "../../src/tunnels/lease.ts";
import { LineSplitter, startTunnelProcess as startRaw, type OutputParser, type TunnelProcessOptions } from "../../src/tunnels/process.ts";
import type { TunnelRecord } from "../../src/tunnels/provider.ts";
import { FAKES, LOCAL, fakeEnv, isAlive, keep, readPids, stopKept, tempDir, thrown, waitGone } from "./helpers.ts";

afterEach(stopKept);

/** startTunnelProcess, flattened for these tests, and stopped after each test. */
async function startTunnelProcess(o: TunnelProcessOptions) {
  const { url, process } = await startRaw(o);
  return keep({ ...process, publicUrl: url });
}

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
    expect(t.pidStart).toBe(processStart(t.pid)!);
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
    expect(processStart(t.pid)).toBeNull();
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
    expect(e.message).toBe("test exited with code 7 before it was ready.");
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

  test("needReady: the URL alone is not ready; a {ready} line or the probe is", async () => {
    const parser = (): OutputParser => ({
      line: (text) => (text.startsWith("URL ") ? { url: text.slice(4) } : text === "READY" ? { ready: true } : null),
    });
    const dir = tempDir();
    const flag = join(dir, "ready");
    // Ready by log line, one second after the URL.
    const a = await startTunnelProcess({ provider: "cloudflare", displayName: "a", argv: sh('echo "URL https://a.example"; sleep 1; echo READY; exec sleep 30'), parser: parser(), needReady: true });
    expect(a.recentOutput()).toContain("READY");
    // Ready by probe only: a file the script creates after the URL.
    const b = await startTunnelProcess({
      provider: "cloudflare",
      displayName: "b",
      argv: sh(`echo "URL https://b.example"; sleep 1; : > ${flag}; exec sleep 30`),
      parser: parser(),
      needReady: true,
      probe: async () => ({ ready: existsSync(flag) }),
    });
    expect(existsSync(flag)).toBe(true);
    // Never ready: the timeout says the URL came but readiness did not.
    const e = await thrown(() =>
      startTunnelProcess({ provider: "cloudflare", displayName: "c", argv: sh('echo "URL https://c.example"; exec sleep 30'), parser: parser(), needReady: true, timeoutMs: 800 }),
    );
    expect(e.message).toBe("c printed its URL but did not become ready within 0.8 s.");
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe("leases", () => {
  test("renewed: keeps running past the grace; not renewed: gone after it (portable stat)", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const t = await startTunnelProcess({
      provider: "cloudflare",
      displayName: "leased",
      argv: sh('echo "URL https://l.example"; exec sleep 60'),
      parser: simpleParser(),
      lease: { file: lease, graceMs: 2000 },
    });
    expect(t.logBase).toStartWith(join(dir, "tunnel-"));
    const timer = setInterval(() => renewLease(lease), 300);
    try {
      await Bun.sleep(4500); // more than twice the grace
      expect(isAlive(t.pid)).toBe(true);
    } finally {
      clearInterval(timer);
    }
    t.detach(); // its owner lets go: only the lease keeps it now
    expect(await waitGone([t.pid], 20_000)).toEqual([]);
    expect(existsSync(`${t.logBase}.err`)).toBe(false); // the watchdog removed its log files
  }, 40_000);

  test("a removed lease file counts as not renewed", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const t = await startTunnelProcess({ provider: "cloudflare", displayName: "x", argv: sh('echo "URL https://x.example"; exec sleep 60'), parser: simpleParser(), lease: { file: lease, graceMs: 1000 } });
    rmSync(lease);
    t.detach();
    expect(await waitGone([t.pid], 20_000)).toEqual([]);
  }, 30_000);

  test("output under a lease is read from its log files, line by line", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const lines: string[] = [];
    const t = await startTunnelProcess({
      provider: "cloudflare",
      displayName: "x",
      argv: sh('echo "URL https://x.example"; echo "to stderr" >&2; exec sleep 60'),
      parser: simpleParser(),
      lease: { file: lease, graceMs: 5000 },
      onOutput: (l) => lines.push(l),
    });
    for (let i = 0; i < 50 && !lines.includes("to stderr"); i++) await Bun.sleep(50);
    expect(lines).toEqual(["URL https://x.example", "to stderr"]);
    await t.stop();
    expect(isAlive(t.pid)).toBe(false);
    expect(existsSync(`${t.logBase}.out`)).toBe(false);
  });
});

describe("no tunnel outlives panko", () => {
  const holder = resolve(import.meta.dir, "holder.ts");

  async function runHolder(how: string, env: Record<string, string | undefined>, count = 1, lease?: string) {
    const proc = Bun.spawn([process.execPath, holder, how, String(count), ...(lease ? [lease] : [])], {
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
    const { pids, records } = JSON.parse(text.split("\n")[0]!) as { pids: number[]; records: TunnelRecord[] };
    return { proc, pids, records };
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

  test("SIGTERM of the parent: tunnels stopped", async () => {
    const { proc, pids } = await runHolder("hang", fakeEnv());
    proc.kill("SIGTERM");
    await proc.exited;
    expect(await waitGone(pids, 5000)).toEqual([]);
  });

  test("under a lease: the tunnel survives SIGKILL of its owner, a new owner adopts it, stop() works", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const timer = setInterval(() => renewLease(lease), 300);
    try {
      const { proc, pids, records } = await runHolder("hang", fakeEnv(), 2, lease);
      proc.kill("SIGKILL");
      await proc.exited;
      await Bun.sleep(3000); // past the 2 s lease grace: only renewal keeps them
      expect(pids.every(isAlive)).toBe(true);
      const env = fakeEnv();
      const adopted = await Promise.all(records.map((r) => cloudflare.adopt(r, { config: {}, env })));
      expect(adopted.every((t) => t !== null)).toBe(true);
      const [a, b] = adopted.map((t) => keep(t!));
      expect(a!.publicUrl).toBe(records[0]!.publicUrl);
      expect(a!.pid).toBe(pids[0]!);
      expect(await a!.ready()).toBe(true);
      await a!.stop();
      expect(await a!.exited).toBeNull(); // not our child: the code is unknown, but it resolves
      expect(isAlive(pids[0]!)).toBe(false);
      // A dead tunnel is not adopted; a reused pid (other start time) is not either.
      expect(await cloudflare.adopt(records[0]!, { config: {}, env })).toBeNull();
      expect(await cloudflare.adopt({ ...records[1]!, pidStart: "1" }, { config: {}, env })).toBeNull();
      // The other one dies on its own: exited resolves by polling.
      process.kill(pids[1]!, "SIGKILL");
      expect(await b!.exited).toBeNull();
    } finally {
      clearInterval(timer);
    }
  }, 40_000);

  test("under a lease: an owner that dies and is not replaced leaves nothing after the grace", async () => {
    const dir = tempDir();
    const lease = join(dir, "lease");
    renewLease(lease);
    const { proc, pids, records } = await runHolder("hang", fakeEnv(), 1, lease);
    proc.kill("SIGKILL");
    await proc.exited;
    expect(await waitGone(pids, 20_000)).toEqual([]);
    expect(isSameProcess(records[0]!.groupPid, records[0]!.groupStart)).toBe(false);
  }, 30_000);

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
