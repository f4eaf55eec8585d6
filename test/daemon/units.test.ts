/** The daemon's parts on their own: lock, state db, log, source pool, protocol, autostart files. */
import { describe, expect, test, setDefaultTimeout } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { autostartFile, launchAgentPath, systemdUnitPath } from "../../src/daemon/autostart.ts";
import { MIGRATIONS, StateDb, migrate } from "../../src/daemon/db.ts";
import { tryLock } from "../../src/daemon/lock.ts";
import { createDaemonLog, maskToken } from "../../src/daemon/log.ts";
import { checkDaemonDir, daemonPaths, ensureDaemonDir } from "../../src/daemon/paths.ts";
import { ShareInfo, StartShareParams } from "../../src/daemon/protocol.ts";
import { parseRequest } from "../../src/daemon/server.ts";
import { SourcePool } from "../../src/daemon/sources.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { MAIN, sandbox } from "./helpers.ts";
import { tempDir } from "../tunnels/helpers.ts";
import { chmodSync, mkdirSync } from "node:fs";

// Real processes on a shared machine: generous, so load never fails a test.
setDefaultTimeout(60_000);

describe("lock", () => {
  test("one holder at a time, in this process and in another; released on close and on death", async () => {
    const file = join(tempDir(), "daemon.lock");
    const a = tryLock(file);
    expect(a).not.toBeNull();
    expect(tryLock(file)).toBeNull();
    const other = Bun.spawnSync([process.execPath, "-e", `const {tryLock}=await import(${JSON.stringify(join(MAIN, "..", "daemon", "lock.ts"))}); console.log(tryLock(${JSON.stringify(file)}) ? "got" : "busy")`]);
    expect(other.stdout.toString().trim()).toBe("busy");
    a!.release();
    expect(tryLock(file)?.release()).toBeUndefined();
    // A holder that dies (SIGKILL) frees it: the kernel drops its fcntl lock.
    const holder = Bun.spawn([process.execPath, "-e", `const {tryLock}=await import(${JSON.stringify(join(MAIN, "..", "daemon", "lock.ts"))}); const l=tryLock(${JSON.stringify(file)}); console.log(l?"got":"busy"); setInterval(()=>l,1000)`], { stdout: "pipe" });
    const reader = holder.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value).trim()).toBe("got");
    expect(tryLock(file)).toBeNull();
    holder.kill("SIGKILL");
    await holder.exited;
    const after = tryLock(file);
    expect(after).not.toBeNull();
    after!.release();
  });
});

describe("state db", () => {
  test("migrations run once, in order, tracked by user_version; WAL; a newer schema is refused", () => {
    const file = join(tempDir(), "state.db");
    const db = new StateDb(file);
    expect((db.db.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(MIGRATIONS.length);
    expect((db.db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    db.insert({ id: "x1", session_path: "/s", session_name: "s", provider_name: "cloudflare", started_at: "2026-01-01T00:00:00Z", token: "t".repeat(22), expires_at: null, allow_download: 0, redaction: { redact: true, patterns: [], keep: [] } }, "2026-01-01T00:00:00Z");
    db.update("x1", { status: "active", public_url: "https://a/b/" }, "2026-01-01T00:00:01Z");
    db.addViews("x1", 3, "2026-01-01T00:00:02Z");
    expect(db.get("x1")).toMatchObject({ status: "active", views: 3, public_url: "https://a/b/" });
    migrate(db.db); // again: nothing to do
    expect(db.integrity()).toBe("ok");
    db.db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => new StateDb(file)).toThrow(/newer panko/);
  });
});

describe("daemon log", () => {
  test("0600, tokens masked (known ones and any in a URL path), rotated at the size given", () => {
    const file = join(tempDir(), "daemon.log");
    const log = createDaemonLog(file, { rotateBytes: 400 });
    const token = "AbCdEfGhIjKlMnOpQrStUv";
    log.addSecret(token);
    log.info(`share at https://x.trycloudflare.com/${token}/ and raw ${token}`);
    log.info("other at http://127.0.0.1:4000/ZyXwVuTsRqPoNmLkJiHgFe/");
    const text = readFileSync(file, "utf8");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(token);
    expect(text).toContain(maskToken(token));
    expect(text).not.toContain("ZyXwVuTsRqPoNmLkJiHgFe");
    for (let i = 0; i < 10; i++) log.info("x".repeat(80));
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(statSync(file).size).toBeLessThanOrEqual(400);
  });
});

describe("paths", () => {
  test("the folder is made 0700; a wider one of ours is tightened; a file is refused", () => {
    const env = { XDG_DATA_HOME: join(tempDir(), "data"), HOME: tempDir() };
    const p = daemonPaths(env);
    ensureDaemonDir(p);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    chmodSync(p.dir, 0o755);
    ensureDaemonDir(p);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    expect(() => checkDaemonDir(p.socket.replace("daemon.sock", "state.db.not-a-dir"))).toThrow();
    const long = { XDG_DATA_HOME: join(tempDir(), "x".repeat(120)) };
    mkdirSync(long.XDG_DATA_HOME, { recursive: true });
    expect(() => ensureDaemonDir(daemonPaths(long))).toThrow(/too long/);
  });
});

describe("source pool", () => {
  test("same file and settings share one parsed copy until the file changes", async () => {
    const b = sandbox();
    const file = b.session("pooled", "shared prompt");
    const pool = new SourcePool();
    const settings = { redact: true, patterns: [], keep: [] };
    const a = pool.acquire(file, settings);
    const c = pool.acquire(file, settings);
    const d = pool.acquire(file, { ...settings, redact: false });
    expect(pool.size()).toBe(2);
    const [x, y] = await Promise.all([a.source.load(), c.source.load()]);
    expect(x.session).toBe(y.session);
    const [la, lc] = await Promise.all([a.source.live!(), c.source.live!()]);
    expect(la).toBe(lc); // one held session (watcher, generations) for both viewers
    expect(la.session).toBe(x.session);
    expect((await d.source.load()).session).not.toBe(x.session);
    await Bun.sleep(5);
    await Bun.write(file, (await Bun.file(file).text()) + "\n");
    const z = await a.source.load();
    expect(z.session).not.toBe(x.session);
    expect((await c.source.load()).session).toBe(z.session);
    a.release();
    c.release();
    d.release();
    expect(pool.size()).toBe(0);
  });
});

describe("parse in a child process", () => {
  test("a big file is parsed and redacted by a child: the same session, the same counts, errors carried", async () => {
    const b = sandbox();
    const secret = "ghp_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2";
    const file = b.session("child", `deploy with ${secret}`);
    const settings = { redact: true, patterns: [], keep: [] };
    const inChild = new SourcePool({ env: b.env, childFromBytes: 0 }).acquire(file, settings);
    const local = new SourcePool().acquire(file, settings);
    const [a, c] = await Promise.all([inChild.source.load(), local.source.load()]);
    expect(a.counts).toEqual(c.counts);
    expect(a.counts["github-token"]).toBeGreaterThan(0);
    expect(JSON.stringify(a.session)).toBe(JSON.stringify(c.session));
    expect(JSON.stringify(a.session)).not.toContain(secret);
    const broken = join(b.root, "not-a-session.jsonl");
    await Bun.write(broken, "this is not json\n");
    const bad = new SourcePool({ env: b.env, childFromBytes: 0 }).acquire(broken, settings);
    const local2 = new SourcePool().acquire(broken, settings);
    const localError = await local2.source.load().then(() => null, (e: Error) => e.message);
    const childError = await bad.source.load().then(() => null, (e: Error) => e.message);
    expect(childError).toBe(localError);
  }, 30_000);
});

describe("protocol", () => {
  test("requests are checked; ShareInfo and StartShareParams are zod schemas", () => {
    expect(parseRequest('{"method":"Ping"}')).toEqual({ req: { method: "Ping" } });
    expect("error" in parseRequest('{"method":"StopShare","params":{}}')).toBe(true);
    expect("error" in parseRequest('{"method":"StartShare","params":{"sessionPath":"/x","ttlMs":-1}}')).toBe(true);
    expect(StartShareParams.safeParse({ sessionPath: "/x", provider: "ngrok", ttlMs: null }).success).toBe(true);
    expect(ShareInfo.safeParse({}).success).toBe(false);
  });
});

describe("serve install / uninstall", () => {
  test("writes a systemd user unit where systemd looks, and removes it", async () => {
    const b = sandbox();
    const m = memoryIo({ env: b.env });
    expect(await runCli(["serve", "install"], m.io)).toBe(0);
    const unit = systemdUnitPath(b.env);
    expect(unit).toBe(join(b.env.XDG_CONFIG_HOME!, "systemd", "user", "panko.service"));
    const text = readFileSync(unit, "utf8");
    expect(text).toContain("ExecStart=");
    expect(text).toContain('"serve" "--foreground"');
    expect(text).toContain("KillMode=process");
    expect(text).toContain("WantedBy=default.target");
    expect(m.stderr()).toContain("systemctl --user enable --now panko.service");
    const u = memoryIo({ env: b.env });
    expect(await runCli(["serve", "uninstall"], u.io)).toBe(0);
    expect(existsSync(unit)).toBe(false);
  });

  test("the macOS LaunchAgent goes to ~/Library/LaunchAgents and runs serve --foreground at load", () => {
    const env = { HOME: "/Users/me", PATH: "/usr/bin:/bin" };
    const f = autostartFile("darwin", ["/Applications/panko & co/panko", "serve", "--foreground"], env, "/Users/me/.local/share/panko/daemon.log");
    expect(f.path).toBe(launchAgentPath(env));
    expect(f.path).toBe("/Users/me/Library/LaunchAgents/dev.panko.daemon.plist");
    expect(f.content).toContain("<string>/Applications/panko &amp; co/panko</string>");
    expect(f.content).toContain("<key>RunAtLoad</key>\n  <true/>");
    expect(f.content).toContain("<string>--foreground</string>");
  });
});

describe("short ids", () => {
  test("the shortest unique prefix without hyphens, 8 characters at least; unshare's matching takes it", async () => {
    const { shortShareIds, matchesShareId } = await import("../../src/daemon/share-ids.ts");
    const ids = ["01a23335-b9c3-7316-b875-59a6036d8c62", "01a23335-b9e4-71bc-b21c-07cd2c1dd5c4", "01b00000-0000-7000-8000-000000000000"];
    const s = shortShareIds(ids);
    expect(s.get(ids[0]!)).toBe("01a23335b9c");
    expect(s.get(ids[1]!)).toBe("01a23335b9e");
    expect(s.get(ids[2]!)).toBe("01b00000");
    expect(shortShareIds([ids[0]!]).get(ids[0]!)).toBe("01a23335");
    for (const id of ids) {
      const shown = s.get(id)!;
      expect(ids.filter((o) => matchesShareId(o, shown))).toEqual([id]); // what is shown names it alone
      expect(matchesShareId(id, id)).toBe(true); // the full id
      expect(matchesShareId(id, id.slice(0, 10))).toBe(true); // a prefix with its hyphen
      expect(matchesShareId(id, id.toUpperCase())).toBe(true);
    }
    expect(matchesShareId(ids[0]!, "")).toBe(false);
    expect(matchesShareId(ids[0]!, "-")).toBe(false);
    expect(matchesShareId(ids[0]!, "01a23335b9e")).toBe(false);
  });
});
