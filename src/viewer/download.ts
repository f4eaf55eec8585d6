/**
 * The session file as a download, streamed. With a line transform (redaction for shares) every
 * line goes through it; a transform that throws ends the download with an error instead of
 * letting the untransformed line out.
 */
import { basename } from "node:path";

export function downloadStream(path: string, rawLine?: (line: string) => string): ReadableStream<Uint8Array> {
  const source = Bun.file(path).stream();
  if (!rawLine) return source;
  const reader = source.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Read until at least one complete line is ready (or the file ends), then emit those lines.
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          pending += decoder.decode();
          if (pending !== "") controller.enqueue(encoder.encode(transform(pending, rawLine)));
          pending = "";
          controller.close();
          return;
        }
        pending += decoder.decode(value, { stream: true });
        const cut = pending.lastIndexOf("\n");
        if (cut < 0) continue;
        const complete = pending.slice(0, cut);
        pending = pending.slice(cut + 1);
        let out = "";
        for (const line of complete.split("\n")) out += transform(line, rawLine) + "\n";
        controller.enqueue(encoder.encode(out));
        return;
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function transform(line: string, rawLine: (line: string) => string): string {
  // Keep a CRLF file's line endings; blank lines stay blank.
  const cr = line.endsWith("\r");
  const body = cr ? line.slice(0, -1) : line;
  if (body.trim() === "") return line;
  return rawLine(body) + (cr ? "\r" : "");
}

/** A download file name from the session file's name: only safe characters, always .jsonl. */
export function downloadName(path: string): string {
  const name = basename(path).replace(/\.jsonl$/i, "").replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 120) || "session";
  return `${name}.jsonl`;
}
