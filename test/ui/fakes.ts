/** FlowDeps made of fakes that record what the flow asked of them. */
import { DEFAULTS, parseValue, type Config } from "../../src/config.ts";
import { PankoError } from "../../src/errors.ts";
import type { Session, SessionSummary } from "../../src/sessions/model.ts";
import type { FlowDeps, ProviderChoice, ShareEntry, ShareRequest } from "../../src/ui/deps.ts";

export const NOW = Date.parse("2026-06-01T12:00:00Z");

export function summary(over: Partial<SessionSummary> & { id: string; title: string }): SessionSummary {
  return {
    source: "claude",
    path: `/sessions/proj/${over.id}.jsonl`,
    project: "/home/dev/proj",
    prompts: 3,
    assistantMessages: 5,
    tools: { Bash: 4, Read: 2 },
    models: ["claude-opus-4"],
    size: 2048,
    mtimeMs: NOW - 3_600_000,
    createdAt: new Date(NOW - 7_200_000).toISOString(),
    updatedAt: new Date(NOW - 3_600_000).toISOString(),
    ...over,
  };
}

export function session(s: SessionSummary): Session {
  return {
    id: s.id,
    source: s.source,
    path: s.path,
    title: s.title,
    project: s.project,
    models: s.models,
    usage: { "claude-opus-4": { inputTokens: 1200, outputTokens: 3400, cacheReadTokens: 50_000, cacheCreationTokens: 0 } },
    turns: [],
    stats: { lines: 1, malformedLines: 0, malformed: [], unknownRecords: 0 },
  };
}

export interface Recorder {
  calls: string[];
  config: Config;
  shares: ShareEntry[];
  started: ShareRequest[];
  copied: string[];
  opened: string[];
  written: { format: string; file: string }[];
  removed: string[];
  files: Set<string>;
  /** Fires the flow's current interrupt handler (Ctrl+C while viewing). */
  interrupt(): void;
}

export interface FakeOptions {
  sessions?: SessionSummary[];
  providers?: ProviderChoice[];
  daemonRunning?: boolean;
  /** A daemon ran here before (its state db exists). */
  daemonState?: boolean;
  /** connect() fails this many times before it works (Infinity: always). */
  connectFailures?: number;
  startError?: Error;
  /** start() never answers (for cancel tests). */
  startHangs?: boolean;
  /** start() answers once this resolves. */
  startGate?: Promise<void>;
  clipboardFails?: boolean;
}

export const CLOUDFLARE: ProviderChoice = { name: "cloudflare", displayName: "Cloudflare quick tunnel", available: true, problem: null, path: "/opt/fake/cloudflared" };
export const NGROK: ProviderChoice = { name: "ngrok", displayName: "ngrok", available: false, problem: "ngrok not found", path: null };

export function fakeDeps(opts: FakeOptions = {}): { deps: FlowDeps; rec: Recorder } {
  let sessions = opts.sessions ?? [];
  let providers = opts.providers ?? [CLOUDFLARE, NGROK];
  let failures = opts.connectFailures ?? 0;
  let running = opts.daemonRunning ?? false;
  let handlers: (() => void)[] = [];
  const rec: Recorder = {
    calls: [],
    config: { ...DEFAULTS },
    shares: [],
    started: [],
    copied: [],
    opened: [],
    written: [],
    removed: [],
    files: new Set(sessions.map((s) => s.path)),
    interrupt: () => handlers[handlers.length - 1]?.(),
  };
  const deps: FlowDeps = {
    version: "9.9.9",
    env: { HOME: "/home/dev" },
    cwd: "/work/here",
    now: () => NOW,
    config: {
      load: () => ({ ...rec.config }),
      set: (key, value) => {
        rec.calls.push(`config.set ${key}=${value === undefined ? "(unset)" : String(value)}`);
        if (value === undefined) (rec.config as unknown as Record<string, unknown>)[key] = (DEFAULTS as unknown as Record<string, unknown>)[key];
        else (rec.config as unknown as Record<string, unknown>)[key] = value;
      },
      parse: (key, value) => parseValue(key, value),
    },
    sessions: {
      list: (sort) => {
        rec.calls.push(`list ${sort}`);
        return sessions.filter((s) => rec.files.has(s.path));
      },
      load: async (path) => {
        const s = sessions.find((x) => x.path === path);
        if (!s) throw new PankoError("not-found", `no such session ${path}`);
        return session(s);
      },
    },
    daemon: {
      status: async () => ({
        running,
        activeShares: running ? rec.shares.filter((s) => s.status === "active").length : undefined,
        hasState: running || (opts.daemonState ?? false),
        shares: running ? rec.shares.map((s) => ({ ...s })) : undefined,
      }),
      connect: async () => {
        rec.calls.push("connect");
        if (failures > 0) {
          failures--;
          throw new PankoError("daemon", "the daemon did not answer within 5 s");
        }
        running = true;
        return {
          list: async () => rec.shares.map((s) => ({ ...s })),
          start: async (req) => {
            rec.started.push(req);
            if (opts.startHangs) return new Promise<ShareEntry>(() => {});
            if (opts.startError) throw opts.startError;
            await opts.startGate;
            const s: ShareEntry = {
              id: `share-${rec.started.length}`,
              sessionPath: req.sessionPath,
              sessionName: sessions.find((x) => x.path === req.sessionPath)?.title ?? "?",
              provider: req.provider,
              publicUrl: `https://fake-${rec.started.length}.trycloudflare.com/tok${rec.started.length}/`,
              status: "active",
              startedAt: new Date(NOW - 60_000).toISOString(),
              expiresAt: req.ttlMs ? new Date(NOW + req.ttlMs).toISOString() : null,
              views: 0,
              notes: req.provider === "ngrok" ? ["ngrok's free domains show visitors a warning page first."] : [],
            };
            rec.shares.push(s);
            return s;
          },
          stop: async (id) => {
            const s = rec.shares.find((x) => x.id === id);
            if (!s) throw new PankoError("not-found", `no share ${id}`);
            s.status = "stopped";
            rec.calls.push(`stop ${id}`);
            return { ...s };
          },
          close: () => rec.calls.push("close"),
        };
      },
    },
    tunnels: {
      providers: async () => providers,
      installCloudflared: async () => {
        rec.calls.push("install cloudflared");
        providers = [CLOUDFLARE, ...providers.filter((p) => p.name !== "cloudflare")];
        return "/data/panko/bin/cloudflared";
      },
    },
    privacy: {
      preview: () => ({
        total: 2,
        counts: { "github-token": 1, "aws-secret": 1 },
        items: [
          { kind: "github-token", where: "turn 2, tool result", preview: "ghp_…k3" },
          { kind: "aws-secret", where: "turn 4, prompt", preview: "wJal…EY" },
        ],
      }),
      apply: (s, config) => ({ session: s, counts: config.redact ? { "github-token": 1 } : ({} as Record<string, number>) }),
    },
    viewer: {
      run: (path, signal) =>
        new Promise<void>((resolve) => {
          rec.calls.push(`view ${path}`);
          signal.addEventListener("abort", () => {
            rec.calls.push("view stopped");
            resolve();
          });
        }),
    },
    exporter: {
      write: async (_s, format, file) => {
        rec.written.push({ format, file });
        rec.files.add(file);
        return 12_345;
      },
      markdown: (s) => `# ${s.title}\n\n${"word ".repeat(400)}`,
    },
    clipboard: {
      copy: async (text) => {
        if (opts.clipboardFails) return { copied: false, reason: "no clipboard here" };
        rec.copied.push(text);
        return { copied: true, via: "fake" };
      },
    },
    opener: {
      url: async (url) => (rec.opened.push(url), { opened: true }),
      folder: async (path) => (rec.opened.push(path), { opened: true }),
    },
    fs: {
      exists: (p) => rec.files.has(p),
      downloadsDir: () => "/home/dev/Downloads",
      copyFile: (from, to) => {
        rec.calls.push(`copy ${from} -> ${to}`);
        rec.files.add(to);
      },
      removeSession: (p) => {
        rec.removed.push(p);
        rec.files.delete(p);
      },
    },
    qr: (url) => `[QR ${url}]`,
    onInterrupt: (h) => {
      handlers.push(h);
      return () => (handlers = handlers.filter((x) => x !== h));
    },
  };
  return { deps, rec };
}
