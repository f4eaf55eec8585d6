/**
 * A share: the session served by its own viewer under an unguessable path, redacted, and published
 * through a tunnel. `startShare` builds the pair; `stop()` takes both down. `panko share --foreground`
 * runs one until Ctrl+C; the daemon's supervisor starts each of its shares through the same function
 * (with its own token, port, shared source and tunnel starter) and then supervises the tunnel.
 *
 * The public URL is `<tunnel origin>/<token>/`, where the token is 128 random bits (base64url);
 * the viewer answers 404 for every path outside it. The tunnel starts while the session is parsed
 * and redacted (its local port is chosen first), not after.
 */
import type { Config } from "../config.ts";
import { PankoError } from "../errors.ts";
import { parseSession } from "../sessions/parse.ts";
import type { Session } from "../sessions/model.ts";
import { downloadLine } from "../privacy/download.ts";
import { redactSessionAsync, type RedactOptions, type RedactionCounts } from "../privacy/redact.ts";
import type { Env, Lease, ProviderName, Tunnel, TunnelProvider } from "../tunnels/provider.ts";
import { pickFreePort } from "../tunnels/url.ts";
import type { LiveSession } from "../viewer/live.ts";
import { startViewer, type Viewer } from "../viewer/server.ts";

/** Where a share's session comes from: parsed and redacted on each load. */
export interface ShareSource {
  load(): Promise<{ session: Session; counts: RedactionCounts }>;
  /** Transform of each raw JSONL line for /download. */
  rawLine?(line: string): string;
  /**
   * The session held and kept current for several viewers at once (the daemon's shares of one file
   * with the same redaction): the viewer subscribes to it instead of holding its own copy.
   */
  live?(): Promise<LiveSession>;
}

/** A source that parses `path` and, when `redact`, hides secrets (redaction in slices, off the event loop's back). */
export function shareSource(path: string, opts: { redact: boolean; options?: RedactOptions }): ShareSource {
  const options = opts.options ?? {};
  return {
    async load() {
      const session = await parseSession(path);
      if (!opts.redact) return { session, counts: {} };
      const result = await redactSessionAsync(session, options);
      return { session: result.session, counts: result.counts };
    },
    rawLine: opts.redact ? (line) => downloadLine(line, options) : undefined,
  };
}

export interface ShareOptions {
  /** The session file. */
  path: string;
  provider: TunnelProvider;
  config: Config;
  /** Hide secrets (default true). Ignored when `source` is given. */
  redact?: boolean;
  /** The pass's options (patterns, keep), from `redactOptionsFromConfig`. Ignored when `source` is given. */
  redactOptions?: RedactOptions;
  /** Where the session comes from (default: shareSource(path, {redact, options: redactOptions})). */
  source?: ShareSource;
  /**
   * Offer the session's records as a download (`--allow-download`; default false). The page shows
   * less than the records hold (IDE context, reminders, instructions); a share offers them only
   * when asked, redacted (see privacy/download.ts).
   */
  allowDownload?: boolean;
  /** Lifetime in ms; undefined = no expiry. */
  ttlMs?: number;
  /** The URL's token (default: a new one). */
  token?: string;
  /** The viewer's local port, exactly (default: a free one). */
  port?: number;
  /** Starts (or adopts) the tunnel for the viewer's origin (default: provider.start). */
  startTunnel?(localUrl: string, signal?: AbortSignal): Promise<Tunnel>;
  /** Tunnels outlive this process while the lease is renewed (the daemon's). */
  lease?: Lease;
  onPageView?(): void;
  env?: Env;
  signal?: AbortSignal;
  now?: () => number;
  /** Called once the session is parsed and redacted. */
  onPrepared?(info: { redactions: RedactionCounts; localUrl: string }): void;
  /** Every line the tunnel prints (for logs). */
  onTunnelOutput?(line: string, stream: "stdout" | "stderr"): void;
  /** Tunnel start timeout (default: the provider's, 30 s). */
  timeoutMs?: number;
}

export interface Share {
  token: string;
  publicUrl: string;
  localUrl: string;
  port: number;
  provider: ProviderName;
  /** ISO time, or null for no expiry. */
  expiresAt: string | null;
  /** Secrets hidden, by kind (from the first load). */
  redactions: RedactionCounts;
  viewer: Viewer;
  tunnel: Tunnel;
  /** Stops the tunnel, then the viewer. Idempotent. */
  stop(): Promise<void>;
}

/** 128 random bits, URL-safe. */
export function newShareToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Buffer.from(bytes).toString("base64url");
}


export async function startShare(opts: ShareOptions): Promise<Share> {
  const now = opts.now ?? Date.now;
  const token = opts.token ?? newShareToken();
  const source = opts.source ?? shareSource(opts.path, { redact: opts.redact ?? true, options: opts.redactOptions });
  const port = opts.port ?? pickFreePort();
  const origin = `http://127.0.0.1:${port}`;
  let firstCounts: RedactionCounts | undefined;

  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  opts.signal?.addEventListener("abort", onOuterAbort, { once: true });

  const startTunnel =
    opts.startTunnel ??
    ((localUrl: string, signal?: AbortSignal) =>
      opts.provider.start(localUrl, {
        config: opts.config,
        env: opts.env,
        signal,
        timeoutMs: opts.timeoutMs,
        onOutput: opts.onTunnelOutput,
        lease: opts.lease,
      }));

  const held = source.live?.();
  const viewerP = (held ?? Promise.resolve(undefined)).then(async (live) => {
    if (live) firstCounts = (await source.load()).counts; // the held copy's: no parse of its own
    return startViewer({
      source: live,
      path: opts.path,
      token,
      host: "127.0.0.1",
      port,
      portRange: 0,
      onPageView: opts.onPageView,
      async load() {
        const { session, counts } = await source.load();
        firstCounts ??= counts;
        return session;
      },
      download: opts.allowDownload === true,
      downloadLabel: source.rawLine
        ? "Download the session's records (JSONL): secrets hidden, whole files before edits left out; holds IDE context, reminders and instructions this page does not show"
        : "Download the session's records (JSONL), as they are: secrets NOT hidden",
      rawLine: source.rawLine ? (line) => source.rawLine!(line) : undefined,
    });
  }).then((viewer) => {
    opts.onPrepared?.({ redactions: firstCounts ?? {}, localUrl: viewer.url });
    return viewer;
  });
  const tunnelP = startTunnel(origin, abort.signal);

  let viewer: Viewer | undefined;
  let tunnel: Tunnel | undefined;
  try {
    // Whichever fails first stops the other.
    viewerP.catch(() => abort.abort());
    [viewer, tunnel] = await Promise.all([viewerP, tunnelP]);
  } catch (e) {
    abort.abort();
    const [v, t] = await Promise.allSettled([viewerP, tunnelP]);
    if (v.status === "fulfilled") await v.value.stop().catch(() => {});
    if (t.status === "fulfilled") await t.value.stop().catch(() => {});
    const viewerError = v.status === "rejected" ? v.reason : undefined;
    throw viewerError ?? e;
  } finally {
    opts.signal?.removeEventListener("abort", onOuterAbort);
  }
  if (!viewer || !tunnel) throw new PankoError("internal", "share start lost its viewer or tunnel");

  const v = viewer;
  const t = tunnel;
  let stopping: Promise<void> | undefined;
  return {
    token,
    publicUrl: `${t.publicUrl}/${token}/`,
    localUrl: v.url,
    port: v.port,
    provider: opts.provider.name,
    expiresAt: opts.ttlMs === undefined ? null : new Date(now() + opts.ttlMs).toISOString(),
    redactions: firstCounts ?? {},
    viewer: v,
    tunnel: t,
    stop() {
      stopping ??= (async () => {
        await t.stop().catch(() => {});
        await v.stop().catch(() => {});
      })();
      return stopping;
    },
  };
}
