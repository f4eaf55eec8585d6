/**
 * The daemon as a real process over its real socket: `panko share` / `shares` / `unshare` /
 * `serve-stop` from source, fake tunnels on PATH, isolated XDG dirs. Every test proves that no
 * process of its sandbox is left behind.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ShareInfo } from "../../src/daemon/protocol.ts";
import { daemonPids, killSandbox, panko, pankoJson, sandbox, sandboxPids, waitFor, type Sandbox } from "./helpers.ts";

const boxes: Sandbox[] = [];
function box(extra?: Record<string, string | undefined>): Sandbox {
  const b = sandbox(extra);
  boxes.push(b);
  return b;
}

afterEach(async () => {
  // Each test stops its daemon; whatever is left is a failure, then cleaned up.
  const left = boxes.flatMap((b) => sandboxPids(b));
  for (const b of boxes.splice(0)) {
    await panko(["serve-stop"], b.env).catch(() => {});
    await killSandbox(b);
  }
  expect(left).toEqual([]);
});
afterAll(async () => {
  for (const b of boxes) await killSandbox(b);
});

async function share(b: Sandbox, args: string[]): Promise<ShareInfo & { status: string }> {
  return pankoJson(["share", ...args, "--json"], b.env);
}
const list = (b: Sandbox) => pankoJson<ShareInfo[]>(["shares", "--json"], b.env);

async function stopAll(b: Sandbox) {
  const r = await panko(["serve-stop"], b.env);
  expect(r.code).toBe(0);
  await waitFor("every process of the sandbox to exit", () => sandboxPids(b).length === 0, 10_000);
}

describe("daemon: share, list, unshare, stop", () => {
  test("a share outlives the command, is listed, serves its page, counts views, and stops", async () => {
    const b = box();
    const file = b.session("one", "hello daemon");
    const s = await share(b, [file]);
    expect(s.status).toBe("active");
    expect(s.publicUrl).toMatch(/^https:\/\/four-dashed-word-url\.trycloudflare\.com\/[A-Za-z0-9_-]{22}\/$/);
    expect(daemonPids(b).length).toBe(1);

    const page = await fetch(s.localUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("hello daemon");
    const outside = await fetch(new URL("/", s.localUrl!));
    expect(outside.status).toBe(404);

    const listed = await list(b);
    expect(listed.map((x) => x.id)).toEqual([s.id]);
    expect(listed[0]!.views).toBe(1);
    expect(listed[0]!.lastViewedAt).not.toBeNull();
    expect(listed[0]!.sessionName).toBe("hello daemon");

    const table = await panko(["shares"], b.env);
    expect(table.stdout).toContain(s.id.slice(0, 8));
    expect(table.stdout).toContain("active");

    const un = await panko(["unshare", s.id.slice(0, 6)], b.env);
    expect(un.code).toBe(0);
    expect((await list(b))[0]!.status).toBe("stopped");
    expect((await fetch(s.localUrl!).catch(() => null))?.status ?? 0).not.toBe(200);
    await stopAll(b);
  });

  test("files: socket 0600 in a 0700 folder, log 0600 without whole tokens, state in WAL", async () => {
    const b = box();
    const s = await share(b, [b.session()]);
    const token = new URL(s.publicUrl!).pathname.split("/")[1]!;
    expect(statSync(b.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(b.dataDir, "daemon.sock")).mode & 0o777).toBe(0o600);
    expect(statSync(join(b.dataDir, "daemon.log")).mode & 0o777).toBe(0o600);
    const logText = readFileSync(join(b.dataDir, "daemon.log"), "utf8");
    expect(logText).toContain(`${token.slice(0, 4)}…`);
    expect(logText).not.toContain(token);
    await stopAll(b);
    const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
    expect((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    expect((db.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBeGreaterThan(0);
    const row = db.query("SELECT status, token, public_url, local_port FROM shares").get() as Record<string, unknown>;
    db.close();
    expect(row.status).toBe("stopped");
    expect(row.token).toBe(token);
  });

  test("serve-stop stops every share (status stopped) and leaves no process", async () => {
    const b = box();
    await share(b, [b.session()]);
    await share(b, [b.session()]);
    await stopAll(b);
    const st = await pankoJson<{ running: boolean }>(["serve-status", "--json"], b.env);
    expect(st.running).toBe(false);
    const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
    const statuses = (db.query("SELECT status FROM shares").all() as { status: string }[]).map((r) => r.status);
    db.close();
    expect(statuses).toEqual(["stopped", "stopped"]);
  });

  test("serve-status never starts a daemon; reports one that runs", async () => {
    const b = box();
    const before = await pankoJson<{ running: boolean; socket: string }>(["serve-status", "--json"], b.env);
    expect(before.running).toBe(false);
    expect(daemonPids(b)).toEqual([]);
    const started = await panko(["serve"], b.env);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/Started the panko daemon \(pid \d+\)/);
    const st = await pankoJson<{ running: boolean; pid: number; version: string; counts: Record<string, number> }>(["serve-status", "--json"], b.env);
    expect(st.running).toBe(true);
    expect(daemonPids(b)).toEqual([st.pid]);
    const again = await panko(["serve"], b.env);
    expect(again.stdout).toContain("already running");
    await stopAll(b);
  });

  test("max_shares is enforced with a clear error", async () => {
    const b = box();
    await Bun.write(join(b.env.XDG_CONFIG_HOME!, "panko", "config.toml"), "max_shares = 2\n");
    await share(b, [b.session()]);
    await share(b, [b.session()]);
    const third = await panko(["share", b.session()], b.env);
    expect(third.code).toBe(1);
    expect(third.stderr).toContain("max_shares (2)");
    expect(third.stderr).toContain("panko unshare");
    await stopAll(b);
  });

  test("--ttl: the share expires by the clock; a 30-day TTL is fine", async () => {
    const b = box();
    const short = await share(b, [b.session(), "--ttl", "2s"]);
    const long = await share(b, [b.session(), "--ttl", "30d"]);
    expect(Date.parse(long.expiresAt!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    await waitFor("the short share to expire", async () => (await list(b)).find((s) => s.id === short.id)?.status === "expired", 10_000);
    expect((await list(b)).find((s) => s.id === long.id)?.status).toBe("active");
    await stopAll(b);
  });

  test("a missing session, a bad provider and a bad pattern are clear errors", async () => {
    const b = box();
    const missing = await panko(["share", join(b.root, "nope.jsonl")], b.env);
    expect(missing.code).not.toBe(0);
    const badTunnel = await panko(["share", b.session(), "--tunnel", "carrier-pigeon"], b.env);
    expect(badTunnel.stderr).toContain("Unknown tunnel provider");
    const noBinary = await panko(["share", b.session()], { ...b.env, PATH: "/usr/bin:/bin" });
    expect(noBinary.code).toBe(1);
    expect(noBinary.stderr).toMatch(/No tunnel provider is available|cannot be used/);
    const badPattern = await panko(["share", b.session(), "--redact-pattern", "("], b.env);
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toContain("--redact-pattern");
    await stopAll(b);
  });

  test("the session file may vanish: the share keeps its last state and says so", async () => {
    const b = box();
    const file = b.session("gone", "soon gone");
    const s = await share(b, [file]);
    rmSync(file);
    await waitFor("the note", async () => (await list(b))[0]!.notes.some((n) => n.includes("gone")), 10_000);
    const page = await fetch(s.localUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("soon gone");
    await stopAll(b);
  });
});

describe("daemon: concurrency and restarts", () => {
  test("10 `panko share` at once with no daemon: exactly one daemon, 10 shares", async () => {
    const b = box();
    const files = Array.from({ length: 10 }, () => b.session());
    const results = await Promise.all(files.map((f) => panko(["share", f, "--json"], b.env)));
    for (const r of results) expect(r.code).toBe(0);
    expect(daemonPids(b).length).toBe(1);
    const shares = await list(b);
    expect(shares.length).toBe(10);
    expect(shares.every((s) => s.status === "active")).toBe(true);
    await stopAll(b);
  }, 90_000);

  test("kill -9 of the daemon: the next `panko shares` brings every share back, same token, db intact", async () => {
    const b = box();
    const made = await Promise.all(Array.from({ length: 5 }, () => share(b, [b.session()])));
    const [daemon] = daemonPids(b);
    process.kill(daemon!, "SIGKILL");
    await waitFor("the daemon to die", () => !daemonPids(b).includes(daemon!));
    const t0 = Date.now();
    const back = await waitFor(
      "5 active shares",
      async () => {
        const s = await list(b);
        return s.length === 5 && s.every((x) => x.status === "active") ? s : undefined;
      },
      15_000,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    for (const m of made) {
      const now = back.find((s) => s.id === m.id)!;
      expect(new URL(now.publicUrl!).pathname).toBe(new URL(m.publicUrl!).pathname);
      expect((await fetch(now.localUrl!)).status).toBe(200);
    }
    const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
    expect((db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
    db.close();
    await stopAll(b);
  }, 60_000);

  test("a tunnel that dies is restarted; one that always fails ends in error with the reason", async () => {
    const b = box();
    const s = await share(b, [b.session()]);
    const pidOf = () => {
      const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
      const row = db.query("SELECT tunnel_pid FROM shares WHERE id = ?").get(s.id) as { tunnel_pid: number };
      db.close();
      return row.tunnel_pid;
    };
    const first = pidOf();
    process.kill(first, "SIGKILL");
    await waitFor("the restarted share", async () => {
      const now = (await list(b))[0]!;
      return now.status === "active" && now.restarts >= 1 && pidOf() !== first;
    });

    // From now on every start fails: the daemon reads cloudflared_path from the config at each start.
    const broken = join(b.root, "broken-cloudflared");
    writeFileSync(broken, "#!/bin/sh\necho 'failed to request quick Tunnel: fake outage' >&2\nexit 1\n", { mode: 0o755 });
    await Bun.write(join(b.env.XDG_CONFIG_HOME!, "panko", "config.toml"), `cloudflared_path = "${broken}"\n`);
    process.kill(pidOf(), "SIGKILL");
    const failed = await waitFor("the share to give up", async () => {
      const now = (await list(b))[0]!;
      return now.status === "error" ? now : undefined;
    }, 30_000);
    expect(failed.lastError).toContain("gave up");
    expect(failed.lastError).toContain("fake outage");
    await stopAll(b);
  }, 60_000);

  test("a new version's client replaces an old daemon; the shares stay", async () => {
    const b = box();
    const old = await share(b, [b.session()]);
    // Pretend the running daemon is an older panko: restart it under another version number.
    await panko(["serve-stop"], b.env);
    const oldEnv = { ...b.env, PANKO_DAEMON_VERSION: "0.0.1" };
    const s = await pankoJson<ShareInfo>(["share", b.session(), "--json"], oldEnv);
    const oldPid = daemonPids(b)[0]!;
    const st0 = await pankoJson<{ version: string }>(["serve-status", "--json"], b.env);
    expect(st0.version).toBe("0.0.1");
    const after = await list(b); // this client is the real version
    const st1 = await pankoJson<{ version: string; pid: number }>(["serve-status", "--json"], b.env);
    expect(st1.version).not.toBe("0.0.1");
    expect(st1.pid).not.toBe(oldPid);
    const again = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
    expect(new URL(again.publicUrl!).pathname).toBe(new URL(s.publicUrl!).pathname);
    expect(after.some((x) => x.id === old.id)).toBe(true);
    await stopAll(b);
  }, 60_000);
});
