/**
 * What a Codex user message really is. Besides what the user typed, the user role carries the
 * harness's injections (environment context, user instructions, AGENTS.md), shell commands the user
 * ran with `!`, and markers for aborted turns. The IDE extension wraps the typed request in a
 * preamble ("# Context from my IDE setup: ... ## My request for Codex:").
 */

export type CodexUserText =
  /** `request` is what the user asked (preamble removed); `context`: the IDE preamble before it, if any. */
  | { kind: "prompt"; request: string; context?: string }
  | { kind: "command"; name: string; args?: string; output?: string }
  | { kind: "aborted"; text: string }
  | { kind: "ignore" };

/**
 * The texts Codex puts in user-role messages for the model, by how they begin and end (codex-rs
 * contextual_user_message.rs and older builds): environment, user and AGENTS.md instructions,
 * skills, sub-agent status, editor and extension context, internal steering, plugin
 * recommendations; developer-role instructions that older files wrote as the user. As Codex
 * does, a text is one only when it both begins and ends so, ignoring case: a prompt the user
 * starts with such a tag stays a prompt.
 */
const INJECTIONS: [start: string, end: string][] = [
  ["<environment_context>", "</environment_context>"],
  ["<user_instructions>", "</user_instructions>"],
  ["# agents.md instructions", "</instructions>"],
  ["<instructions>", "</instructions>"],
  ["<permissions instructions>", "</permissions instructions>"],
  ["<collaboration_mode>", "</collaboration_mode>"],
  ["<skill>", "</skill>"],
  ["<subagent_notification>", "</subagent_notification>"],
  ["<additional_context>", "</additional_context>"],
  ["<extension_context>", "</extension_context>"],
  ["<codex_internal_context", "</codex_internal_context>"],
  ["<recommended_plugins>", "</recommended_plugins>"],
];

const REQUEST_MARKER = /^##\s*My request for Codex:\s*$/m;

/** True for a user-role text the harness injected (not typed by the user). */
export function isInjection(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith("<") && !t.startsWith("#")) return false;
  const head = t.slice(0, 32).toLowerCase();
  const tail = t.slice(-32).toLowerCase();
  return INJECTIONS.some(([start, end]) => head.startsWith(start) && tail.endsWith(end));
}

/** The `<image name=[Image #1]>` / `</image>` text parts newer Codex puts around attached images. */
export function isImageMarker(text: string): boolean {
  return /^\s*(<image\b[^>]*>|<\/image>)\s*$/.test(text);
}

/** The user's request inside an IDE context preamble (the text after the last request marker). */
export function stripIdeContext(text: string): string {
  return splitIdeContext(text).request;
}

/**
 * An IDE prompt split at its last "## My request for Codex:" marker: the request after it and
 * the context before it (without the marker; undefined when there is no marker or nothing before it).
 */
export function splitIdeContext(text: string): { request: string; context?: string } {
  const re = new RegExp(REQUEST_MARKER.source, "gm");
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return { request: text.trim() };
  const request = text.slice(last.index + last[0].length).trim();
  const context = text.slice(0, last.index).trim();
  return context ? { request, context } : { request };
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
  const { request, context } = splitIdeContext(text);
  if (!request) return { kind: "ignore" };
  return context ? { kind: "prompt", request, context } : { kind: "prompt", request };
}
