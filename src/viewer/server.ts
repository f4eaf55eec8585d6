/**
 * The viewer: one Bun.serve that shows one session. Used in the foreground by `panko view` and,
 * one per share, by the daemon (with a token prefix and a redacting loader).
 *
 * Routes, all under the prefix (`/` or `/<token>/`):
 *   ``                  the page, rendered once per session state and shared by its visitors
 *                       (collapsed content left out: see render/parts.ts)
 *   `assets/<name>`     embedded CSS/JS/favicon (also `assets/<hash>/<name>`, which the page uses), cached for a year
 *   `images/<key>`      decoded image bytes, so the page never inlines base64
 *   `download`          the session file as JSONL, each line through `rawLine` when given
 *   `events`            server-sent events (feed.ts): `hello` at once, `turn`, `meta`, `reset`, `end`
 *   `updates?g=G`       the polling fallback: the same updates as JSON, since generation G
 *   `parts?g=G&p=T.K`   collapsed content left out of the page, by part id
 *   `search?q=`         the turns that hold a text (find on the page asks before searching itself)
 *   `health`            {ok, turns, updatedAt}
 * Everything comes from the held session, which `load()` returned (redacted, for shares).
 * With a token, every other path is a neutral 404.
 *
 * The session is parsed before the server listens and kept in memory, so the first byte of the
 * page goes out at once even for a very large session. Several viewers may share one held session
 * (`source`: a LiveSession opened once per file and redaction settings).
 */
import type { Server } from "bun";
import { timingSafeEqual } from "node:crypto";
import { PankoError } from "../errors.ts";
import { log } from "../log.ts";
import { ASSETS } from "../render/assets.ts";
import { renderPage, renderTurnHtml, renderTurnParts, type RenderOptions } from "../render/page.ts";
import type { Session, Turn } from "../sessions/model.ts";
import { downloadName, downloadStream } from "./download.ts";
import { IMMUTABLE, NO_STORE, PRIVATE_CACHE, headers, methodNotAllowed, notFound } from "./headers.ts";
import { imageBytes, indexImages, safeImageType, type ImageIndex } from "./images.ts";
import { listenOnFreePort } from "./listen.ts";
import { LiveFeed } from "./feed.ts";
import { RenderedPage } from "./rendered.ts";
import { searchTurns } from "./search.ts";
import { LiveSession } from "./live.ts";

export interface ViewerOptions {
  /**
   * A session already held (parsed, redacted) by its owner: several viewers of one file with the
   * same redaction settings share it (`LiveSession.open({path, load})`, once). The viewer
   * subscribes to it but never stops it; its owner does. Without it, `path` and `load` are needed.
   */
  source?: LiveSession;
  /** The session file (for /download and for watching); defaults to the source's path. */
  path?: string;
  /** Parses the session (and redacts it, for shares). Called once before listening, and on each change when live. */
  load?(): Promise<Session>;
  /** Transform of each JSONL line for /download (e.g. redaction). Without it the file is served as it is. */
  rawLine?(line: string): string;
  /** Offer /download at all (default true). A share offers none unless the user asks (`--allow-download`). */
  download?: boolean;
  /** What the download holds, for the page (the button's tooltip). */
  downloadLabel?: string;
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
  /** The parts of a turn a served page leaves out (see render/parts.ts); without it pages hold everything. */
  renderTurnParts?(turn: Turn, session: Session, opts: RenderOptions): string[];
  assets: Record<string, { body: string; type: string }>;
}

const defaultRenderer: PageRenderer = { renderPage, renderTurnHtml, renderTurnParts, assets: ASSETS };

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
  const shared = opts.source;
  if (!shared && (!opts.path || !opts.load)) throw new PankoError("internal", "startViewer needs a source, or a path and a load()");
  const path = opts.path ?? shared!.path;
  const held = shared ?? (await LiveSession.open({ path, load: opts.load!, debounceMs: timing.debounceMs, pollMs: timing.pollMs }));

  let images: ImageIndex = indexImages(held.session);
  let imagesFor: Session = held.session;
  const currentImages = (): ImageIndex => {
    if (imagesFor !== held.session) {
      images = indexImages(held.session);
      imagesFor = held.session;
    }
    return images;
  };

  const renderOptions = (generation?: number): RenderOptions => {
    const index = currentImages();
    return {
      assets: { mode: "served", base: assetBase },
      // Only embedded images are served (a remote or file URL is never loaded: the renderer shows a placeholder).
      imageSrc: (img) => (img.data ? `${prefix}images/${encodeURIComponent(index.keyOf(img))}` : ""),
      eventsUrl: live ? `${prefix}events${generation === undefined ? "" : `?g=${generation}`}` : undefined,
      updatesUrl: live ? `${prefix}updates` : undefined,
      partsUrl: renderer.renderTurnParts ? `${prefix}parts` : undefined,
      searchUrl: renderer.renderTurnParts ? `${prefix}search` : undefined,
      generation,
      downloadUrl: opts.download === false ? undefined : `${prefix}download`,
      downloadLabel: opts.downloadLabel,
    };
  };

  // ---- live updates: event streams and the polling fallback ---------------------------------
  const feed = new LiveFeed(held, (s, i) => renderer.renderTurnHtml(s.turns[i]!, s, renderOptions()), { heartbeatMs: timing.heartbeatMs });

  const events = (req: Request, server: Server<undefined>): Response => {
    server.timeout(req, 0); // a quiet stream is not an idle connection
    // Where the page that connects stands: the generation of the last meta event id (`g:n`), or the
    // g query the page was rendered with. When it is behind, it is caught up.
    const url = new URL(req.url);
    const lastId = req.headers.get("last-event-id") ?? "";
    const q = url.searchParams.get("g");
    const g = /^\d+:\d+$/.test(lastId) ? Number(lastId.split(":")[0]) : q !== null && /^\d+$/.test(q) ? Number(q) : undefined;
    return new Response(feed.open(g, req.signal), {
      headers: headers({
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": NO_STORE,
        "X-Accel-Buffering": "no",
      }),
    });
  };

  const updates = async (req: Request): Promise<Response> => {
    const q = new URL(req.url).searchParams;
    const int = (name: string): number | undefined => {
      const v = q.get(name);
      return v !== null && /^-?\d{1,15}$/.test(v) ? Number(v) : undefined;
    };
    const g = int("g");
    if (g === undefined) return new Response(JSON.stringify({ error: "g (a generation) is required" }), { status: 400, headers: headers({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE }) });
    const answer = await feed.poll(g, int("after") ?? -1, int("at"));
    return new Response(JSON.stringify(answer), { headers: headers({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE }) });
  };

  // ---- routes -------------------------------------------------------------------------------
  // ---- parts left out of the page, and find over the whole session ---------------------------
  const json = (data: unknown, status = 200): Response =>
    new Response(JSON.stringify(data), { status, headers: headers({ "Content-Type": "application/json; charset=utf-8", "Cache-Control": NO_STORE }) });
  // The last few turns whose parts were asked for (opening one part of a turn is often followed by another).
  const partsCache = new Map<number, string[]>();
  let partsFor: Session | undefined;
  const turnParts = (s: Session, i: number): string[] => {
    if (partsFor !== s) {
      partsCache.clear();
      partsFor = s;
    }
    let got = partsCache.get(i);
    if (!got) {
      got = renderer.renderTurnParts!(s.turns[i]!, s, renderOptions());
      if (partsCache.size >= 8) partsCache.delete(partsCache.keys().next().value!);
      partsCache.set(i, got);
    }
    return got;
  };

  /** `parts?g=G&p=T.K,T.K`: {parts: {"T.K": html}, turns: {T: html}} (a turn changed since G comes whole). */
  const parts = (req: Request): Response => {
    if (!renderer.renderTurnParts) return notFound();
    const q = new URL(req.url).searchParams;
    const g = Number(q.get("g"));
    const ids = (q.get("p") ?? "").split(",").filter((x) => /^\d{1,9}\.\d{1,9}$/.test(x)).slice(0, 200);
    if (!ids.length || !Number.isInteger(g)) return json({ error: "p (parts T.K, comma-separated) and g are required" }, 400);
    const s = held.session;
    const changes = held.changesSince(g);
    const stale = (t: number) => changes === "reset" || changes.includes(t);
    const out: { parts: Record<string, string>; turns: Record<string, string> } = { parts: {}, turns: {} };
    for (const id of ids) {
      const [t, k] = id.split(".").map(Number) as [number, number];
      if (!s.turns[t]) continue;
      if (stale(t)) {
        out.turns[t] ??= renderer.renderTurnHtml(s.turns[t], s, renderOptions());
        continue;
      }
      const html = turnParts(s, t)[k];
      if (html !== undefined) out.parts[id] = html;
    }
    return json(out);
  };

  /** `search?q=`: {turns: [indexes], capped} of the turns that hold the text. */
  const search = (req: Request): Response => {
    const q = new URL(req.url).searchParams.get("q") ?? "";
    if (!q || q.length > 500) return json({ error: "q (1-500 characters) is required" }, 400);
    return json(searchTurns(held.session, q));
  };

  // The page is rendered once per session change and shared (see rendered.ts): visitors arriving
  // together wait for one render, later visitors of the same state are sent its bytes.
  let rendered: RenderedPage | undefined;
  const page = async (): Promise<Response> => {
    try {
      opts.onPageView?.();
    } catch {
      // counting must not break the page
    }
    if (live) await held.refresh(); // a stat; re-parses only when the file changed since the last parse
    const s = held.session;
    if (!rendered || rendered.session !== s || rendered.failed) {
      try {
        rendered = new RenderedPage(s, renderer.renderPage(s, renderOptions(held.generation)));
      } catch (e) {
        log.error("viewer: rendering the page failed", e);
        return new Response("Internal Server Error", { status: 500, headers: headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": NO_STORE }) });
      }
    }
    return new Response(rendered.stream(), { headers: headers({ "Content-Type": "text/html; charset=utf-8", "Cache-Control": NO_STORE }) });
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
    if (!(await Bun.file(path).exists())) return notFound(); // the file went away while being viewed
    const body = downloadStream(path, opts.rawLine ? (line) => opts.rawLine!(line) : undefined);
    return new Response(body, {
      headers: headers({
        "Content-Type": "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${downloadName(path)}"`,
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
    if (rest === "download") return opts.download === false ? notFound() : download();
    if (rest === "events") return live ? events(req, server) : notFound();
    if (rest === "updates") return live ? updates(req) : notFound();
    if (rest === "parts") return parts(req);
    if (rest === "search") return search(req);
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
    if (!shared) held.stop();
    throw e;
  }
  const port = server.port!;
  const url = `http://${displayHost(hostname)}:${port}${prefix}`;
  log.debug(`viewer: serving ${path} at ${url}`);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    session: () => held.session,
    clients: () => feed.size,
    stop() {
      stopped ??= (async () => {
        feed.close();
        if (!shared) held.stop();
        // Let the closed streams flush their last event (pages then show "ended"), then force.
        await Promise.race([server.stop(false), Bun.sleep(500)]);
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
