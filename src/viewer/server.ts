/**
 * The viewer: one Bun.serve that shows one session. Used in the foreground by `panko view` and,
 * one per share, by the daemon (with a token prefix and a redacting loader).
 *
 * Routes, all under the prefix (`/` or `/<token>/`):
 *   ``                  the page, streamed from the in-memory Session
 *   `assets/<name>`     embedded CSS/JS (also `assets/<hash>/<name>`, which the page uses), cached for a year
 *   `images/<key>`      decoded image bytes, so the page never inlines base64
 *   `download`          the session file as JSONL, each line through `rawLine` when given
 *   `events`            server-sent events: `turn` {index, html} and `meta` {turns, title, endedAt}
 *   `health`            {ok, turns, updatedAt}
 * With a token, every other path is a neutral 404.
 *
 * The session is parsed before the server listens and kept in memory, so the first byte of the
 * page goes out at once even for a very large session.
 */
import type { Server } from "bun";
import { timingSafeEqual } from "node:crypto";
import { PankoError } from "../errors.ts";
import { log } from "../log.ts";
import { ASSETS } from "../render/assets.ts";
import { renderPage, renderTurnHtml, type RenderOptions } from "../render/page.ts";
import type { Session, Turn } from "../sessions/model.ts";
import { downloadName, downloadStream } from "./download.ts";
import { IMMUTABLE, NO_STORE, PRIVATE_CACHE, headers, methodNotAllowed, notFound } from "./headers.ts";
import { imageBytes, indexImages, safeImageType, type ImageIndex } from "./images.ts";
import { listenOnFreePort } from "./listen.ts";
import { LiveSession, type Update } from "./live.ts";
import { sseComment, sseEvent, sseRetry } from "./sse.ts";

export interface ViewerOptions {
  /** The session file (for /download and for watching). */
  path: string;
  /** Parses the session (and redacts it, for shares). Called once before listening, and on each change when live. */
  load(): Promise<Session>;
  /** Transform of each JSONL line for /download (e.g. redaction). Without it the file is served as it is. */
  rawLine?(line: string): string;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 (the default) = any free port. */
  port?: number;
  /** When `port` is taken, try up to this many following ports (default 100; ignored for port 0). */
  portRange?: number;
  /** Path prefix for shares: every route lives under /<token>/ (letters, digits, - and _). */
  token?: string;
  /** Watch the file and push changes to open pages (default true). */
  live?: boolean;
  /** The renderer; defaults to src/render. Tests pass their own. */
  renderer?: PageRenderer;
  /** Called for every page view (the daemon counts them). */
  onPageView?(): void;
  /** Tuning, mostly for tests: heartbeat (default 15000), debounce (75) and poll (1000) intervals in ms. */
  timing?: { heartbeatMs?: number; debounceMs?: number; pollMs?: number };
}

export interface Viewer {
  /** http://127.0.0.1:PORT/ or http://127.0.0.1:PORT/<token>/ */
  url: string;
  port: number;
  /** Stops listening, ends open event streams and file watchers. */
  stop(): Promise<void>;
  /** The session as currently held (the latest parse). */
  session(): Session;
  /** How many event streams (live pages) are open. */
  clients(): number;
}

export interface PageRenderer {
  renderPage(session: Session, opts: RenderOptions): ReadableStream<Uint8Array>;
  renderTurnHtml(turn: Turn, session: Session, opts: RenderOptions): string;
  assets: Record<string, { body: string; type: string }>;
}

const defaultRenderer: PageRenderer = { renderPage, renderTurnHtml, assets: ASSETS };

const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

export async function startViewer(opts: ViewerOptions): Promise<Viewer> {
  const hostname = opts.host ?? "127.0.0.1";
  const token = opts.token;
  if (token !== undefined && !TOKEN.test(token)) {
    throw new PankoError("internal", "viewer token must be 1-256 letters, digits, '-' or '_'");
  }
  const live = opts.live ?? true;
  const renderer = opts.renderer ?? defaultRenderer;
  const timing = opts.timing ?? {};
  const prefix = token ? `/${token}/` : "/";
  const assetVersion = hashAssets(renderer.assets);
  const assetBase = `${prefix}assets/${assetVersion}/`;

  // Parse first: the page is then only a matter of streaming from memory.
  const held = await LiveSession.open({ path: opts.path, load: opts.load, debounceMs: timing.debounceMs, pollMs: timing.pollMs });

  let images: ImageIndex = indexImages(held.session);
  let imagesFor: Session = held.session;
  const currentImages = (): ImageIndex => {
    if (imagesFor !== held.session) {
      images = indexImages(held.session);
      imagesFor = held.session;
    }
    return images;
  };

  const renderOptions = (eventsQuery?: string): RenderOptions => {
    const index = currentImages();
    return {
      assets: { mode: "served", base: assetBase },
      // Only embedded images are served (a remote or file URL is never loaded: the renderer shows a placeholder).
      imageSrc: (img) => (img.data ? `${prefix}images/${encodeURIComponent(index.keyOf(img))}` : ""),
      eventsUrl: live ? `${prefix}events${eventsQuery ?? ""}` : undefined,
      downloadUrl: `${prefix}download`,
    };
  };

  // ---- live event streams -------------------------------------------------------------------
  const clients = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let unsubscribe: (() => void) | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const send = (client: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    try {
      // A client that stopped reading (more than 32 MB queued) is dropped rather than buffered forever.
      if ((client.desiredSize ?? 0) < -32 * 1024 * 1024) throw new Error("event stream client is not reading");
      client.enqueue(chunk);
    } catch {
      dropClient(client, true);
    }
  };

  const metaEvent = (s: Session, generation: number) =>
    sseEvent("meta", { turns: s.turns.length, title: s.title, endedAt: s.endedAt }, `${generation}:${s.turns.length}`);

  const turnEvents = (s: Session, indexes: Iterable<number>): Uint8Array[] => {
    const o = renderOptions();
    const out: Uint8Array[] = [];
    for (const i of indexes) {
      const turn = s.turns[i];
      if (!turn) continue;
      let html: string;
      try {
        html = renderer.renderTurnHtml(turn, s, o);
      } catch (e) {
        log.error(`viewer: rendering turn ${i} failed`, e);
        continue;
      }
      out.push(sseEvent("turn", { index: i, html }));
    }
    return out;
  };

  const onUpdate = (u: Update) => {
    const chunks = [...turnEvents(u.session, u.changed), metaEvent(u.session, u.generation)];
    for (const client of [...clients]) for (const chunk of chunks) send(client, chunk);
  };

  const addClient = (client: ReadableStreamDefaultController<Uint8Array>) => {
    clients.add(client);
    unsubscribe ??= held.subscribe(onUpdate);
    heartbeat ??= setInterval(() => {
      const ping = sseComment("keep-alive");
      for (const c of [...clients]) send(c, ping);
    }, timing.heartbeatMs ?? 15000);
  };

  function dropClient(client: ReadableStreamDefaultController<Uint8Array>, close: boolean) {
    if (!clients.delete(client)) return;
    if (close) {
      try {
        client.close();
      } catch {
        // already closed or errored
      }
    }
    if (clients.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }

  const events = (req: Request, server: Server<undefined>): Response => {
    server.timeout(req, 0); // a quiet stream is not an idle connection
    // Where the page that connects stands: `g:n` (generation:turns) from the last meta event id, or
    // the g/n query the page was rendered with. When it is behind, catch it up from its last turn on.
    const url = new URL(req.url);
    const lastId = req.headers.get("last-event-id") ?? "";
    const [g, n] = /^\d+:\d+$/.test(lastId) ? lastId.split(":").map(Number) : [Number(url.searchParams.get("g")), Number(url.searchParams.get("n"))];
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        c.enqueue(sseRetry(2000));
        c.enqueue(sseComment("panko live"));
        addClient(c);
        void held.refresh(); // pick up anything written since the page was rendered
        const s = held.session;
        if (Number.isInteger(g) && Number.isInteger(n) && g !== held.generation) {
          const from = Math.max(0, Math.min(n, s.turns.length) - 1);
          const indexes = Array.from({ length: s.turns.length - from }, (_, k) => from + k);
          for (const chunk of turnEvents(s, indexes)) c.enqueue(chunk);
          c.enqueue(metaEvent(s, held.generation));
        }
      },
      cancel() {
        dropClient(controller, false);
      },
    });
    req.signal.addEventListener("abort", () => dropClient(controller, true), { once: true });
    return new Response(body, {
      headers: headers({
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": NO_STORE,
        "X-Accel-Buffering": "no",
      }),
    });
  };

  // ---- routes -------------------------------------------------------------------------------
  const page = async (): Promise<Response> => {
    try {
      opts.onPageView?.();
    } catch {
      // counting must not break the page
    }
    if (live) await held.refresh(); // a stat; re-parses only when the file changed since the last parse
    const s = held.session;
    let body: ReadableStream<Uint8Array>;
    try {
      body = renderer.renderPage(s, renderOptions(`?g=${held.generation}&n=${s.turns.length}`));
    } catch (e) {
      log.error("viewer: rendering the page failed", e);
      return new Response("Internal Server Error", { status: 500, headers: headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": NO_STORE }) });
    }
    return new Response(body, { headers: headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": NO_STORE }) });
  };

  const asset = (rest: string): Response => {
    // `assets/<name>` or `assets/<version>/<name>`; a stale version still gets today's file, uncached.
    const parts = rest.split("/");
    const name = parts.at(-1)!;
    const found = Object.hasOwn(renderer.assets, name) ? renderer.assets[name] : undefined;
    if (!found || parts.length > 2) return notFound();
    const fresh = parts.length === 1 || parts[0] === assetVersion;
    return new Response(found.body, { headers: headers({ "Content-Type": found.type, "Cache-Control": fresh ? IMMUTABLE : NO_STORE }) });
  };

  const image = (key: string): Response => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(key);
    } catch {
      return notFound();
    }
    const img = currentImages().get(decoded);
    const bytes = img && imageBytes(img);
    if (!img || !bytes) return notFound();
    const type = safeImageType(img.mediaType);
    const h: Record<string, string> = { "Cache-Control": PRIVATE_CACHE, "Content-Type": type ?? "application/octet-stream" };
    if (!type) h["Content-Disposition"] = `attachment; filename="image.bin"`;
    return new Response(bytes, { headers: headers(h) });
  };

  const download = async (): Promise<Response> => {
    if (!(await Bun.file(opts.path).exists())) return notFound(); // the file went away while being viewed
    const body = downloadStream(opts.path, opts.rawLine ? (line) => opts.rawLine!(line) : undefined);
    return new Response(body, {
      headers: headers({
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${downloadName(opts.path)}"`,
        "Cache-Control": NO_STORE,
      }),
    });
  };

  const health = (): Response =>
    new Response(JSON.stringify({ ok: true, turns: held.session.turns.length, updatedAt: held.updatedAt }), {
      headers: headers({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE }),
    });

  const checkHost = token === undefined && isLoopback(hostname);

  const fetch = async (req: Request, server: Server<undefined>): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (!underPrefix(path, prefix)) return notFound();
    // A local viewer answers only to local names: a web page cannot rebind its own host name to 127.0.0.1 to read it.
    if (checkHost && !localHost(req.headers.get("host"))) return notFound();
    if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed();
    const rest = path.slice(prefix.length);
    if (rest === "") return page();
    if (rest === "health") return health();
    if (rest === "download") return download();
    if (rest === "events") return live ? events(req, server) : notFound();
    if (rest.startsWith("assets/")) return asset(rest.slice("assets/".length));
    if (rest.startsWith("images/") && !rest.slice(7).includes("/")) return image(rest.slice("images/".length));
    return notFound();
  };

  let server: Server<undefined>;
  try {
    server = listenOnFreePort({ hostname, port: opts.port ?? 0, portRange: opts.portRange ?? 100 }, (port) =>
      Bun.serve({
        hostname,
        port,
        idleTimeout: 60,
        fetch,
        error(e) {
          log.error("viewer: request failed", e);
          return new Response("Internal Server Error", { status: 500, headers: headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": NO_STORE }) });
        },
      }),
    );
  } catch (e) {
    held.stop();
    throw e;
  }
  const port = server.port!;
  const url = `http://${displayHost(hostname)}:${port}${prefix}`;
  log.debug(`viewer: serving ${opts.path} at ${url}`);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    session: () => held.session,
    clients: () => clients.size,
    stop() {
      stopped ??= (async () => {
        for (const c of [...clients]) dropClient(c, true);
        held.stop();
        await server.stop(true);
      })();
      return stopped;
    },
  };
}

function underPrefix(path: string, prefix: string): boolean {
  if (prefix === "/") return path.startsWith("/");
  if (path.length < prefix.length) return false;
  // Compare the token part in constant time: its length is public, its content is not.
  const a = Buffer.from(path.slice(0, prefix.length));
  const b = Buffer.from(prefix);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host header is an IP literal or localhost (with any port). */
function localHost(header: string | null): boolean {
  if (!header) return true; // HTTP/1.0 clients; browsers always send one
  const host = header.startsWith("[") ? header.slice(1, header.indexOf("]")) : header.replace(/:\d+$/, "");
  const h = host.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(":");
}

function displayHost(hostname: string): string {
  if (hostname === "0.0.0.0" || hostname === "::" || hostname === "") return "127.0.0.1";
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

function hashAssets(assets: Record<string, { body: string }>): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const name of Object.keys(assets).sort()) h.update(name).update("\0").update(assets[name]!.body).update("\0");
  return h.digest("hex").slice(0, 12);
}
