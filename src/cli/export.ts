/**
 * `panko export SESSION`: one session as a self-contained HTML page, a Markdown transcript or the
 * session model as JSON. Streams to stdout, or writes FILE atomically (a temp file beside it, then
 * a rename), so a failure or Ctrl+C never leaves a half-written file behind.
 */
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { PankoError, fsReason, usageError } from "../errors.ts";
import { log } from "../log.ts";
import { cutLines, markdownTranscriptChunks } from "../render/markdown.ts";
import { OffThreadCompressor, PackWorkerFailed } from "../render/pack.ts";
import { inlineImageSrc, renderPageChunks } from "../render/page.ts";
import { formatBytes } from "../render/escape.ts";
import type { Block, Session, ToolBlock } from "../sessions/model.ts";
import { sessionCounts } from "../sessions/counts.ts";
import { parseSession } from "../sessions/parse.ts";
import { resolveSessionPath } from "../sessions/resolve.ts";
import { formatRedactionSummary, redactSession } from "../privacy/redact.ts";
import { terminalSafe } from "../terminal-text.ts";
import { defineCommand } from "./command.ts";
import { REDACT_OPTIONS, redactSettings } from "./redact-flags.ts";

export const FORMATS = ["html", "md", "json"] as const;
export type ExportFormat = (typeof FORMATS)[number];

/** The session as JSON, a turn at a time (a big session never becomes one giant string). */
export function* jsonChunks(session: Session): Generator<string> {
  const { turns, ...rest } = session;
  // The counts `list`, `check` and the page show, from the one definition (sessions/counts.ts).
  const head = JSON.stringify({ ...rest, counts: sessionCounts(session) });
  yield `${head.slice(0, -1)}${head.length > 2 ? "," : ""}"turns":[`;
  for (let i = 0; i < turns.length; i++) yield (i ? "," : "") + JSON.stringify(turns[i]);
  yield "]}\n";
}

/** A copy of the session without thinking blocks (sub-agents included). */
export function withoutThinking(session: Session): Session {
  const strip = (blocks: Block[]): Block[] =>
    blocks.filter((b) => b.kind !== "thinking").map((b) => (b.kind === "tool" && b.subAgent ? { ...b, subAgent: withoutThinking(b.subAgent) } : b));
  return { ...session, turns: session.turns.map((t) => ({ ...t, blocks: strip(t.blocks) })) };
}

/**
 * A copy of the session with every tool output and command output cut to `max` lines (sub-agents
 * included): what --max-output-lines does, the same for every format.
 */
export function withOutputsCut(session: Session, max: number): Session {
  const cutBlock = (b: Block): Block => {
    if (b.kind === "command" && b.output !== undefined) return { ...b, output: cutLines(b.output, max) };
    if (b.kind !== "tool") return b;
    const out: ToolBlock = { ...b };
    if (b.result) out.result = { ...b.result, text: cutLines(b.result.text, max) };
    if (b.subAgent) out.subAgent = withOutputsCut(b.subAgent, max);
    return out;
  };
  return { ...session, turns: session.turns.map((t) => ({ ...t, blocks: t.blocks.map(cutBlock) })) };
}

/** Output between two garbage collections while exporting. */
const GC_EVERY = 4 * 1024 * 1024;

/**
 * Rendering a big session makes garbage far faster than the collector's own pace returns it (a
 * 100 MB session peaked near 500 MB RSS); a cheap eden collection every few MB of output keeps the
 * export's peak at the parser's, and is faster overall.
 */
export function* collectingGarbage<C extends string | Promise<string>>(chunks: Iterable<C>, every = GC_EVERY): Generator<C> {
  let since = 0;
  for (const chunk of chunks) {
    yield chunk;
    if (typeof chunk !== "string") continue;
    since += chunk.length;
    if (since >= every) {
      Bun.gc(false);
      since = 0;
    }
  }
}

/** What an export writes: text, and (pageOffThread) packed groups still being compressed. */
export type ExportChunk = string | Promise<string>;

export function exportChunks(session: Session, format: ExportFormat, opts: { maxOutputLines?: number } = {}): Iterable<string> {
  if (format === "html") return collectingGarbage(renderPageChunks(session, { assets: { mode: "inline" }, imageSrc: inlineImageSrc }));
  if (format === "md") return collectingGarbage(markdownTranscriptChunks(session, { maxOutputLines: opts.maxOutputLines }));
  return collectingGarbage(jsonChunks(session));
}

/**
 * Writes the export of `session` to `file` (writeAtomically). A page's packed groups are
 * compressed on a second core while it renders; should that worker fail, the page is written
 * again on this thread alone, so the file is whole either way.
 */
export async function writeExport(file: string, session: Session, format: ExportFormat, opts: { signal?: AbortSignal; packWorker?: string } = {}): Promise<number> {
  const { signal, packWorker } = opts;
  try {
    return await writeAtomically(file, format === "html" ? pageOffThread(session, packWorker) : exportChunks(session, format), signal);
  } catch (e) {
    if (!(e instanceof PankoError && e.cause instanceof PackWorkerFailed)) throw e;
    log.debug(`${e.cause.message}; writing ${file} on one thread`);
    return await writeAtomically(file, exportChunks(session, format), signal);
  }
}

/**
 * The HTML export with its packed groups compressed by a worker while the next turns render:
 * chunks may be promises, which paced awaits in order. `packWorker`: the worker's script (tests).
 */
export function pageOffThread(session: Session, packWorker?: string): Iterable<ExportChunk> {
  return collectingGarbage(compressedElsewhere(session, new OffThreadCompressor(packWorker)));
}

function* compressedElsewhere(session: Session, compressor: OffThreadCompressor): Generator<ExportChunk> {
  try {
    yield* renderPageChunks(session, { assets: { mode: "inline" }, imageSrc: inlineImageSrc, compressParts: compressor.compress });
  } finally {
    compressor.close();
  }
}

/** Temp files being written: removed on exit, whatever ends the process (a second Ctrl+C exits at once). */
const pendingTemps = new Set<string>();
let cleanupInstalled = false;
function trackTemp(tmp: string): void {
  pendingTemps.add(tmp);
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", () => {
    for (const t of pendingTemps) {
      try {
        unlinkSync(t);
      } catch {
        // already gone
      }
    }
  });
}

/** Work between two returns to the event loop, where a Ctrl+C and the pack worker's replies are heard. */
const YIELD_MS = 20;

/**
 * The chunks as text, in order (a packed group's promise is awaited in its place), returning to
 * the event loop every YIELD_MS. By time, not by output: a page's packed body is small, and its
 * chunks took the whole render between two MB of output.
 */
export async function* paced(chunks: Iterable<ExportChunk>): AsyncGenerator<string> {
  let last = performance.now();
  for (const part of chunks) {
    yield typeof part === "string" ? part : await part;
    if (performance.now() - last >= YIELD_MS) {
      await new Promise<void>((r) => setImmediate(r));
      last = performance.now();
    }
  }
}

/** Ctrl+C (or SIGTERM) stopped the export: exit 130, nothing written. */
export function interrupted(file?: string): PankoError {
  return new PankoError("io", file ? `export interrupted; ${file} was not written` : "export interrupted", { exitCode: 130 });
}

/**
 * Writes chunks to `file` through a temp file in the same folder and a rename; resolves to the
 * size. It returns to the event loop as it goes (paced), so that a Ctrl+C (`signal`) stops it
 * between chunks; an interrupted, failed or killed export leaves neither a half file nor the temp file.
 * No fsync: the rename already guarantees that a crash leaves the old file or none, never half of
 * the new one, and syncing 50 MB would double the time of a big export.
 */
export async function writeAtomically(file: string, chunks: Iterable<ExportChunk>, signal?: AbortSignal): Promise<number> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "w", 0o644);
  } catch (e) {
    throw new PankoError("io", `cannot write ${file}: ${fsReason(e)}`, { cause: e });
  }
  trackTemp(tmp);
  let ok = false;
  try {
    for await (const chunk of paced(chunks)) {
      if (signal?.aborted) throw interrupted(file);
      writeSync(fd, chunk);
    }
    if (signal?.aborted) throw interrupted(file);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, file);
    ok = true;
  } catch (e) {
    if (e instanceof PankoError) throw e;
    throw new PankoError("io", `cannot write ${file}: ${fsReason(e)}`, { cause: e });
  } finally {
    if (fd! >= 0) closeSync(fd!);
    if (!ok) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
    pendingTemps.delete(tmp);
  }
  return statSync(file).size;
}

function parseMaxLines(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(value)) throw usageError(`--max-output-lines must be a whole number of lines (0 or more), not "${value}"`);
  return Number(value);
}

export default defineCommand({
  name: "export",
  summary: "Write a session as a self-contained HTML page, Markdown or JSON",
  usage: "panko export SESSION [--format html|md|json] [-o FILE] [--no-thinking] [--max-output-lines N] [--no-redact]",
  description:
    "html: one file that reads offline (styles, script and images inside). md: a readable transcript,\n" +
    "handy as context for another agent. json: the parsed session model.\n" +
    "Without -o the result goes to stdout; with -o the file is written atomically.\n" +
    "Secrets are hidden as in `panko share` (config redact, redact_patterns, redact_keep); the counts go to stderr.",
  options: {
    format: { type: "string", short: "f", description: "html (default), md or json", valueName: "FORMAT" },
    output: { type: "string", short: "o", description: "Write to FILE instead of stdout (- for stdout)", valueName: "FILE" },
    "no-thinking": { type: "boolean", description: "Leave out the agent's thinking" },
    "max-output-lines": { type: "string", description: "Cut each tool and command output to N lines (every format)", valueName: "N" },
    ...REDACT_OPTIONS,
  },
  positionals: { min: 1, max: 1 },
  examples: ["panko export latest -o session.html", "panko export 3f2a --format md --no-thinking --max-output-lines 40 > context.md", "panko export ./rollout.jsonl -f json | jq .title"],
  async run({ values, positionals: [ref], io, signal }) {
    const format = (values.format ?? "html").trim().toLowerCase();
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw usageError(`unknown --format "${values.format}"; valid formats: ${FORMATS.join(", ")}`);
    }
    const maxOutputLines = parseMaxLines(values["max-output-lines"]);
    const named = values.output?.trim();
    if (values.output !== undefined && !named) throw usageError("-o needs a file name");
    // `-o -` is stdout, as for most tools that write files.
    const out = named === "-" ? undefined : named;
    if (!out && format === "html" && io.isTTY) {
      throw usageError("not writing an HTML page to the terminal", ["Use -o FILE, or redirect: panko export SESSION > session.html"]);
    }

    const { redact, options: redactOptions } = redactSettings(values, io);
    const path = resolveSessionPath(ref!, { env: io.env, cwd: io.cwd });
    let session = await parseSession(path);
    if (signal.aborted) throw interrupted(out);
    if (redact) {
      const result = redactSession(session, redactOptions);
      session = result.session;
      io.err(`${formatRedactionSummary(result.counts)}\n`);
    } else {
      io.err(`${io.colors.yellow("warning:")} secrets are NOT hidden (--no-redact or config redact = false)\n`);
    }
    if (values["no-thinking"]) session = withoutThinking(session);
    if (maxOutputLines !== undefined) session = withOutputsCut(session, maxOutputLines);
    // The parser's garbage goes before rendering adds its own: the peak stays the parser's.
    Bun.gc(true);
    if (!out) {
      const chunks = exportChunks(session, format as ExportFormat);
      try {
        for await (const chunk of paced(chunks)) {
          if (signal.aborted) return 130;
          io.out(chunk);
        }
      } catch (e) {
        // The reader went away (`| head`): not an error worth a message.
        if ((e as { code?: string }).code === "EPIPE") return 0;
        throw e;
      }
      return 0;
    }
    const file = resolve(io.cwd, out);
    const size = await writeExport(file, session, format as ExportFormat, { signal });
    io.err(`wrote ${terminalSafe(out)} (${formatBytes(size)})\n`);
    return 0;
  },
});
