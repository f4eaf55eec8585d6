import { beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync } from "node:fs";
import { PankoError } from "../../src/errors.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import type { ImageBlock, Session } from "../../src/sessions/model.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/viewer/headers.ts";
import { startViewer, type Viewer } from "../../src/viewer/server.ts";
import { viewerHarness } from "./harness.ts";
import { PNG_1x1, assistantLine, exchanges, image, newChain, text, toolResult, toolUse, userLine } from "./claude-lines.ts";

const { sessionFile, start } = viewerHarness("viewer");

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

/** The image blocks of a session, wherever they sit. */
function imagesOf(s: Session): ImageBlock[] {
  const out: ImageBlock[] = [];
  for (const t of s.turns)
    for (const b of t.blocks) {
      if (b.kind === "image") out.push(b);
      if (b.kind === "tool") out.push(...(b.result?.images ?? []));
    }
  return out;
}

describe("routes", () => {
  const chain = newChain();
  const lines = [
    userLine(chain, [text("Look at this picture"), image("image/png", PNG_1x1)]),
    assistantLine(chain, [text("A **tiny** picture."), toolUse("toolu_1", "Read", { file_path: "/tmp/x.png" })]),
    userLine(chain, [toolResult("toolu_1", [image("image/svg+xml", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>").toString("base64"))])]),
    ...exchanges(chain, 3),
  ];
  let path: string;
  let viewer: Viewer;
  let base: string;
  beforeAll(async () => {
    path = sessionFile(lines);
    viewer = await start({ path, load: () => parseSession(path), port: 0 });
    base = viewer.url;
  });

  test("url and port", () => {
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/`);
    expect(viewer.port).toBeGreaterThan(0);
    expect(viewer.session().turns.length).toBeGreaterThan(3);
  });

  test("the page: streamed HTML, no-store, security headers, images by URL not base64", async () => {
    const res = await fetch(base);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(res);
    const html = await res.text();
    expect(html).toContain("Look at this picture");
    expect(html).not.toContain(PNG_1x1);
    expect(html).toMatch(/src="\/images\/[^"]+"/);
    expect(html).toMatch(/data-events="\/events\?/);
  });

  test("assets: embedded, typed, cached for long", async () => {
    const html = await (await fetch(base)).text();
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(css).toBeDefined();
    const res = await fetch(new URL(css!, base));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/css");
    expect(res.headers.get("cache-control")).toContain("max-age=31536000");
    expectSecurityHeaders(res);
    const plain = await fetch(new URL("assets/panko.js", base));
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toContain("javascript");
    const missing = await fetch(new URL("assets/nope.js", base));
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing);
    expect((await fetch(new URL("assets/../assets/panko.js", base))).status).toBe(200); // URL normalises
    expect((await fetch(new URL("assets/a/b/panko.js", base))).status).toBe(404);
  });

  test("images: decoded bytes with the right type; SVG never served as an image", async () => {
    const imgs = imagesOf(viewer.session());
    expect(imgs.length).toBe(2);
    const html = await (await fetch(base)).text();
    const srcs = [...html.matchAll(/src="(\/images\/[^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(0);
    const png = await fetch(new URL(srcs[0]!, base));
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    expectSecurityHeaders(png);
    expect(Buffer.from(await png.arrayBuffer()).equals(Buffer.from(PNG_1x1, "base64"))).toBe(true);
    const svg = imgs.find((i) => i.mediaType === "image/svg+xml")!;
    const svgRes = await fetch(new URL(`images/${encodeURIComponent(svg.id)}`, base));
    expect(svgRes.status).toBe(200);
    expect(svgRes.headers.get("content-type")).toBe("application/octet-stream");
    expect(svgRes.headers.get("content-disposition")).toContain("attachment");
    expect((await fetch(new URL("images/does-not-exist", base))).status).toBe(404);
  });

  test("download: the JSONL as it is, as an attachment", async () => {
    const res = await fetch(new URL("download", base));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="s${path.match(/s(\d+)\.jsonl$/)![1]}.jsonl"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(res);
    expect(await res.text()).toBe(lines.join("\n") + "\n");
  });

  test("health", async () => {
    const res = await fetch(new URL("health", base));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
    const body = (await res.json()) as { ok: boolean; turns: number; updatedAt: string };
    expect(body.ok).toBe(true);
    expect(body.turns).toBe(viewer.session().turns.length);
    expect(Number.isNaN(Date.parse(body.updatedAt))).toBe(false);
  });

  test("unknown paths and methods", async () => {
    const res = await fetch(new URL("nope", base));
    expect(res.status).toBe(404);
    expectSecurityHeaders(res);
    const post = await fetch(base, { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expectSecurityHeaders(post);
  });

  test("a local viewer refuses foreign host names (DNS rebinding)", async () => {
    const res = await fetch(base, { headers: { Host: "evil.example:80" } });
    expect(res.status).toBe(404);
    expect((await fetch(base, { headers: { Host: `localhost:${viewer.port}` } })).status).toBe(200);
  });
});

describe("token prefix", () => {
  const chain = newChain();
  const lines = exchanges(chain, 2);
  let viewer: Viewer;
  beforeAll(async () => {
    const path = sessionFile(lines);
    viewer = await start({
      path,
      load: () => parseSession(path),
      token: "tok_EN-123abc",
      live: false,
      rawLine: (line) => line.replace(/Question/g, "[REDACTED]"),
    });
  });

  test("everything lives under /<token>/", async () => {
    expect(viewer.url).toBe(`http://127.0.0.1:${viewer.port}/tok_EN-123abc/`);
    const page = await fetch(viewer.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/tok_EN-123abc/assets/");
    expect(html).not.toContain("data-events"); // live: false
    for (const p of ["health", "download", "assets/panko.css"]) expect((await fetch(viewer.url + p)).status).toBe(200);
    expect((await fetch(viewer.url + "events")).status).toBe(404);
  });

  test("anything else: 404 with a neutral body, same for every miss", async () => {
    const origin = `http://127.0.0.1:${viewer.port}`;
    const bodies = new Set<string>();
    for (const p of ["/", "/health", "/download", "/assets/panko.css", "/tok_EN-123abc", "/tok_EN-123abd/", "/tok_EN-123ab/", "/x/tok_EN-123abc/", "/TOK_EN-123ABC/"]) {
      const res = await fetch(origin + p);
      expect(res.status).toBe(404);
      expectSecurityHeaders(res);
      const body = await res.text();
      expect(body).not.toContain("tok_");
      bodies.add(body);
    }
    expect(bodies.size).toBe(1);
    const post = await fetch(origin + "/", { method: "POST" });
    expect(post.status).toBe(404);
  });

  test("download goes through rawLine", async () => {
    const body = await (await fetch(viewer.url + "download")).text();
    expect(body).not.toContain("Question");
    expect(body.split("\n").filter(Boolean).length).toBe(lines.length);
    expect(body).toContain("[REDACTED] number 0");
  });

  test("a bad token is refused", async () => {
    await expect(startViewer({ path: "/nonexistent", load: async () => viewer.session(), token: "a/b" })).rejects.toThrow(PankoError);
  });
});

describe("ports", () => {
  test("a taken port: the next free one", async () => {
    const path = sessionFile(exchanges(newChain(), 1));
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
    try {
      const v = await start({ path, load: () => parseSession(path), port: blocker.port });
      expect(v.port).toBeGreaterThan(blocker.port!);
      expect(v.port).toBeLessThanOrEqual(blocker.port! + 100);
      expect(v.url).toBe(`http://127.0.0.1:${v.port}/`);
      expect((await fetch(v.url + "health")).status).toBe(200);
    } finally {
      blocker.stop(true);
    }
  });

  test("none free in the range: PankoError port", async () => {
    const path = sessionFile(exchanges(newChain(), 1));
    const blocker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("x") });
    try {
      const err = await startViewer({ path, load: () => parseSession(path), port: blocker.port, portRange: 0 }).catch((e) => e);
      expect(err).toBeInstanceOf(PankoError);
      expect((err as PankoError).code).toBe("port");
      expect((err as PankoError).message).toContain(String(blocker.port));
    } finally {
      blocker.stop(true);
    }
  });

  test("stop frees the port", async () => {
    const path = sessionFile(exchanges(newChain(), 1));
    const v = await startViewer({ path, load: () => parseSession(path) });
    await v.stop();
    await v.stop(); // twice is fine
    const again = Bun.serve({ hostname: "127.0.0.1", port: v.port, fetch: () => new Response("x") });
    again.stop(true);
  });
});

/** Reads server-sent events from a real HTTP connection. */
async function openEvents(url: string, headers: Record<string, string> = {}) {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal, headers });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  const events: { event: string; data: string; id?: string }[] = [];
  let comments = 0;
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          ended = true;
          return;
        }
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const ev: { event: string; data: string; id?: string } = { event: "message", data: "" };
          let isComment = true;
          for (const line of frame.split("\n")) {
            if (line.startsWith(":")) continue;
            isComment = false;
            const [k, ...v] = line.split(":");
            const val = v.join(":").replace(/^ /, "");
            if (k === "event") ev.event = val;
            else if (k === "data") ev.data += val;
            else if (k === "id") ev.id = val;
          }
          if (isComment) comments++;
          else if (ev.event !== "message" || ev.data) events.push(ev);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    events,
    comments: () => comments,
    ended: () => ended,
    async waitFor(pred: () => boolean, ms = 5000) {
      const until = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > until) throw new Error(`timed out; events: ${JSON.stringify(events).slice(0, 2000)}`);
        await Bun.sleep(20);
      }
    },
    close() {
      ctrl.abort();
      return pump;
    },
  };
}

describe("events", () => {
  test("appending to the file sends the grown and new turns, then meta", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 2));
    const v = await start({ path, load: () => parseSession(path), timing: { heartbeatMs: 100, pollMs: 200 } });
    const before = v.session().turns.length;
    const html = await (await fetch(v.url)).text();
    const eventsPath = /data-events="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    const es = await openEvents(new URL(eventsPath, v.url).href);
    expect(es.res.status).toBe(200);
    expect(es.res.headers.get("content-type")).toContain("text/event-stream");
    expect(es.res.headers.get("cache-control")).toBe("no-store");
    expectSecurityHeaders(es.res);
    await es.waitFor(() => es.comments() >= 1); // a heartbeat
    // At once a hello (a page that misses it is behind a buffering proxy and polls instead); the
    // page was current: nothing to catch up.
    expect(es.events.map((e) => e.event)).toEqual(["hello"]);
    expect(JSON.parse(es.events[0]!.data)).toEqual({ generation: 0, turns: before, gone: false });

    // The last turn grows (a second assistant message), then a new turn starts.
    appendFileSync(path, assistantLine(chain, [text("A late addition to the answer")]) + "\n");
    await es.waitFor(() => es.events.some((e) => e.event === "meta"));
    const grown = es.events.filter((e) => e.event === "turn").map((e) => JSON.parse(e.data) as { index: number; html: string });
    expect(grown.map((t) => t.index)).toEqual([before - 1]);
    expect(grown[0]!.html).toContain("A late addition");
    expect(grown[0]!.html).toContain(`turn-${before - 1}`);

    appendFileSync(path, exchanges(chain, 1, 100).join("\n") + "\n");
    await es.waitFor(() => es.events.filter((e) => e.event === "meta").length >= 2);
    const turns = es.events.filter((e) => e.event === "turn").map((e) => JSON.parse(e.data) as { index: number; html: string });
    const last = turns.at(-1)!;
    expect(last.index).toBe(before);
    expect(last.html).toContain("Question number 100");
    const meta = JSON.parse(es.events.filter((e) => e.event === "meta").at(-1)!.data) as { turns: number; title: string; endedAt: string };
    expect(meta.turns).toBe(before + 1);
    expect(typeof meta.title).toBe("string");
    expect(meta.endedAt).toBe(v.session().endedAt!);
    expect(v.session().turns.length).toBe(before + 1);

    // The health route sees the new state too.
    const health = (await (await fetch(v.url + "health")).json()) as { turns: number };
    expect(health.turns).toBe(before + 1);
    await es.close();
  });

  test("a page rendered before a change is caught up when it connects; reconnects resume from Last-Event-ID", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 2));
    const v = await start({ path, load: () => parseSession(path), timing: { pollMs: 100 } });
    const html = await (await fetch(v.url)).text();
    const eventsPath = /data-events="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    // A listener makes the viewer watch; the change lands before the page's own stream connects.
    const first = await openEvents(v.url + "events");
    appendFileSync(path, exchanges(chain, 1, 7).join("\n") + "\n");
    await first.waitFor(() => first.events.some((e) => e.event === "meta"));
    const meta = first.events.find((e) => e.event === "meta")!;
    await first.close();

    const late = await openEvents(new URL(eventsPath, v.url).href);
    await late.waitFor(() => late.events.some((e) => e.event === "meta"));
    const indexes = late.events.filter((e) => e.event === "turn").map((e) => (JSON.parse(e.data) as { index: number }).index);
    // Exactly the turns that changed since the page was rendered: the new one, and the one that
    // stopped being last (a live page draws its last turn whole).
    expect(indexes).toEqual([1, 2]);
    await late.close();

    const resumed = await openEvents(new URL(eventsPath, v.url).href, { "Last-Event-ID": meta.id! });
    await Bun.sleep(300);
    expect(resumed.events.map((e) => e.event)).toEqual(["hello"]);
    await resumed.close();
  });

  test("watchers go when the clients go", async () => {
    const chain = newChain();
    const path = sessionFile(exchanges(chain, 1));
    const v = await start({ path, load: () => parseSession(path) });
    const a = await openEvents(v.url + "events");
    const b = await openEvents(v.url + "events");
    await a.waitFor(() => a.events.length >= 1);
    await b.waitFor(() => b.events.length >= 1);
    expect(v.clients()).toBe(2);
    await a.close();
    await b.close();
    await a.waitFor(() => v.clients() === 0);
    // With nobody listening, the page still sees changes (it checks the file itself).
    appendFileSync(path, exchanges(chain, 1, 50).join("\n") + "\n");
    const html = await (await fetch(v.url)).text();
    expect(html).toContain("Question number 50");
  });

  test("stop ends open event streams", async () => {
    const path = sessionFile(exchanges(newChain(), 1));
    const v = await startViewer({ path, load: () => parseSession(path) });
    const es = await openEvents(v.url + "events");
    await es.waitFor(() => es.events.length >= 1);
    expect(v.clients()).toBe(1);
    await v.stop();
    // The page is told (it shows "ended" rather than "reconnecting"), and the server ends the
    // stream itself (without our abort).
    await es.waitFor(() => es.ended(), 10_000);
    expect(es.events.map((e) => e.event)).toEqual(["hello", "end"]);
    expect(v.clients()).toBe(0);
  });
});
