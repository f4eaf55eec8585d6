import { describe, expect, test } from "bun:test";

/** Every flow test may wait up to 10 s for a screen (a loaded machine), so each gets 30 s. */
const it = (name: string, fn: () => Promise<void>) => test(name, fn, 30_000);
import { runFlow } from "../../src/ui/flow.ts";
import { PankoError } from "../../src/errors.ts";
import type { ShareEntry } from "../../src/ui/deps.ts";
import { FakeTerminal } from "./harness.ts";
import { NGROK as NGROK_DOWN, fakeDeps, summary, type FakeOptions } from "./fakes.ts";

const LOGIN = summary({ id: "aaaa1111-0000-4000-8000-000000000001", title: "Fix the login bug", firstPrompt: "the login form rejects valid passwords" });
const DARK = summary({
  id: "bbbb2222-0000-4000-8000-000000000002",
  title: "Add dark mode",
  project: "/home/dev/webapp",
  gitBranch: "feature/dark",
  firstPrompt: "please add a dark theme\nthat follows the system",
  updatedAt: new Date(Date.parse("2026-06-01T12:00:00Z") - 600_000).toISOString(),
});

function start(opts: FakeOptions = {}) {
  const t = new FakeTerminal();
  const { deps, rec } = fakeDeps({ sessions: [DARK, LOGIN], ...opts });
  const done = runFlow(deps, t.io);
  return { t, rec, deps, done };
}

describe("the picker", () => {
  it("pick by typing part of a title, see the preview, go back, leave with code 0", async () => {
    const { t, done } = start();
    await t.waitFor("panko 9.9.9");
    await t.waitFor("Pick a session");
    t.type("login");
    await t.waitFor("1 match");
    t.enter();
    const preview = await t.waitFor("What now?");
    expect(preview).toContain("Fix the login bug");
    expect(preview).toContain("the login form rejects valid passwords");
    expect(preview).toContain("tokens");
    t.escape();
    await t.waitFor("Pick a session");
    t.escape();
    await t.waitFor("Bye.");
    expect(await done).toBe(0);
  });
});

/** From the picker, open the first session (DARK, the newest) and wait for its actions. */
async function openDark(t: FakeTerminal) {
  await t.waitFor("Pick a session");
  t.type("dark");
  await t.waitFor("1 match");
  t.enter();
  await t.waitFor("What now?");
}

const ACTION = { view: 0, share: 1, copyPath: 2, copyContext: 3, export: 4, download: 5, openFolder: 6, delete: 7, back: 8 };

function act(t: FakeTerminal, n: number) {
  t.down(n);
  t.enter();
}

/** From the actions (already on screen): back to the picker, then out; the exit code is 0. */
async function quit(t: FakeTerminal, done: Promise<number>) {
  t.escape();
  await t.waitFor("Pick a session");
  t.escape();
  expect(await done).toBe(0);
}

/** Waits for the actions to come back, then quits. */
async function leave(t: FakeTerminal, done: Promise<number>) {
  await t.waitFor("What now?");
  await quit(t, done);
}

/** Provider, confirm and expiry, each the default answer. */
async function shareWithDefaults(t: FakeTerminal) {
  await t.waitFor("Share through");
  t.enter();
  await t.waitFor("Share it publicly?");
  t.enter();
  await t.waitFor("Stop sharing after");
  t.enter();
}

describe("the picker, more", () => {
  it("filters on project, first prompt and id; options show project, time, messages and source", async () => {
    const { t, done } = start();
    const first = await t.waitFor("Type: to search");
    expect(first).toContain("Add dark mode  ~/webapp · 10m ago · 8 messages · claude");
    expect(first).toContain("» Active shares");
    expect(first).toContain("» Settings");
    for (const [query, title] of [
      ["webapp", "Add dark mode"],
      ["valid passwords", "Fix the login bug"],
      ["bbbb2222", "Add dark mode"],
      ["LOGIN form", "Fix the login bug"],
    ]) {
      t.type(query);
      await t.waitFor(`${query}█ (1 match)`);
      t.enter();
      expect(await t.waitFor("What now?")).toContain(title);
      t.escape();
      await t.waitFor("Pick a session");
    }
    t.type("nothing like this");
    await t.waitFor("No matches found");
    t.escape();
    expect(await done).toBe(0);
  });

  it("the configured sort is used, and session text is printed terminal-safe", async () => {
    const evil = summary({ id: "cccc3333", title: "evil \x1b]52;c;aGVsbG8=\x07title\x1b[2J", firstPrompt: "hi \x1b]0;pwned\x07there" });
    const { t, rec, done } = start({ sessions: [evil] });
    rec.config.default_sort = "messages";
    await t.waitFor("Pick a session");
    t.enter();
    await t.waitFor("hi there");
    expect(t.raw()).not.toContain("\x1b]52");
    expect(t.raw()).not.toContain("\x1b]0;pwned");
    expect(t.screen()).toContain("evil title");
    expect(rec.calls).toContain("list messages");
    await leave(t, done);
  });

  it("Ctrl+C at the picker exits 0 too", async () => {
    const { t, done } = start();
    await t.waitFor("Pick a session");
    t.ctrlC();
    expect(await done).toBe(0);
  });

  it("the intro counts active shares when a daemon runs, and starts none when it does not", async () => {
    const a = start({ daemonRunning: true });
    await a.t.waitFor("panko 9.9.9 · 0 active shares");
    a.t.escape();
    expect(await a.done).toBe(0);
    const b = start({ daemonRunning: false });
    const intro = await b.t.waitFor("Pick a session");
    expect(intro).not.toContain("active share");
    b.t.escape();
    expect(await b.done).toBe(0);
    expect(b.rec.calls).not.toContain("connect");
  });
});

describe("actions", () => {
  it("View in browser runs the viewer until Ctrl+C, then the actions come back", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.view);
    await t.waitFor("Press Ctrl+C to come back");
    while (!rec.calls.includes(`view ${DARK.path}`)) await Bun.sleep(5);
    rec.interrupt();
    await t.waitFor("What now?");
    expect(rec.calls).toContain("view stopped");
    await quit(t, done);
  });

  it("Share publicly: provider, redaction preview, confirm, expiry, URL + QR + clipboard; then under Active shares", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.share);
    const providers = await t.waitFor("Share through");
    t.enter();
    const hidden = await t.waitFor("Share it publicly?");
    expect(hidden).toContain("2 secrets will be hidden: 1 aws-secret, 1 github-token");
    expect(hidden).toContain("ghp_…k3");
    expect(hidden).toContain("turn 2, tool result");
    t.enter();
    await t.waitFor("Stop sharing after");
    t.down(2); // 24 hours
    t.enter();
    const shown = await t.waitFor("What now?");
    expect(shown).toContain("https://fake-1.trycloudflare.com/tok1/");
    expect(shown).toContain("[QR https://fake-1.trycloudflare.com/tok1/]");
    expect(shown).toContain("copied to clipboard");
    expect(shown).toContain("Shared through Cloudflare Tunnel");
    expect(providers).not.toContain("ngrok"); // only available providers are offered
    expect(rec.started).toEqual([{ sessionPath: DARK.path, provider: "cloudflare", executable: "/opt/fake/cloudflared", ttlMs: 86_400_000, redact: true }]);
    expect(rec.copied).toEqual(["https://fake-1.trycloudflare.com/tok1/"]);
    t.escape();
    await t.waitFor("Pick a session");
    const picker = await t.waitFor("Type: to search");
    expect(picker).toContain("Active shares (1)");
    t.type("active");
    await t.waitFor("1 match");
    t.enter();
    const list = await t.waitFor("Stop all (1)");
    expect(list).toContain("Add dark mode");
    expect(list).toContain("cloudflare · active · started 1m 0s ago · expires in 24h 0m · 0 views");
    t.enter(); // the share
    await t.waitFor("Copy URL");
    t.down(3); // Stop sharing
    t.enter();
    await t.waitFor("Stopped sharing Add dark mode.");
    await t.waitFor("No active shares.");
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
    expect(rec.calls).toContain("stop share-1");
  });

  it("a session shared already: its URL, then Share it again or Back", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.share);
    await shareWithDefaults(t);
    await t.waitFor("copied to clipboard");
    await t.waitFor("What now?");
    t.enter(); // Share publicly again
    const already = await t.waitFor("Share it once more, at another URL?");
    expect(already).toContain("https://fake-1.trycloudflare.com/tok1/  cloudflare · active");
    t.down(1); // Back
    t.enter();
    await t.waitFor("What now?");
    t.enter();
    await t.waitFor("Share it once more");
    t.enter(); // Share it again
    await shareWithDefaults(t);
    await t.waitFor("https://fake-2.trycloudflare.com/tok2/");
    await leave(t, done);
    expect(rec.started.length).toBe(2);
  });

  it("no provider: says why, offers cloudflared, installs it and goes on", async () => {
    const { t, rec, done } = start({ providers: [{ ...NGROK_DOWN }] });
    await openDark(t);
    act(t, ACTION.share);
    const why = await t.waitFor("Install cloudflared now?");
    expect(why).toContain("ngrok: ngrok not found");
    t.enter();
    await t.waitFor("cloudflared installed at /data/panko/bin/cloudflared");
    await t.waitFor("Share through");
    t.escape();
    await leave(t, done);
    expect(rec.calls).toContain("install cloudflared");
  });

  it("a share that fails is shown with its reason, and the actions come back", async () => {
    const { t, rec, done } = start({ startError: new PankoError("tunnel", "cloudflared exited with code 1 before it printed a URL") });
    await openDark(t);
    act(t, ACTION.share);
    await shareWithDefaults(t);
    await t.waitFor("The share did not start: cloudflared exited with code 1 before it printed a URL");
    await leave(t, done);
    expect(rec.started.length).toBe(1);
  });

  it("the tunnel's caveats (ngrok's warning page) are shown with its URL", async () => {
    const { t, done } = start({ providers: [{ name: "ngrok", displayName: "ngrok", available: true, problem: null, path: "/opt/fake/ngrok" }] });
    await openDark(t);
    act(t, ACTION.share);
    await shareWithDefaults(t);
    expect(await t.waitFor("What now?")).toContain("ngrok's free domains show visitors a warning page first.");
    await quit(t, done);
  });

  it("with redact off the confirm warns and defaults to No", async () => {
    const { t, rec, done } = start();
    rec.config.redact = false;
    await openDark(t);
    act(t, ACTION.share);
    await t.waitFor("Share through");
    t.enter();
    expect(await t.waitFor("Share it publicly anyway?")).toContain("Redaction is off");
    t.enter(); // No
    await leave(t, done);
    expect(rec.started).toEqual([]);
  });

  it("Copy path and Copy as context (size and token estimate)", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.copyPath);
    await t.waitFor("Copied the path to the clipboard");
    await t.waitFor("What now?");
    act(t, ACTION.copyContext - ACTION.copyPath);
    expect(await t.waitFor(/Copied the session as Markdown \([\d.]+ KB, ~\d+ tokens\)/)).toBeTruthy();
    await leave(t, done);
    expect(rec.copied[0]).toBe(DARK.path);
    expect(rec.copied[1]).toStartWith("# Add dark mode");
  });

  it("a clipboard that fails says why and prints the path", async () => {
    const { t, done } = start({ clipboardFails: true });
    await openDark(t);
    act(t, ACTION.copyPath);
    await t.waitFor("Could not copy the path: no clipboard here");
    await t.waitFor(DARK.path);
    await leave(t, done);
  });

  it("Export: format, a file name (default offered), replace only after a confirm", async () => {
    const { t, rec, done } = start();
    rec.files.add("/work/here/out.md");
    await openDark(t);
    act(t, ACTION.export);
    await t.waitFor("Export as");
    t.down(1); // md
    t.enter();
    expect(await t.waitFor("Write to which file?")).toBeTruthy();
    await t.waitFor("bbbb2222.md");
    t.type("\x7f".repeat("bbbb2222.md".length) + "out.md");
    t.enter();
    await t.waitFor("/work/here/out.md exists. Replace it?");
    t.type("y");
    await t.waitFor("Wrote /work/here/out.md (12 KB, 1 secret hidden)");
    await leave(t, done);
    expect(rec.written).toEqual([{ format: "md", file: "/work/here/out.md" }]);
  });

  it("Download copies the file into the Downloads folder without overwriting", async () => {
    const { t, rec, done } = start();
    rec.files.add(`/home/dev/Downloads/${DARK.id}.jsonl`);
    await openDark(t);
    act(t, ACTION.download);
    await t.waitFor(`Copied the session file to /home/dev/Downloads/${DARK.id} (2).jsonl`);
    await leave(t, done);
    expect(rec.calls).toContain(`copy ${DARK.path} -> /home/dev/Downloads/${DARK.id} (2).jsonl`);
  });

  it("Open folder", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.openFolder);
    await t.waitFor("Opened /sessions/proj");
    await leave(t, done);
    expect(rec.opened).toEqual(["/sessions/proj"]);
  });

  it("Delete asks first (No keeps it), then removes it and the picker no longer lists it", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.delete);
    await t.waitFor('Delete "Add dark mode"?');
    t.enter(); // No (the default)
    await t.waitFor("What now?");
    expect(rec.removed).toEqual([]);
    t.enter(); // Delete is remembered as the last action
    await t.waitFor('Delete "Add dark mode"?');
    t.type("y");
    await t.waitFor(`Deleted ${DARK.path}`);
    const picker = await t.waitFor("Type: to search");
    expect(picker).toContain("1 session;");
    expect(picker).not.toContain("Add dark mode");
    t.escape();
    expect(await done).toBe(0);
    expect(rec.removed).toEqual([DARK.path]);
  });

  it("Delete is refused while the session is shared", async () => {
    const { t, rec, done } = start({ daemonRunning: true });
    rec.shares.push({
      id: "s1",
      sessionPath: DARK.path,
      sessionName: "Add dark mode",
      provider: "cloudflare",
      publicUrl: "https://x.trycloudflare.com/t/",
      status: "active",
      startedAt: new Date().toISOString(),
      expiresAt: null,
      views: 2,
    });
    await openDark(t);
    act(t, ACTION.delete);
    await t.waitFor("This session is shared (https://x.trycloudflare.com/t/). Stop the share first");
    await leave(t, done);
    expect(rec.removed).toEqual([]);
  });

  it("Delete asks a stopped daemon (it would restore the share) before it deletes", async () => {
    const { t, rec, done } = start({ daemonRunning: false, daemonState: true });
    rec.shares.push({ id: "s1", sessionPath: DARK.path, sessionName: "Add dark mode", provider: "cloudflare", publicUrl: "https://y.trycloudflare.com/t/", status: "active", startedAt: new Date().toISOString(), expiresAt: null, views: 0 });
    await openDark(t);
    act(t, ACTION.delete);
    await t.waitFor("This session is shared (https://y.trycloudflare.com/t/)");
    await leave(t, done);
    expect(rec.calls).toContain("connect");
    expect(rec.removed).toEqual([]);
  });

  it("Back returns to the picker", async () => {
    const { t, done } = start();
    await openDark(t);
    act(t, ACTION.back);
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
  });
});

describe("cancel goes back one step", () => {
  it("at the provider, the confirm, the expiry and the spinner", async () => {
    const { t, rec, done } = start({ startHangs: true });
    await openDark(t);
    let down = ACTION.share; // then Share is the remembered action
    for (const stop of ["Share through", "Share it publicly?", "Stop sharing after", "Starting the Cloudflare"]) {
      act(t, down);
      down = 0;
      await t.waitFor("Share through");
      if (stop !== "Share through") {
        t.enter();
        await t.waitFor("Share it publicly?");
        if (stop !== "Share it publicly?") {
          t.enter();
          await t.waitFor("Stop sharing after");
          if (stop !== "Stop sharing after") {
            t.enter();
            await t.waitFor(stop);
            t.escape(); // the start goes on in the daemon: panko waits to stop it...
            await t.waitFor("Cancelling: the share stops as soon as its tunnel answers");
          }
        }
      }
      t.escape(); // ...unless told not to wait either
      await t.waitFor("What now?");
    }
    expect(t.screen()).toContain("(cancelled)");
    expect(t.screen()).toContain("The share may still come up: stop it under Active shares.");
    await quit(t, done);
    expect(rec.started.length).toBe(1);
  });

  it("a share cancelled while its tunnel starts is stopped once it is up", async () => {
    let release!: () => void;
    const { t, rec, done } = start({ startGate: new Promise<void>((r) => (release = r)) });
    await openDark(t);
    act(t, ACTION.share);
    await shareWithDefaults(t);
    await t.waitFor("Starting the Cloudflare");
    t.escape();
    await t.waitFor("Cancelling");
    release();
    await t.waitFor("Share cancelled.");
    await leave(t, done);
    expect(rec.calls).toContain("stop share-1");
    expect(rec.shares[0].status).toBe("stopped");
  });

  it("Ctrl+C in the export file prompt and in the delete confirm", async () => {
    const { t, rec, done } = start();
    await openDark(t);
    act(t, ACTION.export);
    await t.waitFor("Export as");
    t.enter();
    await t.waitFor("Write to which file?");
    t.ctrlC();
    await t.waitFor("What now?");
    act(t, ACTION.delete - ACTION.export);
    await t.waitFor("Delete");
    t.ctrlC();
    await leave(t, done);
    expect(rec.written).toEqual([]);
    expect(rec.removed).toEqual([]);
  });
});

describe("active shares", () => {
  const share = (id: string, over: Partial<ShareEntry> = {}): ShareEntry => ({
    id,
    sessionPath: DARK.path,
    sessionName: `session ${id}`,
    provider: "cloudflare",
    publicUrl: `https://${id}.trycloudflare.com/t/`,
    status: "active",
    startedAt: new Date(Date.parse("2026-06-01T10:00:00Z")).toISOString(),
    expiresAt: null,
    views: 3,
    ...over,
  });

  async function openShares(t: FakeTerminal) {
    await t.waitFor("Pick a session");
    t.type("active shares");
    await t.waitFor("1 match");
    t.enter();
  }

  it("copy URL, open, QR, stop all", async () => {
    const { t, rec, done } = start({ daemonRunning: true });
    rec.shares.push(share("one"), share("two", { provider: "ngrok", views: 1 }), share("old", { status: "stopped" }));
    await openShares(t);
    const list = await t.waitFor("Stop all (2)");
    expect(list).toContain("session one  cloudflare · active · started 2h 0m ago · no expiry · 3 views");
    expect(list).toContain("session two  ngrok · active · started 2h 0m ago · no expiry · 1 view");
    expect(list).not.toContain("session old");
    t.enter();
    await t.waitFor("Copy URL");
    t.enter();
    await t.waitFor("Copied https://one.trycloudflare.com/t/");
    await t.waitFor("Copy URL");
    t.down(1);
    t.enter();
    await t.waitFor("Opened https://one.trycloudflare.com/t/");
    await t.waitFor("Copy URL");
    t.down(2);
    t.enter();
    await t.waitFor("[QR https://one.trycloudflare.com/t/]");
    await t.waitFor("Copy URL");
    t.escape();
    await t.waitFor("Stop all (2)");
    t.down(2);
    t.enter();
    await t.waitFor("Stop all 2 shares?");
    t.type("y");
    await t.waitFor("Stopped 2 shares.");
    await t.waitFor("No active shares.");
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
    expect(rec.copied).toEqual(["https://one.trycloudflare.com/t/"]);
    expect(rec.opened).toEqual(["https://one.trycloudflare.com/t/"]);
    expect(rec.calls).toContain("stop one");
    expect(rec.calls).toContain("stop two");
  });

  it("a failed share (error) is listed with its reason apart from the active ones, and is cleared like `panko unshare`", async () => {
    const { t, rec, done } = start({ daemonRunning: true });
    rec.shares.push(share("one"), share("bad", { status: "error", publicUrl: null, lastError: "gave up after 5 failed restarts" }), share("old", { status: "expired" }));
    await openShares(t);
    const list = await t.waitFor("Stop all (2)");
    expect(list).toContain("Active shares (1, 1 failed)");
    expect(list).toContain("session bad  cloudflare · error");
    expect(list).not.toContain("session old");
    t.down(1);
    t.enter(); // the failed one
    const menu = await t.waitFor("Clear it (the share failed)");
    expect(menu).toContain("no URL yet (error)");
    t.enter(); // the first enabled action: Copy, Open and QR need a URL
    await t.waitFor("Cleared session bad.");
    await t.waitFor("Stop all (1)");
    await quit(t, done);
    expect(rec.calls).toContain("stop bad");
  });

  it("a share with a long name and an expiry stays on one line: the name is cut, the line is not wrapped", async () => {
    // In colour, as in a terminal: clack then counts the escape codes of the bar before an option.
    const forced = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = "1";
    try {
      const { t, rec, done } = start({ daemonRunning: true });
      const name = "Refactor the whole authentication layer and then write the migration notes for the team";
      rec.shares.push(share("long", { sessionName: name, expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }));
      await openShares(t);
      const list = await t.waitFor("Stop all (1)");
      expect(t.raw()).toContain("\x1b[");
      const row = list.split("\n").find((l) => l.includes("Refactor the whole"))!;
      expect(row).toContain("3 views");
      expect(row).toContain("…");
      expect(Bun.stringWidth(row)).toBeLessThanOrEqual(110);
      await quit(t, done);
    } finally {
      if (forced === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = forced;
    }
  });

  it("a stopped daemon with shares: offers to start it, then lists them", async () => {
    const { t, rec, done } = start({ daemonRunning: false, daemonState: true });
    rec.shares.push(share("one"));
    await openShares(t);
    await t.waitFor("the shares it had come back when it starts");
    t.enter();
    await t.waitFor("Stop all (1)");
    await quit(t, done);
    expect(rec.calls).toContain("connect");
  });

  it("no daemon running: no shares, and none is started", async () => {
    const { t, rec, done } = start({ daemonRunning: false });
    await openShares(t);
    await t.waitFor("No active shares (the panko daemon is not running).");
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
    expect(rec.calls).not.toContain("connect");
  });

  it("a daemon that cannot be reached: the reason, then Retry works and Back goes back", async () => {
    const { t, rec, done } = start({ daemonRunning: true, connectFailures: 2 });
    rec.shares.push(share("one"));
    await openShares(t);
    await t.waitFor("The panko daemon cannot be reached: the daemon did not answer within 5 s");
    await t.waitFor("Retry");
    t.enter();
    await t.waitFor("cannot be reached");
    await t.waitFor("Retry");
    t.enter();
    await t.waitFor("Stop all (1)");
    await quit(t, done);
    expect(rec.calls.filter((c) => c === "connect").length).toBe(3);
  });

  it("Back after a failed connection returns to the picker", async () => {
    const { t, done } = start({ daemonRunning: true, connectFailures: Infinity });
    await openShares(t);
    await t.waitFor("Retry");
    t.down(1);
    t.enter();
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
  });
});

describe("settings, patterns", () => {
  it("extra patterns to hide: a bad one is refused with the config's reason, a good one added, then removed", async () => {
    const { t, rec, done } = start();
    await t.waitFor("Pick a session");
    t.type("settings");
    await t.waitFor("1 match");
    t.enter();
    await t.waitFor("Extra patterns to hide: none");
    t.down(5);
    t.enter();
    await t.waitFor("Add a pattern");
    t.enter();
    await t.waitFor("A regular expression");
    t.type("acme-(");
    t.enter();
    await t.waitFor("is not a valid regular expression");
    t.type("\x7f".repeat(6) + "acme-[0-9]+");
    t.enter();
    await t.waitFor("Extra patterns to hide: 1 pattern");
    expect(rec.config.redact_patterns).toEqual(["acme-[0-9]+"]);
    await t.waitFor("Remove acme-[0-9]+");
    t.enter();
    await t.waitFor("Extra patterns to hide: none");
    expect(rec.config.redact_patterns).toEqual([]);
    t.escape();
    await t.waitFor("Settings");
    t.escape();
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
    expect(rec.calls).toContain("config.set redact_patterns=acme-[0-9]+");
  });
});

describe("settings", () => {
  async function openSettings(t: FakeTerminal) {
    await t.waitFor("Pick a session");
    t.type("settings");
    await t.waitFor("1 match");
    t.enter();
    await t.waitFor("Settings");
  }

  it("provider, ngrok token (masked), sort, expiry (a bad one refused), redact", async () => {
    const { t, rec, done } = start();
    await openSettings(t);
    // [moves down the settings list, the prompt, what to answer, what the flow then says]
    const steps: [number, string, (() => void)[], string][] = [
      [0, "Share through which provider by default?", [() => t.down(2), () => t.enter()], "Default provider: ngrok"],
      [1, "ngrok auth token", [() => t.type("2abcdefghijklmnopqrstuvwxyz_TOKEN"), () => t.enter()], "ngrok token: set (2abc…OKEN)"],
      [1, "Order of the session list", [() => t.down(2), () => t.enter()], "Default sort: messages"],
      [1, "How long a share lives by default", [() => t.type("soon"), () => t.enter()], "invalid value for share_ttl: must be a duration like 30m, 24h or 7d"],
      [-1, "How long a share lives by default", [() => t.type("\x7f".repeat(4) + "2h"), () => t.enter()], "Default expiry: 2h"],
      [1, "Hide secrets before sharing or exporting?", [() => t.down(1), () => t.enter()], "Hide secrets (redact): off"],
    ];
    for (const [down, prompt, answer, said] of steps) {
      if (down >= 0) {
        t.down(down);
        t.enter();
      }
      await t.waitFor(prompt);
      for (const key of answer) key();
      const shown = await t.waitFor(said);
      expect(shown).not.toContain("2abcdefghijklmnopqrstuvwxyz_TOKEN");
      if (!said.startsWith("invalid")) await t.waitFor("Settings"); // else the same prompt asks again
    }
    await quit(t, done);
    expect(rec.config).toMatchObject({ default_provider: "ngrok", ngrok_token: "2abcdefghijklmnopqrstuvwxyz_TOKEN", default_sort: "messages", share_ttl: 7_200_000, redact: false });
  });
});

describe("a broken config", () => {
  it("is said once, and the flow goes on with the defaults", async () => {
    const { t, deps, done } = start();
    deps.config.load = () => {
      throw new PankoError("config", "config file /c/panko/config.toml is not valid TOML (line 3)");
    };
    await t.waitFor("not valid TOML (line 3); using the default settings");
    await openDark(t);
    t.escape();
    await t.waitFor("Pick a session");
    t.escape();
    expect(await done).toBe(0);
    expect(t.screen().split("not valid TOML").length - 1).toBe(1);
  });
});
