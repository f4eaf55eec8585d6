/** `panko shares`' table with the clock given: expiry counting down, an expired share, errors, hidden ended shares. */
import { describe, expect, test } from "bun:test";
import { listedShares, sharesTable } from "../../src/cli/shares.ts";
import { memoryIo } from "../../src/cli/io.ts";
import type { ShareInfo } from "../../src/daemon/protocol.ts";

const T0 = Date.parse("2026-06-01T10:00:00Z");

function info(id: string, over: Partial<ShareInfo> = {}): ShareInfo {
  return {
    id,
    sessionPath: "/s.jsonl",
    sessionName: `session ${id.slice(-2)}`,
    provider: "cloudflare",
    publicUrl: `https://x.trycloudflare.com/${id.slice(-2)}/`,
    localUrl: null,
    status: "active",
    startedAt: new Date(T0).toISOString(),
    expiresAt: null,
    views: 0,
    lastViewedAt: null,
    lastError: null,
    restarts: 0,
    redactions: {},
    redact: true,
    allowDownload: false,
    notes: [],
    ...over,
  };
}

describe("panko shares", () => {
  const ttl = info("01a23353-e31c-70cf-9cd1-936f9035ea01", { expiresAt: new Date(T0 + 60_000).toISOString() });
  const failed = info("01a23353-e3b2-7799-89de-de7fea32ca02", { status: "error", publicUrl: null, lastError: "the tunnel exited with code 1 (gave up after 5 failed restarts)" });
  const expired = info("01a23353-e3b9-7799-89de-de7fea32ca03", { status: "expired", expiresAt: new Date(T0 + 60_000).toISOString() });
  const stopped = info("01a23354-0000-7799-89de-de7fea32ca04", { status: "stopped" });
  const all = [ttl, failed, expired, stopped];

  test("a --ttl 1m share counts down by the clock; the ended ones are hidden, and said so", () => {
    const { io } = memoryIo();
    const shown = listedShares(all);
    expect(shown.map((s) => s.status)).toEqual(["active", "error"]);
    const at30 = sharesTable(shown, io, { now: T0 + 30_000, hidden: all.length - shown.length });
    const lines = at30.split("\n");
    expect(lines[0]).toBe("ID           STATUS  TUNNEL      VIEWS  STARTED   EXPIRES  SESSION     URL");
    expect(lines[1]).toBe("01a23353e31  active  cloudflare  0      just now  in 30s   session 01  https://x.trycloudflare.com/01/");
    expect(lines[2]).toBe("01a23353e3b  error   cloudflare  0      just now  -        session 02");
    expect(lines[3]).toBe("             error: the tunnel exited with code 1 (gave up after 5 failed restarts)");
    expect(lines[4]).toBe("             clear it with `panko unshare 01a23353e3b`, or share the session again");
    expect(at30.endsWith("\n2 ended shares not shown: `panko shares --all` lists them.\n")).toBe(true);
    // Its time is past but the daemon has not said so yet (it checks every second): "now".
    expect(sharesTable([ttl], io, { now: T0 + 61_000 })).toContain("  now  ");
  });

  test("--all: ids unique among every share, the expired one without an expiry", () => {
    const { io } = memoryIo();
    const text = sharesTable(listedShares(all, true), io, { now: T0 + 120_000 });
    expect(text).toContain("01a23353e3b2  error");
    expect(text).toContain("01a23353e3b9  expired  cloudflare  0      2m ago   -");
    expect(text).toContain("01a23354      stopped");
    expect(text).not.toContain("not shown");
  });

  test("nothing running", () => {
    const { io } = memoryIo();
    expect(sharesTable([], io)).toBe("No shares running. Start one with `panko share SESSION`.\n");
    expect(sharesTable([], io, { hidden: 1 })).toBe("No shares running. Start one with `panko share SESSION`.\n1 ended share not shown: `panko shares --all` lists it.\n");
  });
});
