/**
 * What a Codex user message really is. Besides what the user typed, the user role carries the
 * harness's injections (environment context, user instructions, AGENTS.md), shell commands the user
 * ran with `!`, and markers for aborted turns. The IDE extension wraps the typed request in a
 * preamble ("# Context from my IDE setup: ... ## My request for Codex:").
 */

export type CodexUserText =
  /** `text` is what to show (trimmed, preamble kept); `request` is what the user asked (for titles). */
  | { kind: "prompt"; text: string; request: string }
  | { kind: "command"; name: string; args?: string; output?: string }
  | { kind: "aborted"; text: string }
  | { kind: "ignore" };

const INJECTION_PREFIXES = [
  "<environment_context>",
  "<user_instructions>",
  "# AGENTS.md instructions",
  "<INSTRUCTIONS>",
  "<permissions instructions>",
  "<collaboration_mode>",
];

const REQUEST_MARKER = /^##\s*My request for Codex:\s*$/m;

/** True for a user-role text the harness injected (not typed by the user). */
export function isInjection(text: string): boolean {
  const t = text.trimStart();
  return INJECTION_PREFIXES.some((p) => t.startsWith(p));
}

/** The `<image name=[Image #1]>` / `</image>` text parts newer Codex puts around attached images. */
export function isImageMarker(text: string): boolean {
  return /^\s*(<image\b[^>]*>|<\/image>)\s*$/.test(text);
}

/** The user's request inside an IDE context preamble (the text after the last request marker). */
export function stripIdeContext(text: string): string {
  const re = new RegExp(REQUEST_MARKER.source, "gm");
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return text.trim();
  return text.slice(last.index + last[0].length).trim();
}

const tag = (name: string, text: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(text)?.[1]?.trim();

export function classifyCodexUserText(raw: string): CodexUserText {
  const text = raw.trim();
  if (!text || isInjection(text)) return { kind: "ignore" };
  if (text.startsWith("<user_shell_command>")) {
    const command = tag("command", text);
    const output = tag("result", text) ?? tag("output", text);
    const inner = tag("user_shell_command", text) ?? "";
    return { kind: "command", name: "!", args: command ?? inner, ...(output !== undefined ? { output } : {}) };
  }
  if (text.startsWith("<turn_aborted>")) {
    return { kind: "aborted", text: tag("turn_aborted", text) || "Turn aborted" };
  }
  const request = stripIdeContext(text);
  if (!request) return { kind: "ignore" };
  return { kind: "prompt", text, request };
}
