/**
 * `panko share SESSION`: publish a session at a public URL through a tunnel, secrets hidden.
 * By default the share runs in the background daemon (started when needed) and the command returns
 * once the share is ready; `--foreground` runs it in this process until Ctrl+C, the share's time
 * is up, or the tunnel dies.
 */
import { basename } from "node:path";
import { renderUnicodeCompact } from "uqr";
import { v7 as uuidv7 } from "uuid";
import { formatDuration, parseDuration, type Config } from "../config.ts";
import { PankoError, usageError } from "../errors.ts";
import { log } from "../log.ts";
import { copyToClipboard } from "../platform/clipboard.ts";
import { findRedactions } from "../privacy/preview.ts";
import type { RedactOptions } from "../privacy/redact.ts";
import { formatRedactionSummary } from "../privacy/redact.ts";
import { parseSession } from "../sessions/parse.ts";
import { resolveSessionPath } from "../sessions/resolve.ts";
import { terminalSafe } from "../terminal-text.ts";
import { startShare } from "../share/share.ts";
import { pickProvider, pickTunnel } from "../tunnels/registry.ts";
import { connectDaemon } from "../daemon/client.ts";
import type { ShareInfo } from "../daemon/protocol.ts";
import { defineCommand } from "./command.ts";
import { shortShareIds } from "../daemon/share-ids.ts";
import { listedShares } from "./shares.ts";
import type { Io } from "./io.ts";
import { commandConfig } from "./settings.ts";
import { printRedactionReport } from "./redact.ts";
import { REDACT_OPTIONS, redactSettings } from "./redact-flags.ts";

const DOWNLOAD_NOTE = "the download holds the session's records: IDE context, reminders and instructions the page does not show";

/** The QR code of `url`, drawn with half blocks for a dark terminal. */
export function qrCode(url: string): string {
  return renderUnicodeCompact(url, { border: 1 });
}

type Ending = { why: "stopped" } | { why: "expired" } | { why: "tunnel-died"; code: number | null };

/** Prints the URL, copies it, draws the QR code (not with --json). */
async function announce(io: Io, url: string): Promise<void> {
  const c = io.colors;
  io.out(`\n  ${c.bold(c.cyan(url))}\n\n`);
  const copied = await copyToClipboard(url, { env: io.env, isTTY: io.isTTY, writeTerminal: io.out });
  if (copied.copied) io.err(c.dim(`  copied to the clipboard (${copied.via})\n`));
  if (io.isTTY) io.out(qrCode(url) + "\n");
}

function expiryText(expiresAt: string | null, ttlMs: number | undefined): string {
  if (!expiresAt) return "";
  const left = ttlMs ?? Date.parse(expiresAt) - Date.now();
  return `Expires in ${formatDuration(Math.max(0, left))} (${new Date(expiresAt).toLocaleString()}). `;
}

export default defineCommand({
  name: "share",
  summary: "Share a session at a public URL through a tunnel",
  usage: "panko share SESSION [--tunnel cloudflare|ngrok|tailscale] [--ttl DURATION] [--no-redact] [--keep REGEX] [--dry-run] [--allow-download] [--foreground] [--json]",
  description:
    "Serves the session (secrets hidden) under an unguessable path and publishes it through a tunnel:\n" +
    "cloudflared quick tunnel, ngrok or tailscale funnel. Prints the URL, copies it to the clipboard and\n" +
    "draws it as a QR code. The share runs in the background daemon (started when needed) and keeps\n" +
    "running after this command returns: see `panko shares`, stop it with `panko unshare ID`.\n" +
    "With --foreground it runs in this terminal until Ctrl+C or until --ttl is up.",
  options: {
    tunnel: { type: "string", valueName: "NAME", description: "cloudflare, ngrok or tailscale (default: config default_provider, else the first available)" },
    provider: { type: "string", valueName: "NAME", description: "Same as --tunnel" },
    ttl: { type: "string", valueName: "DURATION", description: "Stop sharing after this long: 30m, 24h, 7d (default: config share_ttl)" },
    ...REDACT_OPTIONS,
    "dry-run": { type: "boolean", description: "List what the share would hide (like `panko redact`) and share nothing" },
    "allow-download": { type: "boolean", description: "Also offer the session's records as a download (redacted; they hold more than the page shows)" },
    foreground: { type: "boolean", description: "Run the share in this terminal until Ctrl+C instead of the daemon" },
    json: { type: "boolean", description: 'Print {"id","status","publicUrl","localUrl","provider","expiresAt","redactions"} and nothing else on stdout' },
  },
  positionals: { min: 1, max: 1 },
  examples: ["panko share latest --dry-run", "panko share latest", "panko share 3f2a --tunnel ngrok --ttl 2h", "panko share latest --redact-pattern 'acme-[0-9]+'", "panko share latest --foreground"],
  async run({ values, positionals: [ref], io, signal }) {
    if (values.tunnel && values.provider && values.tunnel !== values.provider) {
      throw usageError("--tunnel and --provider name different providers; give one");
    }
    const { config } = commandConfig(io, [
      ...(values.ttl === undefined ? (["share_ttl"] as const) : []),
      "redact",
      "default_provider",
      "ngrok_token",
      "cloudflared_path",
      "ngrok_path",
      "tailscale_path",
      "max_shares",
    ]);
    let ttlMs = config.share_ttl;
    if (values.ttl !== undefined) {
      try {
        ttlMs = parseDuration(values.ttl);
      } catch (reason) {
        throw usageError(`--ttl ${reason}`);
      }
    }
    // Checks every pattern (config and flags) with a clear error; the daemon gets the flags' as
    // text and adds the config's itself.
    const { redact, options: redactOptions } = redactSettings(values, io);
    const patterns = values["redact-pattern"] ?? [];
    const keep = values.keep ?? [];
    const allowDownload = values["allow-download"] === true;
    const path = resolveSessionPath(ref!, { env: io.env, cwd: io.cwd });
    const requested = values.tunnel ?? values.provider;

    if (values["dry-run"]) {
      if (!redact) io.err(`${io.colors.yellow("warning:")} redaction is off (--no-redact or config redact = false): the share would hide nothing\n`);
      const report = findRedactions(await parseSession(path), redactOptions);
      printRedactionReport(redact ? report : { items: [], counts: {}, total: 0 }, io, values.json === true);
      return 0;
    }
    if (values.foreground) return foreground({ io, signal, config, path, requested, redact, redactOptions, allowDownload, ttlMs, json: values.json });

    const c = io.colors;
    // The provider and its executable as this terminal sees them (PATH, config): the daemon may
    // have been started long ago, with another PATH. It runs what we found.
    const { provider, executable } = await pickTunnel(requested, config, io.env);
    if (!values.json) io.err(`Sharing ${c.bold(basename(path))} through ${provider.displayName}…\n`);
    const client = await connectDaemon({ env: io.env });
    let share: ShareInfo;
    let shortId: string;
    try {
      share = await client.startShare({
        sessionPath: path,
        provider: provider.name,
        executable,
        ttlMs: values.ttl !== undefined ? (ttlMs ?? null) : undefined,
        redaction: { redact, patterns, keep },
        allowDownload,
      });
      shortId = shortShareIds(listedShares(await client.listShares()).map((s) => s.id)).get(share.id) ?? share.id;
    } finally {
      client.close();
    }
    const url = share.publicUrl ?? "";
    if (values.json) {
      const { id, status, publicUrl, localUrl, provider, expiresAt, redactions } = share;
      io.out(JSON.stringify({ id, status, publicUrl, localUrl, provider, expiresAt, redactions }) + "\n");
      return;
    }
    io.err(redact ? `${formatRedactionSummary(share.redactions)}\n` : `${c.yellow("warning:")} secrets are NOT hidden (--no-redact)\n`);
    if (allowDownload) io.err(`${c.yellow("note:")} ${DOWNLOAD_NOTE}\n`);
    await announce(io, url);
    for (const note of share.notes) io.err(`${c.yellow("note:")} ${terminalSafe(note)}\n`);
    io.err(`${expiryText(share.expiresAt, undefined)}${c.bold(terminalSafe(share.sessionName))} is shared by the panko daemon, also after you close this terminal:\n`);
    io.err(`see it with \`panko shares\`, stop it with \`panko unshare ${shortId}\`.\n`);
  },
});

async function foreground(o: {
  io: Io;
  signal: AbortSignal;
  config: Config;
  path: string;
  requested?: string;
  redact: boolean;
  redactOptions: RedactOptions;
  allowDownload: boolean;
  ttlMs?: number;
  json?: boolean;
}): Promise<void> {
  const { io, signal, config, redact, ttlMs } = o;
  const c = io.colors;
  const provider = await pickProvider(o.requested, config, io.env);
  io.err(`Sharing ${c.bold(basename(o.path))} through ${provider.displayName}…\n`);
  const share = await startShare({
    path: o.path,
    provider,
    config,
    redact,
    redactOptions: o.redactOptions,
    allowDownload: o.allowDownload,
    ttlMs,
    env: io.env,
    signal,
    onPrepared: ({ redactions }) => {
      io.err(redact ? `${formatRedactionSummary(redactions)}\n` : `${c.yellow("warning:")} secrets are NOT hidden (--no-redact)\n`);
      if (o.allowDownload) io.err(`${c.yellow("note:")} ${DOWNLOAD_NOTE} (secrets hidden${redact ? "" : " only with redaction on"})\n`);
    },
    onTunnelOutput: (line) => log.debug(`tunnel: ${line}`),
  });

  try {
    if (o.json) {
      const { publicUrl, localUrl, provider: name, expiresAt, redactions } = share;
      io.out(JSON.stringify({ id: uuidv7(), status: "active", publicUrl, localUrl, provider: name, expiresAt, redactions }) + "\n");
    } else {
      await announce(io, share.publicUrl);
      for (const note of share.tunnel.notes ?? []) io.err(`${c.yellow("note:")} ${note}\n`);
      io.err(`${expiryText(share.expiresAt, ttlMs)}Press Ctrl+C to stop sharing.\n`);
    }

    let clock: ReturnType<typeof setInterval> | undefined;
    const ending = await new Promise<Ending>((resolve) => {
      if (signal.aborted) return resolve({ why: "stopped" });
      signal.addEventListener("abort", () => resolve({ why: "stopped" }), { once: true });
      if (ttlMs !== undefined) {
        // Checked against the clock: a long TTL never overflows a timer.
        const end = Date.now() + ttlMs;
        clock = setInterval(() => {
          if (Date.now() >= end) resolve({ why: "expired" });
        }, Math.min(1000, ttlMs));
      }
      void share.tunnel.exited.then((code) => resolve({ why: "tunnel-died", code }));
    });
    clearInterval(clock);
    if (ending.why === "tunnel-died") {
      const last = share.tunnel.recentOutput().slice(-5);
      throw new PankoError("tunnel", `the ${provider.displayName} tunnel stopped (exit code ${ending.code ?? "unknown"}); the share is down`, {
        details: last.length ? ["Its last output:", ...last.map((l) => `  ${l}`)] : [],
      });
    }
    io.err(ending.why === "expired" ? "The share's time is up; stopped.\n" : "Stopped sharing.\n");
  } finally {
    await share.stop();
  }
}
