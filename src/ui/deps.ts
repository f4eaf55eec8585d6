/**
 * What the interactive flow needs from the rest of panko, as one interface. The flow only talks to
 * these; `real-deps.ts` wires the real implementations (session index, daemon client, privacy,
 * viewer, exporter, clipboard, opener, file system, clock), tests pass fakes.
 */
import type { Config } from "../config.ts";
import type { Session, SessionSummary } from "../sessions/model.ts";
import type { SortKey } from "../config.ts";
import type { ProviderName } from "../tunnels/provider.ts";

export type { ProviderName };

/** A share as the flow shows it (the daemon's ShareInfo, adapted). */
export interface ShareEntry {
  id: string;
  sessionPath: string;
  sessionName: string;
  provider: string;
  /** Null while the tunnel has no URL yet. */
  publicUrl: string | null;
  status: string;
  /** ISO time. */
  startedAt: string;
  /** ISO time, or null for no expiry. */
  expiresAt: string | null;
  views: number;
  lastError?: string | null;
  /** Provider caveats (ngrok's interstitial page, a new funnel name's DNS delay, ...). */
  notes?: string[];
  redactions?: Record<string, number>;
}

export interface ShareRequest {
  sessionPath: string;
  provider: ProviderName;
  /** The provider's executable as the flow found it: the daemon runs this one (its own PATH may be older). */
  executable?: string;
  /** Lifetime in ms; undefined = no expiry. */
  ttlMs?: number;
  /** Hide secrets (config redact); the daemon adds the config's redact_patterns / redact_keep itself. */
  redact: boolean;
}

/** A connection to the daemon (auto-started by `DaemonPort.connect`). */
export interface SharesPort {
  list(): Promise<ShareEntry[]>;
  start(req: ShareRequest): Promise<ShareEntry>;
  stop(id: string): Promise<ShareEntry>;
  close(): void;
}

export interface DaemonPort {
  /**
   * Is a daemon running, and how many shares are active? Never starts one. `hasState`: a daemon
   * ran here before (its shares come back when one starts again).
   */
  status(): Promise<{ running: boolean; activeShares?: number; hasState?: boolean; shares?: ShareEntry[] }>;
  /** Connects, starting the daemon when none runs; throws a PankoError when it cannot be reached. */
  connect(): Promise<SharesPort>;
}

export interface ProviderChoice {
  name: ProviderName;
  displayName: string;
  available: boolean;
  /** Why it is not available, when it is not. */
  problem: string | null;
  /** Its executable as this process finds it (PATH, config), absolute; null when not found. */
  path: string | null;
}

/** One item the privacy pass would hide. */
export interface RedactionItem {
  kind: string;
  /** Where it sits, in words ("turn 3, tool result"). */
  where: string;
  /** A masked preview (`ghp_…k3`). */
  preview: string;
}

export interface RedactionPreview {
  total: number;
  counts: Record<string, number>;
  items: RedactionItem[];
}

export type ExportFormat = "html" | "md" | "json";

export type CopyOutcome = { copied: true; via: string } | { copied: false; reason: string };
export type OpenOutcome = { opened: true } | { opened: false; reason: string };

/** A foreground viewer (`panko view`): serves until `signal` aborts. */
export interface ViewerPort {
  /** Resolves when the viewer has stopped (the signal aborted, or it failed). */
  run(path: string, signal: AbortSignal): Promise<void>;
}

export interface FlowDeps {
  version: string;
  env: Record<string, string | undefined>;
  cwd: string;
  /** The clock (ms since the epoch). */
  now(): number;
  config: {
    load(): Config;
    /** Sets (value !== undefined) or removes one key, as `panko config set|unset` does. */
    set(key: keyof Config, value: unknown): void;
    /** Parses a value typed by the user for a key; throws a PankoError that says what is valid. */
    parse(key: keyof Config, value: string): unknown;
  };
  sessions: {
    list(sort: SortKey): SessionSummary[];
    /** Parses the whole session (for the preview's tokens, exports, the redaction preview). */
    load(path: string): Promise<Session>;
  };
  daemon: DaemonPort;
  tunnels: {
    providers(config: Config): Promise<ProviderChoice[]>;
    /** Installs cloudflared; resolves to where it went. */
    installCloudflared(): Promise<string>;
  };
  privacy: {
    /** What sharing or exporting would hide, per the config's redaction settings. */
    preview(session: Session, config: Config): RedactionPreview;
    /** The session as it is shared or exported: redacted unless the config says not to. */
    apply(session: Session, config: Config): { session: Session; counts: Record<string, number> };
  };
  viewer: ViewerPort;
  exporter: {
    /** Writes the session in `format` to `file` atomically; resolves to its size in bytes. */
    write(session: Session, format: ExportFormat, file: string): Promise<number>;
    /** The Markdown transcript ("copy as context"). */
    markdown(session: Session): string;
  };
  clipboard: { copy(text: string): Promise<CopyOutcome> };
  opener: {
    url(url: string): Promise<OpenOutcome>;
    folder(path: string): Promise<OpenOutcome>;
  };
  fs: {
    exists(path: string): boolean;
    /** The user's Downloads folder (XDG_DOWNLOAD_DIR honoured). */
    downloadsDir(): string;
    copyFile(from: string, to: string): void;
    /** Removes a session file and its sub-agent folder (`<id>/` beside it). */
    removeSession(path: string): void;
  };
  /** The QR code of a URL, drawn for a terminal. */
  qr(url: string): string;
  /**
   * Calls `handler` on the next interrupt (Ctrl+C outside a prompt, i.e. SIGINT) instead of
   * ending panko; returns a function that removes it.
   */
  onInterrupt(handler: () => void): () => void;
}
