/** `panko share` in the foreground, against the fake tunnel executables. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { hasBinary, BINARY } from "../helpers/cli.ts";
import { startShareCli } from "../helpers/share-cli.ts";
import { claudeSession, writeLines } from "../helpers/session-tree.ts";
import { fakeEnv, readPids, tempDir, waitGone } from "../tunnels/helpers.ts";

const GITHUB = "ghp_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2";
const AWS = "AKIA" + "QWERTYUIOPASDFGH";

function secretSession(): string {
  const dir = tempDir("share-");
  const records = claudeSession({ id: "cccc4444-0000-4000-8000-000000000004", cwd: "/work/s", prompt: `deploy with token ${GITHUB}`, at: "2026-02-01T10:00:00Z" });
  (records[3] as { message: { content: { content: string }[] } }).message.content[0].content = `export AWS_ACCESS_KEY_ID=${AWS}\nok`;
  return writeLines(join(dir, "secret.jsonl"), records);
}

const startShare = startShareCli;

describe("panko share --foreground", () => {
  test("--json prints exactly the share object, serves the redacted session under the token, and stops clean", async () => {
    const pidfile = join(tempDir(), "pids");
    const env = fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile });
    const { m, ac, done } = await startShare([secretSession(), "--json", "--foreground", "--ttl", "2h"], env);
    const out = m.stdout();
    const share = JSON.parse(out);
    expect(out.trim().split("\n")).toHaveLength(1);
    expect(Object.keys(share).sort()).toEqual(["expiresAt", "id", "localUrl", "provider", "publicUrl", "redactions", "status"]);
    expect(share.provider).toBe("cloudflare");
    // The token sits in the prompt and in the title made from it: both are hidden.
    expect(share.redactions).toEqual({ "github-token": 2, "aws-access-key": 1 });
    expect(m.stderr()).toContain("hid 3 secrets: 2 github-token, 1 aws-access-key");
    expect(Date.parse(share.expiresAt) - Date.now()).toBeGreaterThan(7_100_000);

    const token = new URL(share.publicUrl).pathname.split("/")[1];
    expect(Buffer.from(token, "base64url")).toHaveLength(16);
    expect(share.publicUrl).toMatch(/^https:\/\/[a-z-]+\.trycloudflare\.com\/[A-Za-z0-9_-]{22}\/$/);
    expect(new URL(share.localUrl).pathname).toBe(`/${token}/`);

    const page = await (await fetch(share.localUrl)).text();
    expect(page).not.toContain(GITHUB);
    expect(page).toContain("[REDACTED:github-token]");
    // No raw download unless asked (--allow-download): the page links none, the route is not there.
    expect(page).not.toContain('id="b-download"');
    expect((await fetch(share.localUrl + "download")).status).toBe(404);

    const origin = new URL(share.localUrl).origin;
    for (const path of ["/", "/download", "/health", `/${token.slice(0, -1)}x/`, "/assets/panko.css"]) {
      const r = await fetch(origin + path);
      expect(r.status).toBe(404);
      expect((await r.text()).length).toBeLessThan(40);
    }

    ac.abort();
    expect(await done).toBe(0);
    expect(await waitGone(readPids(pidfile))).toEqual([]);
    expect(await fetch(share.localUrl).catch(() => "down")).toBe("down");
  });

  test("live updates keep working through the share, redacted", async () => {
    const file = secretSession();
    const { m, ac, done } = await startShare([file, "--json"], fakeEnv());
    const share = JSON.parse(m.stdout());
    const res = await fetch(share.localUrl + "events");
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const late = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8";
    const record = {
      type: "user",
      uuid: "late-u1",
      parentUuid: "cccc4444-0000-4000-8000-000000000004-u2",
      sessionId: "cccc4444-0000-4000-8000-000000000004",
      timestamp: "2026-02-01T10:05:00Z",
      message: { role: "user", content: `one more thing: ${late}` },
    };
    await Bun.write(file, (await Bun.file(file).text()) + JSON.stringify(record) + "\n");
    let text = "";
    const until = Date.now() + 10000;
    while (!text.includes("one more thing") && Date.now() < until) {
      const { value, done: end } = await Promise.race([reader.read(), Bun.sleep(10000).then(() => ({ value: undefined, done: true }))]);
      if (end) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("event: turn");
    expect(text).toContain("one more thing");
    expect(text).not.toContain(late);
    expect(text).toContain("[REDACTED:github-token]");
    await reader.cancel();
    ac.abort();
    expect(await done).toBe(0);
  });

  test("--no-redact shares secrets as they are and says so", async () => {
    const { m, ac, done } = await startShare([secretSession(), "--json", "--no-redact"], fakeEnv());
    const share = JSON.parse(m.stdout());
    expect(share.redactions).toEqual({});
    expect(m.stderr()).toContain("NOT hidden");
    expect(await (await fetch(share.localUrl)).text()).toContain(GITHUB);
    ac.abort();
    expect(await done).toBe(0);
  });

  test("--allow-download offers the records, redacted, valid JSON, and says what they hold", async () => {
    const { m, ac, done } = await startShare([secretSession(), "--json", "--allow-download"], fakeEnv());
    const share = JSON.parse(m.stdout());
    expect(m.stderr()).toContain("the download holds the session's records");
    const page = await (await fetch(share.localUrl)).text();
    expect(page).toContain('id="b-download"');
    expect(page).toContain("secrets hidden, whole files before edits left out");
    const download = await (await fetch(share.localUrl + "download")).text();
    expect(download).not.toContain(GITHUB);
    expect(download).not.toContain(AWS);
    for (const line of download.trim().split("\n")) JSON.parse(line);
    ac.abort();
    expect(await done).toBe(0);
  });

  test("--dry-run lists what would be hidden, masked, and starts no tunnel", async () => {
    const pidfile = join(tempDir(), "pids");
    const m = memoryIo({ env: fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile }) });
    expect(await runCli(["share", secretSession(), "--dry-run", "--json"], m.io)).toBe(0);
    const report = JSON.parse(m.stdout());
    expect(report.total).toBe(3);
    expect(report.items.map((i: { kind: string }) => i.kind).sort()).toEqual(["aws-access-key", "github-token", "github-token"]);
    expect(report.items.find((i: { field: string }) => i.field === "title")).toMatchObject({ turn: 0, block: 0, preview: "ghp_…x2" });
    expect(report.items.find((i: { field: string }) => i.field === "prompt")).toMatchObject({ turn: 1, block: 1 });
    expect(m.stdout()).not.toContain(GITHUB.slice(4, 20));
    expect(readPids(pidfile)).toEqual([]);
    // --keep leaves a false positive alone
    const kept = memoryIo({ env: fakeEnv() });
    expect(await runCli(["share", secretSession(), "--dry-run", "--json", "--keep", "^AKIA"], kept.io)).toBe(0);
    expect(JSON.parse(kept.stdout()).counts).toEqual({ "github-token": 2 });
  });

  test("--redact-pattern hides extra matches; a bad one is a usage error", async () => {
    const { m, ac, done } = await startShare([secretSession(), "--json", "--redact-pattern", "/work/s"], fakeEnv());
    expect(JSON.parse(m.stdout()).redactions.custom).toBeGreaterThan(0);
    ac.abort();
    await done;
    const bad = memoryIo({ env: fakeEnv() });
    expect(await runCli(["share", secretSession(), "--foreground", "--redact-pattern", "("], bad.io)).toBe(2);
  });

  test("a tunnel that fails gives its failure line and leaves nothing running", async () => {
    const pidfile = join(tempDir(), "pids");
    const m = memoryIo({ env: fakeEnv({ FAKE_TUNNEL_MODE: "fail", FAKE_TUNNEL_PIDFILE: pidfile }) });
    const code = await runCli(["share", secretSession(), "--foreground"], m.io);
    expect(code).toBe(1);
    expect(m.stderr()).toContain("failed to request quick Tunnel");
    expect(await waitGone(readPids(pidfile))).toEqual([]);
  });

  test("a tunnel that dies takes the share down with a clear error", async () => {
    const { m, done } = await startShare([secretSession(), "--json"], fakeEnv({ FAKE_TUNNEL_DIE_AFTER: "1" }));
    const share = JSON.parse(m.stdout());
    expect(await done).toBe(1);
    expect(m.stderr()).toContain("tunnel stopped");
    expect(await fetch(share.localUrl).catch(() => "down")).toBe("down");
  });

  test("the share stops by itself when its time is up", async () => {
    const { m, done } = await startShare([secretSession(), "--json", "--ttl", "2s"], fakeEnv());
    expect(JSON.parse(m.stdout()).expiresAt).not.toBeNull();
    expect(await done).toBe(0);
    expect(m.stderr()).toContain("time is up");
  });

  test("no provider available: explains each one and how to get cloudflared", async () => {
    const m = memoryIo({ env: fakeEnv({}, false) });
    expect(await runCli(["share", secretSession(), "--foreground"], m.io)).toBe(1);
    const err = m.stderr();
    expect(err).toContain("No tunnel provider is available");
    expect(err).toContain("ngrok");
    expect(err).toContain("tailscale");
    expect(err).toContain("panko tunnel install cloudflared");
  });

  test("--tunnel picks the provider; --provider is its alias", async () => {
    const { m, ac, done } = await startShare([secretSession(), "--json", "--provider", "tailscale"], fakeEnv());
    const share = JSON.parse(m.stdout());
    expect(share.provider).toBe("tailscale");
    expect(share.publicUrl).toMatch(/\.ts\.net/);
    ac.abort();
    await done;
    const m2 = memoryIo({ env: fakeEnv() });
    expect(await runCli(["share", secretSession(), "--foreground", "--tunnel", "ngrok"], m2.io)).toBe(1);
    expect(m2.stderr()).toContain("ngrok_token");
  });
});

describe.skipIf(!hasBinary)("dist/panko share", () => {
  test("runs from the binary, prints the URL and stops on SIGINT without leftovers", async () => {
    const pidfile = join(tempDir(), "pids");
    const proc = Bun.spawn([BINARY, "share", secretSession(), "--json", "--foreground"], {
      env: fakeEnv({ FAKE_TUNNEL_PIDFILE: pidfile }) as Record<string, string>,
      stdout: "pipe",
      stderr: "pipe",
    });
    const reader = proc.stdout.getReader();
    const { value } = await reader.read();
    const share = JSON.parse(new TextDecoder().decode(value));
    expect((await fetch(share.localUrl)).status).toBe(200);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    expect(await waitGone(readPids(pidfile))).toEqual([]);
  });
});
