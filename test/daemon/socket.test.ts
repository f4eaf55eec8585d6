/** Hostile input on the real daemon's socket: it answers or drops that connection, and serves the others. */
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { connect, type Socket } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { killSandbox, panko, sandbox, sandboxPids } from "./helpers.ts";

// Real processes on a shared machine: generous, so load never fails a test.
setDefaultTimeout(60_000);

const b = sandbox();
const sock = join(b.dataDir, "daemon.sock");

afterAll(async () => {
  await panko(["serve-stop"], b.env);
  await killSandbox(b);
  expect(sandboxPids(b)).toEqual([]);
});

/** A raw connection that collects answer lines. */
function raw(): Promise<{ s: Socket; lines: () => string[]; closed: () => boolean; next(n: number): Promise<string[]> }> {
  return new Promise((resolve, reject) => {
    const s = connect(sock);
    let buf = "";
    let closed = false;
    s.on("data", (d) => (buf += d.toString()));
    s.on("close", () => (closed = true));
    s.on("error", () => (closed = true));
    const lines = () => buf.split("\n").filter(Boolean);
    s.on("connect", () =>
      resolve({
        s,
        lines,
        closed: () => closed,
        async next(n) {
          const until = Date.now() + 10_000;
          while (lines().length < n && !closed && Date.now() < until) await Bun.sleep(10);
          return lines();
        },
      }),
    );
    s.on("error", reject);
  });
}

async function ping(): Promise<unknown> {
  const c = await raw();
  c.s.write('{"method":"Ping"}\n');
  const [line] = await c.next(1);
  c.s.end();
  return JSON.parse(line!);
}

describe("daemon socket", () => {
  test("starts", async () => {
    expect((await panko(["serve"], b.env)).code).toBe(0);
    expect(await ping()).toMatchObject({ status: "Pong", data: { protocol: 1 } });
  });

  test("invalid JSON, wrong shapes and unknown methods answer Error; the connection goes on", async () => {
    const c = await raw();
    c.s.write("this is not json\n");
    c.s.write('{"method":"StartShare","params":{"sessionPath":42}}\n');
    c.s.write('{"method":"RmRf","params":{}}\n');
    c.s.write("[1,2,3]\n");
    c.s.write('{"id":7,"method":"Ping"}\n');
    const lines = (await c.next(5)).map((l) => JSON.parse(l));
    expect(lines.slice(0, 4).map((l) => l.status)).toEqual(["Error", "Error", "Error", "Error"]);
    expect(lines[0].data.message).toContain("invalid JSON");
    expect(lines[1].data.message).toContain("sessionPath");
    expect(lines[2].data.message).toContain("unknown method");
    expect(lines[4]).toMatchObject({ id: 7, status: "Pong" });
    expect(c.closed()).toBe(false);
    c.s.end();
  });

  test("random bytes, a 5 MiB line, half a request then close: the daemon keeps serving others", async () => {
    const idle = await raw(); // says nothing at all, the whole time
    const junk = await raw();
    junk.s.write(crypto.getRandomValues(new Uint8Array(64 * 1024)));
    junk.s.write("\n");
    const half = await raw();
    half.s.write('{"method":"ListSha');
    half.s.destroy();
    const big = await raw();
    big.s.write("{\"method\":\"Ping\",\"params\":{\"x\":\"" + "a".repeat(5 * 1024 * 1024));
    const until = Date.now() + 10_000;
    while (!big.closed() && Date.now() < until) await Bun.sleep(20);
    expect(big.closed()).toBe(true);
    // The daemon says why before it closes; a client still writing may get a reset instead of reading it.
    for (const l of big.lines()) expect(JSON.parse(l).data.message).toContain("longer than");
    expect(await ping()).toMatchObject({ status: "Pong" });
    const many = await Promise.all(Array.from({ length: 20 }, ping));
    expect(many.every((p) => (p as { status: string }).status === "Pong")).toBe(true);
    expect(idle.closed()).toBe(false);
    idle.s.end();
    junk.s.end();
  });

  test("a client that asks and never reads is cut off before its answers pile up; others are served", async () => {
    const c = await raw();
    c.s.pause(); // never reads
    const batch = '{"method":"Ping"}\n'.repeat(10_000);
    for (let i = 0; i < 40 && !c.closed(); i++) {
      c.s.write(batch);
      await Bun.sleep(20);
    }
    // On a busy machine the daemon can take a while to work through 400,000 pings. The client
    // stays paused until the daemon says it cut it off: reading earlier would drain the very
    // backlog that gets it cut off (the test could then wait forever on a slow machine).
    const log = () => (existsSync(join(b.dataDir, "daemon.log")) ? readFileSync(join(b.dataDir, "daemon.log"), "utf8") : "");
    const until = Date.now() + 60_000;
    while (!c.closed() && !log().includes("unread; closing its connection") && Date.now() < until) await Bun.sleep(50);
    // Now read what is there, so the close can be seen.
    c.s.resume();
    const seen = Date.now() + 10_000;
    while (!c.closed() && Date.now() < seen) await Bun.sleep(20);
    expect(c.closed()).toBe(true);
    expect(readFileSync(join(b.dataDir, "daemon.log"), "utf8")).toContain("unread; closing its connection");
    expect(await ping()).toMatchObject({ status: "Pong" });
  }, 90_000);

  test("several requests on one connection are answered in order", async () => {
    const c = await raw();
    c.s.write('{"id":"a","method":"Ping"}\n{"id":"b","method":"ListShares"}\n{"id":"c","method":"Ping"}\n');
    const lines = (await c.next(3)).map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.status])).toEqual([["a", "Pong"], ["b", "ShareList"], ["c", "Pong"]]);
    c.s.end();
  });
});
