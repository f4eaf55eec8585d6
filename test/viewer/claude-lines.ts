/**
 * Builders of Claude Code JSONL records (the real on-disk shape), for viewer and browser tests that
 * grow a session file while it is being viewed.
 */
// Above the ids of the checked-in fixtures (made with this helper), so lines appended to a copy of
// one never repeat its uuids (the parser drops a record it has seen).
let counter = 0x100000;
const uuid = () => {
  counter++;
  const hex = counter.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
};

export interface Chain {
  sessionId: string;
  last: string | null;
  clock: number;
}

export function newChain(sessionId = "5e551011-0000-4000-8000-000000000001"): Chain {
  return { sessionId, last: null, clock: Date.parse("2026-03-01T10:00:00.000Z") };
}

function base(chain: Chain) {
  const id = uuid();
  chain.clock += 1000;
  const rec = {
    parentUuid: chain.last,
    isSidechain: false,
    userType: "external",
    cwd: "/home/dev/project",
    sessionId: chain.sessionId,
    version: "2.1.22",
    gitBranch: "main",
    uuid: id,
    timestamp: new Date(chain.clock).toISOString(),
  };
  chain.last = id;
  return rec;
}

export function userLine(chain: Chain, content: string | unknown[]): string {
  return JSON.stringify({ ...base(chain), type: "user", message: { role: "user", content } });
}

export function assistantLine(chain: Chain, content: unknown[], messageId = `msg_${uuid().replace(/-/g, "")}`): string {
  return JSON.stringify({
    ...base(chain),
    type: "assistant",
    message: {
      model: "claude-opus-4-5-20251101",
      id: messageId,
      type: "message",
      role: "assistant",
      content,
      stop_reason: null,
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    },
  });
}

export const text = (t: string) => ({ type: "text", text: t });
export const thinking = (t: string) => ({ type: "thinking", thinking: t, signature: "sig" });
export const toolUse = (id: string, name: string, input: unknown) => ({ type: "tool_use", id, name, input });
export const toolResult = (id: string, content: string | unknown[], isError = false) => ({
  type: "tool_result",
  tool_use_id: id,
  content,
  is_error: isError,
});
export const image = (mediaType: string, data: string) => ({ type: "image", source: { type: "base64", media_type: mediaType, data } });

/** A 1x1 transparent PNG. */
export const PNG_1x1 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** A whole small session: `n` prompt/answer exchanges. */
export function exchanges(chain: Chain, n: number, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    lines.push(userLine(chain, `Question number ${i}`));
    lines.push(assistantLine(chain, [text(`Answer number ${i}`)]));
  }
  return lines;
}
