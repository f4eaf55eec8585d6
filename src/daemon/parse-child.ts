/**
 * Big sessions are parsed and redacted in a child process, so the daemon's event loop (every other
 * share, the socket) never waits on them: the child (`panko serve parse-session FILE SETTINGS`, the
 * same executable) writes the result serialized with bun:jsc's structured clone to stdout; the
 * daemon deserializes it (~15 ms for the ~100 MB benchmark session, against ~1.2 s of parse and
 * redaction) and the parse's peak memory is the child's, not the daemon's.
 */
import { deserialize, serialize } from "bun:jsc";
import { PankoError } from "../errors.ts";
import { parseExtraPattern, type RedactionCounts } from "../privacy/redact.ts";
import type { Session } from "../sessions/model.ts";
import { shareSource } from "../share/share.ts";
import { RedactionSettings } from "./protocol.ts";
import { selfCommand } from "./spawn.ts";

type Env = Record<string, string | undefined>;

/** Files from this size on go to a child (a smaller one parses within a short slice). */
export const CHILD_PARSE_BYTES = 8 * 1024 * 1024;

export function redactOptionsOf(settings: RedactionSettings) {
  return {
    extraPatterns: settings.patterns.map((p) => parseExtraPattern(p)),
    keep: settings.keep.map((p) => parseExtraPattern(p, "--keep")),
  };
}

/** The child's side: parse, redact, serialize to stdout. */
export async function parseForParent(path: string, settingsJson: string, write: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  const settings = RedactionSettings.parse(JSON.parse(settingsJson));
  const source = shareSource(path, { redact: settings.redact, options: redactOptionsOf(settings) });
  const result = await source.load();
  await write(new Uint8Array(serialize(result)));
}

/** The daemon's side. Rejects with the child's own error message when it fails. */
export async function parseInChild(path: string, settings: RedactionSettings, env: Env): Promise<{ session: Session; counts: RedactionCounts }> {
  const proc = Bun.spawn(selfCommand(["serve", "parse-session", path, JSON.stringify(settings)]), {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: env as Record<string, string>,
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const message = err.replace(/^error:\s*/, "").split("\n")[0]?.trim() || `the session parser exited with code ${code}`;
    throw new PankoError("not-a-session", message);
  }
  return deserialize(out) as { session: Session; counts: RedactionCounts };
}
