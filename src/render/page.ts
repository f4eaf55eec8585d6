/**
 * The page: a streamed HTML document for one session (renderPage), and one turn's element for live
 * updates (renderTurnHtml).
 *
 * Streaming: the head and header go out first, then turns in chunks of about CHUNK characters,
 * each rendered only when the reader of the stream pulls; nothing holds the whole page. The outline
 * comes last (on a 1,456-turn session it is ~160 KB that would otherwise stand between the reader
 * and the first turn): the CSS grid keeps its column on the left from the first paint, so nothing
 * moves when it arrives, and while a big page is still loading panko.js fills a stand-in outline
 * from the turns' data-label as they come in.
 *
 * Live updates (served mode with opts.eventsUrl): panko.js opens an EventSource on
 * `<body data-events>` and applies two events:
 *   event: turn   data: {"index":N,"html":"<section class=\"turn\" id=\"turn-N\">…"}
 *                 replaces #turn-N when present, else appends it (and adds it to the outline);
 *   event: meta   data: {"turns":N,"title":"…","endedAt":"ISO"}
 *                 updates the title, the turn count and the duration.
 * The reader keeps their scroll position unless they were at the bottom, in which case the page
 * follows the new content.
 */
import type { Session, Turn } from "../sessions/model.ts";
import { log } from "../log.ts";
import { UNTITLED } from "../sessions/title.ts";
import { ASSETS, FAVICON_SVG, assetHash } from "./assets.ts";
import type { Ctx, RenderOptions } from "./context.ts";
import { esc, formatCount, formatDuration, safeHref, timeTag } from "./escape.ts";
import { COST_NOTE, describeOutput, formatCost, hasUsage, outputCaveat, usageTotals } from "../sessions/usage.ts";
import { describeCounts, fileChanges, sessionCounts } from "../sessions/counts.ts";
import { plural } from "../plural.ts";
import { countsHtml } from "./diff.ts";
import { renderTurnHtml, safeTurnHtml, turnLabel } from "./turn.ts";
import { PartPacker, type Compress } from "./pack.ts";

export type { RenderOptions } from "./context.ts";
export { inlineImageSrc } from "./context.ts";
export { renderTurnHtml, renderTurnParts } from "./turn.ts";

/** Turns are flushed to the stream in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/** The `data` of a live `turn` event. */
export interface TurnEvent {
  index: number;
  html: string;
}
/** The `data` of a live `meta` event. */
export interface MetaEvent {
  turns: number;
  title: string;
  endedAt?: string;
}

/** The SSE event the viewer sends for a new or changed turn. */
export function renderTurnsEvent(turn: Turn, session: Session, opts: RenderOptions): string {
  const data: TurnEvent = { index: turn.index, html: renderTurnHtml(turn, session, opts) };
  return `event: turn\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The SSE event the viewer sends when the session's title, length or end time change. */
export function renderMetaEvent(session: Session): string {
  const data: MetaEvent = { turns: session.turns.length, title: session.title, endedAt: session.endedAt };
  return `event: meta\ndata: ${JSON.stringify(data)}\n\n`;
}

const SOURCE_NAME = { claude: "Claude Code", codex: "Codex" } as const;

function tokens(session: Session): string {
  const t = usageTotals(session);
  if (!hasUsage(t)) return "";
  const caveat = outputCaveat(t);
  const parts = [`${formatCount(t.input - t.cacheRead - t.cacheWrite)} in`, caveat ? `<span title="${esc(caveat)}">${describeOutput(t, formatCount)}</span>` : describeOutput(t, formatCount)];
  if (t.cacheRead || t.cacheWrite) parts.push(`${formatCount(t.cacheRead)} cache read`, `${formatCount(t.cacheWrite)} cache write`);
  // Each figure stays whole on one line; the grid wraps between them.
  return parts.map((p) => `<span class="nw">${p}</span>`).join(" · ");
}

/** "3 files · +40 −12": what the calls changed, sub-agents included. */
function changes(session: Session): string {
  const c = fileChanges(session);
  return c.files ? `${esc(plural(c.files, "file"))} · ${countsHtml(c.added, c.removed)}` : "";
}

function fact(name: string, html: string, cls = ""): string {
  return html ? `<div${cls ? ` class="${cls}"` : ""}><dt>${name}</dt><dd>${html}</dd></div>` : "";
}

/** The linked pull request: a link when its URL is one we keep (escape.ts safeHref), else text. */
function pullRequestHtml(session: Session): string {
  const pr = session.pullRequest;
  if (!pr) return "";
  const label = esc(`${pr.repository}#${pr.number}`);
  const href = safeHref(pr.url);
  return href ? `<a href="${esc(href)}" rel="noopener noreferrer">${label}</a>` : label;
}

function headerHtml(session: Session): string {
  const counts = sessionCounts(session);
  const dur = formatDuration(session.startedAt, session.endedAt);
  const models = session.models.map((m) => `<code>${esc(m)}</code>`).join(" ");
  const source = `${SOURCE_NAME[session.source] ?? esc(session.source)}${session.version ? ` ${esc(session.version)}` : ""}`;
  return (
    `<header class="session"><div class="kicker">${source} session</div><h1 id="title">${esc(session.title || UNTITLED)}</h1><dl class="facts">` +
    fact("Project", session.project ? `<code>${esc(session.project)}</code>` : "") +
    fact("Branch", session.gitBranch ? `<code>${esc(session.gitBranch)}</code>` : "") +
    fact("Pull request", pullRequestHtml(session)) +
    fact("Models", models) +
    fact("Started", timeTag(session.startedAt, "ts long")) +
    fact("Duration", dur ? `<span id="duration" data-start="${esc(session.startedAt ?? "")}">${dur}</span>` : "") +
    fact("Turns", `<span id="turn-count">${session.turns.length}</span> · ${esc(describeCounts(counts))}`, "wide") +
    fact("Tokens", tokens(session), "wide") +
    fact("Cost", session.costUsd !== undefined ? `<span title="${esc(COST_NOTE)}">${formatCost(session.costUsd)}</span>` : "") +
    fact("Changes", changes(session)) +
    `</dl></header>`
  );
}

function outlineHtml(session: Session): string {
  let items = "";
  for (const t of session.turns) {
    items += `<li${t.abandoned ? ` class="abandoned"` : ""}><a href="#turn-${t.index}"><span class="on">${t.index + 1}</span><span class="lb">${esc(turnLabel(t))}</span></a></li>`;
  }
  return `<nav id="outline" class="outline" aria-label="Turns"><div class="oh">Turns <span class="muted" id="outline-count">${session.turns.length}</span></div><ol id="outline-list">${items}</ol></nav>`;
}

const ICONS = {
  outline: `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3h12M2 8h12M2 13h12"/></svg>`,
  find: `<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5L14 14"/></svg>`,
  thinking: `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 2.5a4 4 0 0 0-2.5 7.1V11h5V9.6A4 4 0 0 0 8 2.5zM6 13.5h4"/></svg>`,
  theme: `<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="5.5"/><path d="M8 2.5v11A5.5 5.5 0 0 0 8 2.5z" class="fill"/></svg>`,
  download: `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 2v8M4.5 7L8 10.5 11.5 7M3 13.5h10"/></svg>`,
  view: `<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2 4h12M4.5 8h7M7 12h2"/></svg>`,
};

/** The view panel: what to show, expand/collapse all, wrapping (each remembered by panko.js). */
const VIEW_PANEL =
  `<div class="viewbar" id="viewbar" hidden role="group" aria-label="View">` +
  `<label><input type="checkbox" id="f-thinking" checked> Thinking</label>` +
  `<label><input type="checkbox" id="f-tools" checked> Tool calls</label>` +
  `<label><input type="checkbox" id="f-subagents" checked> Sub-agent transcripts</label>` +
  `<label><input type="checkbox" id="f-wrap"> Wrap long lines</label>` +
  `<span class="vb-sep"></span><button type="button" class="btn" id="b-expand">Expand all</button><button type="button" class="btn" id="b-collapse">Collapse all</button><button type="button" class="btn" id="b-print">Print</button></div>`;

function barHtml(session: Session, opts: RenderOptions): string {
  const label = esc(opts.downloadLabel ?? "Download the session (JSONL)");
  const dl = opts.downloadUrl ? `<a class="ib" id="b-download" href="${esc(opts.downloadUrl)}" download title="${label}" aria-label="${label}">${ICONS.download}</a>` : "";
  return (
    `<div class="bar" id="bar"><button class="ib" id="b-outline" type="button" title="Outline" aria-label="Show outline" aria-controls="outline">${ICONS.outline}</button>` +
    `<a class="bt" href="#top" id="bar-title">${esc(session.title || UNTITLED)}</a>` +
    (opts.eventsUrl ? `<span class="live-state" id="live" role="status" aria-live="polite" data-state="connecting" title="Live updates: connecting">connecting</span>` : "") +
    `<button class="ib" id="b-find" type="button" title="Find (/)" aria-label="Find in page">${ICONS.find}</button>` +
    `<button class="ib" id="b-thinking" type="button" title="Show/hide all thinking (t)" aria-label="Toggle all thinking">${ICONS.thinking}</button>` +
    `<button class="ib" id="b-view" type="button" title="View: filters, expand all, wrap (v)" aria-label="View options" aria-controls="viewbar" aria-expanded="false">${ICONS.view}</button>` +
    `<button class="ib" id="b-theme" type="button" title="Light/dark theme" aria-label="Switch theme">${ICONS.theme}</button>` +
    dl +
    `<button class="ib" id="b-help" type="button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button></div>` +
    VIEW_PANEL +
    `<div class="findbar" id="findbar" hidden><input id="find-q" type="search" placeholder="Find in session" aria-label="Find in session" autocomplete="off" spellcheck="false"><span id="find-n" class="muted" aria-live="polite"></span>` +
    `<button type="button" class="ib" id="find-prev" title="Previous (Shift+Enter)" aria-label="Previous match">↑</button><button type="button" class="ib" id="find-next" title="Next (Enter)" aria-label="Next match">↓</button><button type="button" class="ib" id="find-close" title="Close (Esc)" aria-label="Close find">✕</button></div>`
  );
}

const HELP = `<div class="help" id="help" hidden role="dialog" aria-label="Keyboard shortcuts"><div class="help-box"><h2>Keyboard shortcuts</h2><dl>
<div><dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous turn</dd></div>
<div><dt><kbd>g</kbd> / <kbd>G</kbd></dt><dd>first / last turn</dd></div>
<div><dt><kbd>t</kbd></dt><dd>show / hide all thinking</dd></div>
<div><dt><kbd>o</kbd></dt><dd>show / hide the outline</dd></div>
<div><dt><kbd>v</kbd></dt><dd>view: filters, expand / collapse all, wrap</dd></div>
<div><dt><kbd>w</kbd></dt><dd>wrap long lines in code, commands and diffs</dd></div>
<div><dt><kbd>c</kbd></dt><dd>conversation only (hide tool calls)</dd></div>
<div><dt><kbd>/</kbd></dt><dd>find in session (<kbd>Enter</kbd> next, <kbd>Shift</kbd>+<kbd>Enter</kbd> previous)</dd></div>
<div><dt><kbd>Ctrl</kbd>+<kbd>P</kbd></dt><dd>print the whole session (tool calls not loaded yet come in first)</dd></div>
<div><dt><kbd>?</kbd></dt><dd>this help</dd></div>
<div><dt><kbd>Esc</kbd></dt><dd>close</dd></div>
</dl><button type="button" class="btn" id="help-close">Close</button></div></div>`;

function headHtml(session: Session, opts: RenderOptions): string {
  const title = esc(`${session.title || UNTITLED} · panko`);
  const meta = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="referrer" content="no-referrer"><meta name="generator" content="panko">`;
  let assets: string;
  if (opts.assets.mode === "served") {
    const base = esc(opts.assets.base);
    assets = `<link rel="icon" type="image/svg+xml" href="${base}favicon.svg"><link rel="stylesheet" href="${base}panko.css"><script src="${base}panko.js"></script>`;
  } else {
    // A self-contained file: its own CSP allows only these exact inline assets and data: images.
    const csp = `default-src 'none'; script-src '${assetHash("panko.js")}'; style-src '${assetHash("panko.css")}'; img-src data:; base-uri 'none'; form-action 'none'`;
    assets = `<meta http-equiv="Content-Security-Policy" content="${csp}"><link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${esc(encodeURIComponent(FAVICON_SVG))}"><style>${ASSETS["panko.css"].body}</style><script>${ASSETS["panko.js"].body}</script>`;
  }
  return `<!doctype html>\n<html lang="en"><head>${meta}<title>${title}</title>${assets}</head>\n`;
}

function* pageChunks(session: Session, opts: RenderOptions): Generator<string | Promise<string>> {
  const packer = opts.assets.mode === "inline" && opts.packParts !== false && !opts.collectParts ? new PartPacker(opts.compressParts) : undefined;
  if (packer) opts = { ...opts, collectParts: packer.add };
  const events =
    (opts.eventsUrl ? ` data-events="${esc(opts.eventsUrl)}"` : "") +
    (opts.updatesUrl ? ` data-updates="${esc(opts.updatesUrl)}"` : "") +
    (opts.partsUrl ? ` data-parts="${esc(opts.partsUrl)}"` : "") +
    (opts.searchUrl ? ` data-search="${esc(opts.searchUrl)}"` : "") +
    (opts.generation !== undefined ? ` data-gen="${opts.generation}"` : "") +
    (packer ? ` data-packed` : "");
  yield headHtml(session, opts) +
    `<body${events}><a id="top"></a>${barHtml(session, opts)}<div class="layout"><main id="main">${headerHtml(session)}<div id="turns">`;
  const ctx: Ctx = { opts, session, depth: 0 };
  let buf = "";
  for (const turn of session.turns) {
    buf += safeTurnHtml(turn, ctx);
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  if (session.turns.length === 0) buf += `<p class="empty-session">This session has no turns yet.</p>`;
  yield buf + `</div><footer class="foot">Rendered by panko from <code>${esc(session.source)}</code> session <code>${esc(session.id)}</code></footer></main>${outlineHtml(session)}</div>${HELP}`;
  if (packer) {
    packer.flush();
    for (const t of packer.templates) yield t;
  }
  yield `</body></html>\n`;
}

/**
 * The page as strings, chunk by chunk (what renderPage encodes; handy for writers that take text).
 * A chunk is a promise only where `opts.compressParts` answers with one (a packed group still
 * being compressed elsewhere): a writer awaits it in its place.
 */
export function renderPageChunks(session: Session, opts: RenderOptions & { compressParts: Compress }): Iterable<string | Promise<string>>;
export function renderPageChunks(session: Session, opts: RenderOptions): Iterable<string>;
export function renderPageChunks(session: Session, opts: RenderOptions): Iterable<string | Promise<string>> {
  return pageChunks(session, opts);
}

/** Lets the event loop run other work (I/O, timers) before the next chunk is rendered. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The page for `session`, streamed: each pull renders the next chunk of turns. Each pull first
 * yields to the event loop: a reader that drains fast would otherwise have every chunk rendered
 * back to back, and the server would answer nothing else until the page is done — the browser's
 * request for panko.js, which the parser waits for, among them (on a 100 MB session that held the
 * first paint back by the whole page's render time, ~1 s).
 */
export function renderPage(session: Session, opts: RenderOptions): ReadableStream<Uint8Array> {
  const it = pageChunks(session, opts);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await yieldToLoop();
        try {
          const next = it.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(await next.value));
        } catch (e) {
          // Never a reset connection after a 200: the reader sees where and why the page stops.
          log.error(`render: the page of ${session.id} failed`, e);
          const why = e instanceof Error ? e.message : String(e);
          controller.enqueue(encoder.encode(`<div class="blk notice lv-error render-error" role="alert"><span class="nst">render error</span> panko could not show the rest of this page: ${esc(why)}</div></body></html>\n`));
          controller.close();
        }
      },
      cancel() {
        it.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
