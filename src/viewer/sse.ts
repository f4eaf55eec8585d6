/** Server-sent events framing. */

const encoder = new TextEncoder();

/** One event; `data` is JSON-encoded (so it never holds a raw newline and fits one data: line). */
export function sseEvent(event: string, data: unknown, id?: string): Uint8Array {
  const lines = [`event: ${event}`];
  if (id !== undefined) lines.push(`id: ${id.replace(/[\r\n]/g, "")}`);
  lines.push(`data: ${JSON.stringify(data)}`);
  return encoder.encode(lines.join("\n") + "\n\n");
}

/** A comment line: keeps proxies and tunnels from closing a quiet stream. */
export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text.replace(/[\r\n]/g, " ")}\n\n`);
}

export function sseRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${Math.round(ms)}\n\n`);
}
