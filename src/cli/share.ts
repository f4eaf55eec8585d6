/**
 * `panko share SESSION`: publish a session at a public URL through a tunnel, secrets hidden.
 * Runs in the foreground until Ctrl+C, the share's time is up, or the tunnel dies.
 */
import { renderUnicodeCompact } from "uqr";
import { formatDuration, parseDuration } from "../config.ts";
import { PankoError, usageError } from "../errors.ts";
import { log } from "../log.ts";
import { copyToClipboard } from "../platform/clipboard.ts";
import { formatRedactionSummary, parseExtraPattern } from "../privacy/redact.ts";
import { resolveSessionRef } from "../sessions/resolve.ts";
import { startShare } from "../share/share.ts";
import { pickProvider } from "../tunnels/registry.ts";
import { defineCommand } from "./command.ts";
import { commandConfig } from "./settings.ts";

/** The QR code of `url`, drawn with half blocks for a dark terminal. */
export function qrCode(url: string): string {
  return renderUnicodeCompact(url, { border: 1 });
}

type Ending = { why: "stopped" } | { why: "expired" } | { why: "tunnel-died"; code: number | null };

export default defineCommand({
  name: "share",
  summary: "Share a session at a public URL through a tunnel",
  usage: "panko share SESSION [--tunnel cloudflare|ngrok|tailscale] [--ttl DURATION] [--no-redact] [--json]",
  description:
    "Serves the session (secrets hidden) under an unguessable path and publishes it through a tunnel:\n" +
    "cloudflared quick tunnel, ngrok or tailscale funnel. Prints the URL, copies it to the clipboard and\n" +
    "draws it as a QR code. The share runs in the foreground until Ctrl+C or until --ttl is up.",
  options: {
    tunnel: { type: "string", valueName: "NAME", description: "cloudflare, ngrok or tailscale (default: config default_provider, else the first available)" },
    provider: { type: "string", valueName: "NAME", description: "Same as --tunnel" },
    ttl: { type: "string", valueName: "DURATION", description: "Stop sharing after this long: 30m, 24h, 7d (default: config share_ttl)" },
    "no-redact": { type: "boolean", description: "Share secrets as they are (default: hide them)" },
    "redact-pattern": { type: "string", multiple: true, valueName: "REGEX", description: "Also hide matches of REGEX" },
    foreground: { type: "boolean", description: "Run the share in this terminal until Ctrl+C" },
    json: { type: "boolean", description: 'Print {"id","publicUrl","localUrl","provider","expiresAt","redactions"} and nothing else on stdout' },
  },
  positionals: { min: 1, max: 1 },
  examples: ["panko share latest", "panko share 3f2a --tunnel ngrok --ttl 2h", "panko share latest --redact-pattern 'acme-[0-9]+'"],
  async run({ values, positionals: [ref], io, signal }) {
    const c = io.colors;
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
    const extraPatterns = (values["redact-pattern"] ?? []).map(parseExtraPattern);
    const redact = !values["no-redact"] && config.redact;
    const { path, summary } = resolveSessionRef(ref!, { env: io.env, cwd: io.cwd });
    const provider = await pickProvider(values.tunnel ?? values.provider, config, io.env);

    io.err(`Sharing ${c.bold(summary.title)} through ${provider.displayName}…\n`);
    const share = await startShare({
      path,
      provider,
      config,
      redact,
      extraPatterns,
      ttlMs,
      env: io.env,
      signal,
      onPrepared: ({ redactions }) => {
        io.err(redact ? `${formatRedactionSummary(redactions)}\n` : `${c.yellow("warning:")} secrets are NOT hidden (--no-redact)\n`);
      },
      onTunnelOutput: (line) => log.debug(`tunnel: ${line}`),
    });

    try {
      if (values.json) {
        const { id, publicUrl, localUrl, provider: name, expiresAt, redactions } = share;
        io.out(JSON.stringify({ id, publicUrl, localUrl, provider: name, expiresAt, redactions }) + "\n");
      } else {
        io.out(`\n  ${c.bold(c.cyan(share.publicUrl))}\n\n`);
        const copied = await copyToClipboard(share.publicUrl, { env: io.env, isTTY: io.isTTY, writeTerminal: io.out });
        if (copied.copied) io.err(c.dim(`  copied to the clipboard (${copied.via})\n`));
        if (io.isTTY) io.out(qrCode(share.publicUrl) + "\n");
        const expiry = share.expiresAt ? `Expires in ${formatDuration(ttlMs!)} (${new Date(share.expiresAt).toLocaleString()}). ` : "";
        io.err(`${expiry}Press Ctrl+C to stop sharing.\n`);
      }

      const ending = await new Promise<Ending>((resolve) => {
        if (signal.aborted) return resolve({ why: "stopped" });
        signal.addEventListener("abort", () => resolve({ why: "stopped" }), { once: true });
        if (ttlMs !== undefined) setTimeout(() => resolve({ why: "expired" }), ttlMs).unref?.();
        void share.tunnel.exited.then((code) => resolve({ why: "tunnel-died", code }));
      });
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
  },
});
