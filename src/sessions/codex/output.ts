/**
 * Codex tool outputs as ToolResults. An output is, depending on the tool and the Codex version:
 * a plain string (unified exec prints a header: "Process exited with code N ... Output:"), a JSON
 * string or an object `{output, metadata: {exit_code, duration_seconds}}`, an object
 * `{content, success}`, or an array of content items (`input_text` / `input_image`).
 */
import type { ImageBlock, ToolResult } from "../model.ts";

export interface OutputContext {
  timestamp?: string;
  /** Makes ids for the images found in the output. */
  nextId: () => string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Output texts that announce a failure on their own (no exit code recorded). */
const ERROR_TEXT = [
  /^failed to parse function arguments/i,
  /^apply_patch verification failed/i,
  /^invalid patch/i,
  /^execution error/i,
  /^error: /i,
  /^aborted by user/i,
  /^exec command rejected/i,
  /^unsupported call/i,
  /^unknown tool/i,
];

export function toToolResult(output: unknown, ctx: OutputContext): ToolResult {
  let value = output;
  if (typeof value === "string") {
    const t = value.trimStart();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        const parsed = JSON.parse(value);
        if (isObject(parsed) && ("output" in parsed || "content" in parsed)) value = parsed;
        else if (Array.isArray(parsed) && parsed.every((p) => isObject(p) && typeof p.type === "string")) value = parsed;
      } catch {
        // a string that merely looks like JSON
      }
    }
  }

  let text = "";
  let images: ImageBlock[] = [];
  let exitCode: number | undefined;
  let success: boolean | undefined;
  let meta: unknown;

  if (typeof value === "string") {
    text = value;
  } else if (Array.isArray(value)) {
    ({ text, images } = contentItems(value, ctx));
  } else if (isObject(value)) {
    const inner = "output" in value ? value.output : value.content;
    if (typeof inner === "string") text = inner;
    else if (Array.isArray(inner)) ({ text, images } = contentItems(inner, ctx));
    else if (inner !== undefined && inner !== null) text = JSON.stringify(inner);
    if (isObject(value.metadata)) {
      meta = value.metadata;
      if (typeof value.metadata.exit_code === "number") exitCode = value.metadata.exit_code;
    }
    if (typeof value.success === "boolean") success = value.success;
  } else if (value !== undefined && value !== null) {
    text = JSON.stringify(value);
  }

  const header = splitExecHeader(text);
  if (header) {
    text = header.output;
    if (exitCode === undefined) exitCode = header.exitCode;
  }
  if (exitCode === undefined) exitCode = headerExitCode(text);
  const isError =
    (exitCode !== undefined && exitCode !== 0) || success === false || (exitCode === undefined && ERROR_TEXT.some((re) => re.test(text.trimStart())));
  const result: ToolResult = { text, images, isError };
  if (ctx.timestamp) result.timestamp = ctx.timestamp;
  if (meta !== undefined) result.meta = meta;
  else if (header) result.meta = header.meta;
  else if (exitCode !== undefined) result.meta = { exit_code: exitCode };
  return result;
}

/** Header lines unified exec and the shell tool write before "Output:" (codex-rs format_exec_output / unified exec). */
const HEADER_LINE = /^(Chunk ID: \S+|Wall time: [\d.]+ seconds|Process exited with code -?\d+|Process running with session ID \S+|Original token count: \d+|Exit code: -?\d+|Total output lines: \d+)$/;

export interface ExecHeader {
  /** The command's own output (after "Output:"). */
  output: string;
  exitCode?: number;
  /** exit_code, wall_time_seconds, session_id (a process still running), chunk_id: what the header said. */
  meta: Record<string, string | number>;
}

/**
 * Splits "Chunk ID: …\nWall time: … seconds\nProcess exited with code N\nOriginal token count: N\nOutput:\n…"
 * into the output and what the header says; null when the text does not start with such a header
 * (only known header lines, then "Output:").
 */
export function splitExecHeader(text: string): ExecHeader | null {
  let at = 0;
  const meta: Record<string, string | number> = {};
  let exitCode: number | undefined;
  for (let lines = 0; lines < 8; lines++) {
    const nl = text.indexOf("\n", at);
    const line = (nl === -1 ? text.slice(at) : text.slice(at, nl)).replace(/\r$/, "");
    if (line === "Output:") {
      if (lines === 0) return null;
      const output = nl === -1 ? "" : text.slice(nl + 1);
      return exitCode !== undefined ? { output, exitCode, meta } : { output, meta };
    }
    if (!HEADER_LINE.test(line) || nl === -1) return null;
    let m: RegExpExecArray | null;
    if ((m = /^(?:Process exited with code|Exit code:) (-?\d+)$/.exec(line))) meta.exit_code = exitCode = Number(m[1]);
    else if ((m = /^Wall time: ([\d.]+) seconds$/.exec(line))) meta.wall_time_seconds = Number(m[1]);
    else if ((m = /^Process running with session ID (\S+)$/.exec(line))) meta.session_id = m[1];
    else if ((m = /^Chunk ID: (\S+)$/.exec(line))) meta.chunk_id = m[1];
    at = nl + 1;
  }
  return null;
}

/** The exit code in the header unified exec / shell put before "Output:", if any. */
export function headerExitCode(text: string): number | undefined {
  const outputAt = /(^|\n)Output:/.exec(text)?.index;
  const header = outputAt !== undefined ? text.slice(0, outputAt) : text.slice(0, 400);
  const m = /^(?:Process exited with code|Exit code:)\s*(-?\d+)\s*$/m.exec(header);
  return m ? Number(m[1]) : undefined;
}

function contentItems(items: unknown[], ctx: OutputContext): { text: string; images: ImageBlock[] } {
  const texts: string[] = [];
  const images: ImageBlock[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    if (typeof item.text === "string") texts.push(item.text);
    else if (item.type === "input_image" || item.type === "image") {
      const image = imageBlock(item.image_url ?? item.url ?? item.data, ctx.nextId(), ctx.timestamp, item.mime_type ?? item.mimeType);
      if (image) images.push(image);
    }
  }
  return { text: texts.join("\n"), images };
}

/** An ImageBlock from a data: URL, a plain URL or a bare base64 payload. */
export function imageBlock(source: unknown, id: string, timestamp?: string, mediaType?: unknown): ImageBlock | null {
  if (typeof source !== "string" || !source) return null;
  const block: ImageBlock = { kind: "image", id, mediaType: typeof mediaType === "string" ? mediaType : "image/png" };
  if (timestamp) block.timestamp = timestamp;
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(source);
  if (data) {
    if (data[1]) block.mediaType = data[1];
    block.data = data[3];
  } else if (/^[a-z][a-z0-9+.-]*:/i.test(source) || source.startsWith("/")) {
    block.url = source;
  } else {
    block.data = source;
  }
  return block;
}
