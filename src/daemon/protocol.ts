/**
 * The daemon's wire protocol: one JSON object per line over a Unix socket, checked with zod both
 * ways. Requests `{"id"?, "method", "params"?}`; answers `{"id"?, "status", "data"}`. `id` is an
 * optional echo so several requests can share a connection (answers come back in order anyway).
 *
 *   Ping                          -> Pong {version, protocol, pid, uptime}
 *   StartShare StartShareParams   -> ShareStarted ShareInfo   (a start that fails leaves no share behind)
 *   StopShare {share_id}          -> ShareStopped ShareInfo   (share_id: an id or a prefix, hyphens optional:
 *                                                             share-ids.ts; a share in error becomes stopped)
 *   ListShares                    -> ShareList ShareInfo[]
 *   Shutdown {stopShares?}        -> ShuttingDown {}
 *   any failure                   -> Error {message, code, details?}
 */
import { z } from "zod";

/** Bumped when a message changes shape; a client that sees another one restarts the daemon. */
export const PROTOCOL_VERSION = 1;

/** The longest line either side accepts (a longer one closes the connection). */
export const MAX_LINE_BYTES = 1024 * 1024;

export const ShareStatus = z.enum(["starting", "active", "restarting", "error", "stopped", "expired"]);
export type ShareStatus = z.infer<typeof ShareStatus>;

export const ProviderName = z.enum(["cloudflare", "ngrok", "tailscale"]);

/**
 * How a share hides secrets: on/off, extra patterns (regex sources) and patterns to keep. In a
 * request these come on top of the config's `redact_patterns` / `redact_keep`, which always apply.
 */
export const RedactionSettings = z.object({
  redact: z.boolean().default(true),
  patterns: z.array(z.string().max(4096)).max(200).default([]),
  keep: z.array(z.string().max(4096)).max(200).default([]),
});
export type RedactionSettings = z.infer<typeof RedactionSettings>;

export const StartShareParams = z.object({
  /** Absolute path of the session file (the daemon's working directory is not the caller's). */
  sessionPath: z.string().min(1).max(4096).refine((p) => p.startsWith("/"), "must be an absolute path"),
  /**
   * Tunnel provider. Clients choose it themselves (--tunnel, else config default_provider, else the
   * first provider available with the CLIENT's PATH and config) and send it with `executable`;
   * without it the daemon chooses the same way with its own environment (older clients).
   */
  provider: ProviderName.optional(),
  /**
   * Absolute path of the provider's executable as the client located it (its PATH, its config): the
   * daemon runs this one, and keeps it with the share for every restart and restore. Without it the
   * daemon locates the executable itself (its own PATH: that of the command that started it).
   */
  executable: z.string().min(1).max(4096).refine((p) => p.startsWith("/"), "must be an absolute path").optional(),
  /** Lifetime in ms; omitted = config share_ttl; null = no expiry. */
  ttlMs: z.number().int().positive().max(10 * 365 * 86_400_000).nullable().optional(),
  redaction: RedactionSettings.optional(),
  /** Offer the session's records (redacted) as a download (`--allow-download`). */
  allowDownload: z.boolean().optional(),
}).refine((p) => p.executable === undefined || p.provider !== undefined, { message: "executable needs provider", path: ["executable"] });
export type StartShareParams = z.input<typeof StartShareParams>;

export const ShareInfo = z.object({
  id: z.string(),
  sessionPath: z.string(),
  sessionName: z.string(),
  provider: ProviderName,
  /** The full public URL (origin + token path), or null while none is known. */
  publicUrl: z.string().nullable(),
  localUrl: z.string().nullable(),
  status: ShareStatus,
  /** ISO times. */
  startedAt: z.string(),
  expiresAt: z.string().nullable(),
  views: z.number().int().nonnegative(),
  lastViewedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  restarts: z.number().int().nonnegative(),
  /** Secrets hidden, by kind. */
  redactions: z.record(z.string(), z.number()),
  redact: z.boolean(),
  allowDownload: z.boolean(),
  /** Things the user should know (e.g. "the session file is gone", ngrok's interstitial page). */
  notes: z.array(z.string()),
});
export type ShareInfo = z.infer<typeof ShareInfo>;

export const Pong = z.object({
  version: z.string(),
  protocol: z.number().int(),
  pid: z.number().int(),
  /** ms since the daemon started. */
  uptime: z.number(),
});
export type Pong = z.infer<typeof Pong>;

const id = z.union([z.string().max(200), z.number()]).optional();

export const Request = z.discriminatedUnion("method", [
  z.object({ id, method: z.literal("Ping"), params: z.object({}).optional() }),
  z.object({ id, method: z.literal("StartShare"), params: StartShareParams }),
  z.object({ id, method: z.literal("StopShare"), params: z.object({ share_id: z.string().min(1).max(200) }) }),
  z.object({ id, method: z.literal("ListShares"), params: z.object({}).optional() }),
  z.object({ id, method: z.literal("Shutdown"), params: z.object({ stopShares: z.boolean().optional() }).optional() }),
]);
export type Request = z.infer<typeof Request>;
export type Method = Request["method"];

export const ErrorData = z.object({ message: z.string(), code: z.string(), details: z.array(z.string()).optional() });
export type ErrorData = z.infer<typeof ErrorData>;

export const Response = z.discriminatedUnion("status", [
  z.object({ id, status: z.literal("Pong"), data: Pong }),
  z.object({ id, status: z.literal("ShareStarted"), data: ShareInfo }),
  z.object({ id, status: z.literal("ShareStopped"), data: ShareInfo }),
  z.object({ id, status: z.literal("ShareList"), data: z.array(ShareInfo) }),
  z.object({ id, status: z.literal("ShuttingDown"), data: z.object({}) }),
  z.object({ id, status: z.literal("Error"), data: ErrorData }),
]);
export type Response = z.infer<typeof Response>;

/** Which answer each method expects on success. */
export const ANSWER = {
  Ping: "Pong",
  StartShare: "ShareStarted",
  StopShare: "ShareStopped",
  ListShares: "ShareList",
  Shutdown: "ShuttingDown",
} as const satisfies Record<Method, Response["status"]>;

/** A zod failure in a few words: the first issue's path and message. */
export function describeZodError(e: z.ZodError): string {
  const issue = e.issues[0];
  if (!issue) return "invalid message";
  const path = issue.path.length ? issue.path.join(".") : "message";
  return `${path}: ${issue.message}`;
}
