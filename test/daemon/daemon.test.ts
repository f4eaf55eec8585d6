/**
 * The daemon as a real process over its real socket: `panko share` / `shares` / `unshare` /
 * `serve-stop` from source, fake tunnels on PATH, isolated XDG dirs. Every test proves that no
 * process of its sandbox is left behind.
 */
import { afterAll, afterEach, describe, expect, test, setDefaultTimeout } from "bun:test";
import { Database } from "bun:sqlite";
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ShareInfo } from "../../src/daemon/protocol.ts";
import { FAKES, isAlive } from "../tunnels/helpers.ts";
import { daemonPids, killSandbox, panko, pankoJson, sandbox, sandboxPids, waitFor, waitUnlocked, type Sandbox } from "./helpers.ts";

// Real processes on a shared machine: generous, so load never fails a test.
setDefaultTimeout(60_000);

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
/** Every share the daemon knows, ended ones too. */
const list = (b: Sandbox) => pankoJson<ShareInfo[]>(["shares", "--all", "--json"], b.env);

/** The share's row as the daemon stored it. */
function rowOf(b: Sandbox, id: string): Record<string, unknown> | null {
  const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
  const row = db.query("SELECT * FROM shares WHERE id = ?").get(id) as Record<string, unknown> | null;
  db.close();
  return row;
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0");
}

/** The ID column of `panko shares`, by session name. */
function shownIds(table: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of table.split("\n").slice(1)) {
    const m = /^(\S+)\s+(active|starting|restarting|error|stopped|expired)\s+\S+\s+\d+\s+.*?\s(prompt of \S+|\S+\.jsonl)/.exec(line);
    if (m) out.set(m[3]!, m[1]!);
  }
  return out;
}

/** share id -> the tunnel pid the daemon recorded. */
function tunnelPids(b: Sandbox): Map<string, number> {
  const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
  const rows = db.query("SELECT id, tunnel_pid FROM shares").all() as { id: string; tunnel_pid: number }[];
  db.close();
  return new Map(rows.map((r) => [r.id, r.tunnel_pid]));
}

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
    expect(un.stderr).toBe(`Stopped ${s.id.replace(/-/g, "").slice(0, 8)}  hello daemon\n`);
    expect((await list(b))[0]!.status).toBe("stopped");
    // Stopped shares are history: listed with --all only, and said so.
    expect(await pankoJson(["shares", "--json"], b.env)).toEqual([]);
    const after = await panko(["shares"], b.env);
    expect(after.stdout).toBe("No shares running. Start one with `panko share SESSION`.\n1 ended share not shown: `panko shares --all` lists it.\n");
    expect((await panko(["shares", "--all"], b.env)).stdout).toContain("stopped");
    const again = await panko(["unshare", s.id], b.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(`Already stopped, nothing to do: ${s.id.replace(/-/g, "").slice(0, 8)}  hello daemon\n`);
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

  test("shares where nothing was ever shared starts no daemon", async () => {
    const b = box();
    expect(await pankoJson(["shares", "--json"], b.env)).toEqual([]);
    expect((await panko(["shares"], b.env)).stdout).toBe("No shares running. Start one with `panko share SESSION`.\n");
    expect(daemonPids(b)).toEqual([]);
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

  test("redaction: config redact_patterns always apply (also to a request without them), --redact-pattern adds to them", async () => {
    const b = box();
    await Bun.write(join(b.env.XDG_CONFIG_HOME!, "panko", "config.toml"), 'redact_patterns = ["acme-[0-9]+"]\n');
    const token = "ghp_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2";
    const file = b.session("secret", `deploy acme-4242 with ${token} and zeta-777`);
    const viaCli = await share(b, [file, "--redact-pattern", "zeta-[0-9]+"]);
    const { connectDaemon } = await import("../../src/daemon/client.ts");
    const client = await connectDaemon({ env: b.env });
    const viaClient = await client.startShare({ sessionPath: file, redaction: { redact: true, patterns: [], keep: [] } });
    client.close();
    for (const [s, zetaHidden] of [[viaCli, true], [viaClient, false]] as const) {
      const page = await (await fetch(s.localUrl!)).text();
      expect(page).not.toContain(token);
      expect(page).not.toContain("acme-4242");
      expect(page.includes("zeta-777")).toBe(!zetaHidden);
      expect(s.redactions["github-token"]).toBeGreaterThan(0);
    }
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
    // Made within a second, their ids share a long prefix: the ID column shows each one's shortest
    // unique prefix without hyphens, and that is what unshare takes.
    const shown = shownIds((await panko(["shares"], b.env)).stdout);
    expect(shown.size).toBe(10);
    for (const id of shown.values()) expect(id).toMatch(/^[0-9a-f]{8,32}$/);
    expect(new Set(shown.values()).size).toBe(10);
    const [name, short] = [...shown.entries()][3]!;
    const un = await panko(["unshare", short], b.env);
    expect(un.code).toBe(0);
    expect(un.stderr).toBe(`Stopped ${short}  ${name}\n`);
    const left = await list(b);
    expect(left.filter((s) => s.status === "stopped").map((s) => s.sessionName)).toEqual([name]);
    await stopAll(b);
  }, 90_000);

  test("kill -9 of the daemon: the next `panko shares` brings every share back, same token, db intact", async () => {
    const b = box();
    const made = await Promise.all(Array.from({ length: 5 }, () => share(b, [b.session()])));
    const tunnelsBefore = tunnelPids(b);
    const [daemon] = daemonPids(b);
    process.kill(daemon!, "SIGKILL");
    await waitFor("the daemon to die", () => !isAlive(daemon!));
    await waitUnlocked(b);
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
    // Adopted, not replaced: the very same tunnel processes carry the shares.
    expect(tunnelPids(b)).toEqual(tunnelsBefore);
    expect(readFileSync(join(b.dataDir, "daemon.log"), "utf8")).toContain("tunnel adopted");
    const db = new Database(join(b.dataDir, "state.db"), { readonly: true });
    expect((db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check).toBe("ok");
    db.close();
    await stopAll(b);
  }, 60_000);

  test("after a reboot (daemon and tunnels gone) every active share comes back: new tunnel, same token", async () => {
    const b = box();
    const s = await share(b, [b.session()]);
    const stopped = await share(b, [b.session()]);
    await panko(["unshare", stopped.id], b.env);
    const before = tunnelPids(b).get(s.id);
    await killSandbox(b); // the machine went down: nothing of ours survives
    await waitUnlocked(b);
    const back = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
    expect(new URL(back.publicUrl!).pathname).toBe(new URL(s.publicUrl!).pathname);
    expect(tunnelPids(b).get(s.id)).not.toBe(before);
    expect((await list(b)).find((x) => x.id === stopped.id)?.status).toBe("stopped"); // a stopped one stays stopped
    expect((await fetch(back.localUrl!)).status).toBe(200);
    await stopAll(b);
  }, 40_000);

  test("after kill -9, a share whose local port was taken meanwhile comes back on a new port with a new tunnel", async () => {
    const b = box();
    const s = await share(b, [b.session()]);
    const port = Number(new URL(s.localUrl!).port);
    const before = tunnelPids(b).get(s.id);
    const daemons = daemonPids(b);
    for (const pid of daemons) process.kill(pid, "SIGKILL");
    // By pid: a dying process's environment reads empty before its sockets are closed.
    await waitFor("the daemon to die", () => !daemons.some(isAlive));
    // A thread-group leader reads as a zombie while its other threads still tear down (and hold
    // the daemon's sockets): take the port as soon as it is free.
    const squatter = await waitFor("the daemon's port to be free", () => {
      try {
        return Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("someone else") });
      } catch {
        return undefined;
      }
    });
    try {
      const back = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
      expect(Number(new URL(back.localUrl!).port)).not.toBe(port);
      expect(new URL(back.publicUrl!).pathname).toBe(new URL(s.publicUrl!).pathname);
      expect(tunnelPids(b).get(s.id)).not.toBe(before);
      expect(await (await fetch(back.localUrl!)).text()).toContain("prompt of");
      await waitFor("the old tunnel to be stopped", () => !sandboxPids(b).includes(before!), 10_000);
    } finally {
      squatter.stop(true);
    }
    await stopAll(b);
  });

  test("SIGTERM (logout, systemd stop) leaves the shares for the next daemon, which adopts their tunnels", async () => {
    const b = box();
    const s = await share(b, [b.session()]);
    const before = tunnelPids(b).get(s.id);
    const [daemon] = daemonPids(b);
    process.kill(daemon!, "SIGTERM");
    await waitFor("the daemon to exit", () => !daemonPids(b).includes(daemon!), 10_000);
    expect(sandboxPids(b)).toContain(before!); // its tunnel lives on, under the lease
    const back = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
    expect(back.publicUrl).toBe(s.publicUrl);
    expect(tunnelPids(b).get(s.id)).toBe(before);
    await stopAll(b);
  }, 40_000);

  test("kill -9 of the daemon and no new one: its tunnels exit by themselves after the grace window", async () => {
    const b = box({ PANKO_LEASE_GRACE_MS: "2000" });
    await share(b, [b.session()]);
    await share(b, [b.session()]);
    const tunnels = [...tunnelPids(b).values()];
    for (const pid of daemonPids(b)) process.kill(pid, "SIGKILL");
    await Bun.sleep(500);
    expect(tunnels.every((pid) => sandboxPids(b).includes(pid))).toBe(true); // still up within the window
    await waitFor("every tunnel to go", () => sandboxPids(b).length === 0, 20_000);
  }, 40_000);

  test("a tunnel that dies is restarted; one that always fails ends in error with the reason; unshare clears it", async () => {
    const b = box();
    // The user's cloudflared: a file of ours, so that it can break later.
    const exe = join(b.root, "my-cloudflared");
    writeFileSync(exe, `#!/bin/sh\nexec ${join(FAKES, "cloudflared")} "$@"\n`, { mode: 0o755 });
    await Bun.write(join(b.env.XDG_CONFIG_HOME!, "panko", "config.toml"), `cloudflared_path = "${exe}"\n`);
    const s = await share(b, [b.session()]);
    const other = await share(b, [b.session()]);
    const pidOf = (id = s.id) => rowOf(b, id)!.tunnel_pid as number;
    const first = pidOf();
    process.kill(first, "SIGKILL");
    await waitFor("the restarted share", async () => {
      const now = (await list(b)).find((x) => x.id === s.id)!;
      return now.status === "active" && now.restarts >= 1 && pidOf() !== first;
    });

    // From now on every start of that executable fails (each start runs the share's executable).
    const broken = join(b.root, "broken");
    writeFileSync(broken, "#!/bin/sh\necho 'failed to request quick Tunnel: fake outage' >&2\nexit 1\n", { mode: 0o755 });
    renameSync(broken, exe);
    process.kill(pidOf(), "SIGKILL");
    process.kill(pidOf(other.id), "SIGKILL");
    const failed = await waitFor("both shares to give up", async () => {
      const now = await list(b);
      return now.every((x) => x.status === "error") ? now.find((x) => x.id === s.id) : undefined;
    }, 30_000);
    expect(failed.lastError).toContain("gave up");
    expect(failed.lastError).toContain("fake outage");

    // Listed, with the reason and what to do; unshare clears it; --all clears the rest.
    const table = (await panko(["shares"], b.env)).stdout;
    expect(table).toContain("error: ");
    expect(table).toContain("fake outage");
    const short = [...shownIds(table).values()];
    expect(short.length).toBe(2);
    expect(table).toContain(`clear it with \`panko unshare ${short[0]}\``);
    const un = await panko(["unshare", short[0]!], b.env);
    expect(un.code).toBe(0);
    expect(un.stderr).toStartWith(`Cleared (it had failed): ${short[0]}  `);
    expect((await list(b)).find((x) => x.id === s.id)?.status).toBe("stopped");
    const all = await pankoJson<ShareInfo[]>(["unshare", "--all", "--json"], b.env);
    expect(all.map((x) => [x.id, x.status])).toEqual([[other.id, "stopped"]]);
    expect(await pankoJson(["shares", "--json"], b.env)).toEqual([]);

    // A share whose tunnel never starts is not kept: the command says why, and nothing is left listed.
    const never = await panko(["share", b.session()], b.env);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain("fake outage");
    expect((await list(b)).length).toBe(2);
    await stopAll(b);
  }, 90_000);

  test("a daemon started with another PATH runs the tunnel executable this terminal finds, and keeps it for restores", async () => {
    const b = box();
    const exe = join(FAKES, "cloudflared");
    // The daemon was started before cloudflared was on the user's PATH.
    const oldPath = b.env.PATH!.split(":").filter((d) => d !== FAKES).join(":");
    const oldEnv = { ...b.env, PATH: oldPath };
    expect((await panko(["serve"], oldEnv)).code).toBe(0);
    const [daemon] = daemonPids(b);

    // A client that sends no executable (an older panko) gets the daemon's own lookup: none here.
    // Its failed start is not kept.
    const { connectDaemon } = await import("../../src/daemon/client.ts");
    const client = await connectDaemon({ env: b.env });
    const err = await client.startShare({ sessionPath: b.session() }).then(() => null, (e: Error) => e);
    client.close();
    expect(err?.message).toContain("No tunnel provider is available");
    expect(await list(b)).toEqual([]);

    // Now from a terminal whose PATH has it: the same daemon runs what this terminal found.
    const s = await share(b, [b.session()]);
    expect(s.status).toBe("active");
    expect(daemonPids(b)).toEqual([daemon!]);
    expect(rowOf(b, s.id)!.tunnel_executable).toBe(exe);
    expect(cmdline(rowOf(b, s.id)!.tunnel_pid as number)).toContain(exe);

    // A reboot: the next daemon (the old PATH again) starts the share with the same executable.
    await killSandbox(b);
    await waitUnlocked(b);
    expect((await panko(["serve"], oldEnv)).code).toBe(0);
    const back = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
    expect(new URL(back.publicUrl!).pathname).toBe(new URL(s.publicUrl!).pathname);
    expect(cmdline(rowOf(b, s.id)!.tunnel_pid as number)).toContain(exe);
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
    const tunnelAtOld = tunnelPids(b).get(s.id);
    const st0 = await pankoJson<{ version: string }>(["serve-status", "--json"], b.env);
    expect(st0.version).toBe("0.0.1");
    const after = await list(b); // this client is the real version
    const st1 = await pankoJson<{ version: string; pid: number }>(["serve-status", "--json"], b.env);
    expect(st1.version).not.toBe("0.0.1");
    expect(st1.pid).not.toBe(oldPid);
    const again = await waitFor("the share back", async () => (await list(b)).find((x) => x.id === s.id && x.status === "active"));
    expect(again.publicUrl).toBe(s.publicUrl);
    expect(tunnelPids(b).get(s.id)).toBe(tunnelAtOld);
    expect(after.some((x) => x.id === old.id)).toBe(true);
    await stopAll(b);
  }, 60_000);
});

describe("daemon: files and sockets that are not what they should be", () => {
  test("a stale socket (its daemon died) is cleared by the next daemon; a folder of another user is refused", async () => {
    const b = box();
    // A socket file nobody answers at: bound by a process that was then SIGKILLed.
    mkdirSync(b.dataDir, { recursive: true, mode: 0o700 });
    const holder = Bun.spawn([process.execPath, "-e", `Bun.listen({unix: ${JSON.stringify(join(b.dataDir, "daemon.sock"))}, socket: {data(){}}}); console.log("up"); setInterval(() => {}, 1000)`], { stdout: "pipe", env: b.env as Record<string, string> });
    await holder.stdout.getReader().read();
    holder.kill("SIGKILL");
    await holder.exited;
    expect(existsSync(join(b.dataDir, "daemon.sock"))).toBe(true);
    const s = await share(b, [b.session()]);
    expect(s.status).toBe("active");
    expect(readFileSync(join(b.dataDir, "daemon.log"), "utf8")).toContain("removed a stale socket");
    await stopAll(b);

    if (process.getuid?.() === 0) {
      chownSync(b.dataDir, 1, 1);
      const r = await panko(["share", b.session()], b.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("belongs to another user");
      chownSync(b.dataDir, 0, 0);
    }
  });

  test("a daemon that accepts but never answers: the client gives up with a clear error", async () => {
    const b = box();
    mkdirSync(b.dataDir, { recursive: true, mode: 0o700 });
    const mute = Bun.listen({ unix: join(b.dataDir, "daemon.sock"), socket: { data() {} } });
    try {
      const { connectDaemon } = await import("../../src/daemon/client.ts");
      const err = await connectDaemon({ env: b.env, autoStart: false, timeoutMs: 300 }).then(() => null, (e: Error) => e);
      expect(err?.message).toContain("does not answer");
      const st = await pankoJson<{ running: boolean }>(["serve-status", "--json"], b.env);
      expect(st.running).toBe(false);
    } finally {
      mute.stop(true);
    }
  });

  test("unshare --all stops every running share; an unknown id is a clear error", async () => {
    const b = box();
    await share(b, [b.session()]);
    await share(b, [b.session()]);
    const all = await pankoJson<ShareInfo[]>(["unshare", "--all", "--json"], b.env);
    expect(all.map((s) => s.status)).toEqual(["stopped", "stopped"]);
    const unknown = await panko(["unshare", "ffffffff"], b.env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no share with id ffffffff");
    const text = await panko(["serve-status"], b.env);
    expect(text.stdout).toContain("running");
    expect(text.stdout).toContain("2 stopped");
    await stopAll(b);
  });
});
