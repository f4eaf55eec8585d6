/** `panko view SESSION`: read one session as a web page, served in the foreground until Ctrl+C. */
import { PankoError, describeError, usageError } from "../errors.ts";
import { log } from "../log.ts";
import { openBrowser } from "../platform/open.ts";
import { parseSession } from "../sessions/parse.ts";
import { resolveSessionPath } from "../sessions/resolve.ts";
import { startViewer } from "../viewer/server.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";
import { commandConfig } from "./settings.ts";
import { plural } from "../plural.ts";
import { UNTITLED } from "../sessions/title.ts";
import type { Io } from "./io.ts";

const FALLBACK_PORT = 3000;

function parsePort(value: string): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw usageError(`--port must be a whole number from 1 to 65535 (or 0 for any free port), not "${value}"`);
  }
  return n;
}

/** The port to ask for: --port, else the config's default_port, else 3000. */
function wantedPort(flag: string | undefined, io: Io): number {
  if (flag !== undefined) return parsePort(flag);
  try {
    return commandConfig(io, ["default_port"]).config.default_port ?? FALLBACK_PORT;
  } catch (e) {
    // A broken config file is worth a warning, not a refusal to show a session.
    io.err(`${io.colors.yellow("warning:")} ${describeError(e)}; using port ${FALLBACK_PORT}\n`);
    return FALLBACK_PORT;
  }
}

/**
 * A --host the system cannot listen on (not an address, or a name that does not resolve) is the
 * user's to change: a usage error, not a crash. undefined for any other failure.
 */
export function hostError(e: unknown, host: string): PankoError | undefined {
  const code = (e as { code?: string })?.code;
  if (code !== "EINVAL" && code !== "ENOTFOUND" && code !== "EAI_NONAME" && code !== "EAI_AGAIN" && !/getaddrinfo|invalid argument, listen/i.test(String((e as Error)?.message))) return undefined;
  return usageError(`--host ${host}: not an address this machine can listen on`, [
    "Give an IP address of this machine (127.0.0.1, 0.0.0.0 for every interface, ::1) or a name that resolves to one (localhost).",
  ]);
}

const isLoopback = (host: string) => host === "localhost" || host === "::1" || /^127\./.test(host);

/** Resolves when the signal aborts (at once when it already has). */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

export default defineCommand({
  name: "view",
  summary: "Read a session as a web page in your browser",
  usage: "panko view SESSION [--port N] [--host ADDR] [--no-browser]",
  description:
    "Serves the session on this machine (127.0.0.1 unless --host says otherwise) and opens it in your\n" +
    "browser. The page follows the session live while the agent is still writing it. Ctrl+C stops it.",
  options: {
    port: { type: "string", description: "Port to listen on (default: config default_port, else 3000; the next free one if taken)", valueName: "N" },
    host: { type: "string", description: "Address to listen on (default 127.0.0.1)", valueName: "ADDR" },
    "no-browser": { type: "boolean", description: "Print the URL without opening a browser" },
  },
  positionals: { min: 1, max: 1 },
  examples: ["panko view latest", "panko view 3f2a --port 8080", "panko view ~/.claude/projects/x/abc.jsonl --no-browser"],
  async run({ values, positionals: [ref], io, signal }) {
    const c = io.colors;
    const host = values.host?.trim() || "127.0.0.1";
    const port = wantedPort(values.port, io);
    const path = resolveSessionPath(ref!, { env: io.env, cwd: io.cwd });

    const viewer = await startViewer({ path, load: () => parseSession(path), host, port, portRange: 100 }).catch((e) => {
      throw hostError(e, host) ?? e;
    });
    try {
      const session = viewer.session();
      if (port !== 0 && viewer.port !== port) io.err(`${c.yellow("note:")} port ${port} is in use; using ${viewer.port} instead\n`);
      if (!isLoopback(host)) {
        io.err(`${c.yellow("warning:")} listening on ${host}: anyone who can reach this machine on port ${viewer.port} can read this session\n`);
      }
      io.err(`${c.bold(terminalSafe(session.title) || UNTITLED)} ${c.dim(`— ${plural(session.turns.length, "turn")}`)}\n`);
      io.out(`${viewer.url}\n`);
      io.err(c.dim("Press Ctrl+C to stop.\n"));

      if (!values["no-browser"]) {
        // Never awaited before serving and never fatal: the URL is printed either way.
        void openBrowser(viewer.url, { env: io.env }).then((r) => {
          if (!r.opened) log.debug(`view: browser not opened: ${r.reason}`);
        });
      }
      await untilAborted(signal);
    } finally {
      await viewer.stop();
    }
    return 0;
  },
});
