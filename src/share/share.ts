/**
 * A share: the session served by its own viewer under an unguessable path, redacted, and published
 * through a tunnel. `startShare` builds the pair; `stop()` takes both down. `panko share --foreground`
 * runs one until Ctrl+C; the daemon (later) will supervise many through the same function.
 *
 * The public URL is `<tunnel origin>/<token>/`, where the token is 128 random bits (base64url);
 * the viewer answers 404 for every path outside it.
 */
import { randomUUID } from "node:crypto";
import type { Config } from "../config.ts";
import { parseSession } from "../sessions/parse.ts";
import { downloadLine } from "../privacy/download.ts";
import { redactSessionAsync, type RedactOptions, type RedactionCounts } from "../privacy/redact.ts";
import type { Env, Lease, ProviderName, Tunnel, TunnelProvider } from "../tunnels/provider.ts";
import { startViewer, type Viewer } from "../viewer/server.ts";

export interface ShareOptions {
  /** The session file. */
  path: string;
  provider: TunnelProvider;
  config: Config;
  /** Hide secrets (default true). */
  redact?: boolean;
  /** `--redact-pattern` patterns, already parsed (added to `redactOptions.extraPatterns`). */
  extraPatterns?: RegExp[];
  /** The pass's options (patterns, keep), from `redactOptionsFromConfig`. */
  redactOptions?: RedactOptions;
  /**
   * Offer the session's records as a download (`--allow-download`; default false). The page shows
   * less than the records hold (IDE context, reminders, instructions); a share offers them only
   * when asked, redacted (see privacy/download.ts).
   */
  allowDownload?: boolean;
  /** Lifetime in ms; undefined = no expiry. */
  ttlMs?: number;
  env?: Env;
  signal?: AbortSignal;
  now?: () => number;
  /** Called once the session is parsed and redacted, before the tunnel starts. */
  onPrepared?(info: { redactions: RedactionCounts; localUrl: string }): void;
  /** Every line the tunnel prints (for logs). */
  onTunnelOutput?(line: string, stream: "stdout" | "stderr"): void;
  /** Tunnel start timeout (default: the provider's, 30 s). */
  timeoutMs?: number;
  /** Let the tunnel outlive this process while the lease file is renewed (the daemon). */
  lease?: Lease;
}

export interface Share {
  id: string;
  token: string;
  publicUrl: string;
  localUrl: string;
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
  const redact = opts.redact ?? true;
  const base = opts.redactOptions ?? {};
  const redactOptions: RedactOptions = { ...base, extraPatterns: [...(base.extraPatterns ?? []), ...(opts.extraPatterns ?? [])] };
  const now = opts.now ?? Date.now;
  const token = newShareToken();
  let firstCounts: RedactionCounts | undefined;

  const viewer = await startViewer({
    path: opts.path,
    token,
    host: "127.0.0.1",
    port: 0,
    async load() {
      const session = await parseSession(opts.path);
      if (!redact) return session;
      const result = await redactSessionAsync(session, redactOptions);
      firstCounts ??= result.counts;
      return result.session;
    },
    download: opts.allowDownload === true,
    downloadLabel: redact
      ? "Download the session's records (JSONL): secrets hidden, whole files before edits left out; holds IDE context, reminders and instructions this page does not show"
      : "Download the session's records (JSONL), as they are: secrets NOT hidden",
    rawLine: redact ? (line) => downloadLine(line, redactOptions) : undefined,
  });

  const redactions = firstCounts ?? {};
  opts.onPrepared?.({ redactions, localUrl: viewer.url });

  let tunnel: Tunnel;
  try {
    tunnel = await opts.provider.start(viewer.url, {
      config: opts.config,
      env: opts.env,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      onOutput: opts.onTunnelOutput,
      lease: opts.lease,
    });
  } catch (e) {
    await viewer.stop();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  return {
    id: randomUUID(),
    token,
    publicUrl: `${tunnel.publicUrl}/${token}/`,
    localUrl: viewer.url,
    provider: opts.provider.name,
    expiresAt: opts.ttlMs === undefined ? null : new Date(now() + opts.ttlMs).toISOString(),
    redactions,
    viewer,
    tunnel,
    stop() {
      stopping ??= (async () => {
        await tunnel.stop().catch(() => {});
        await viewer.stop().catch(() => {});
      })();
      return stopping;
    },
  };
}
