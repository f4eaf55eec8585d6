/** One turn: a <section id="turn-N"> with a permalink, its time and its blocks; rewound turns collapsed. */
import { deferredPart, leavingParts, part, partSink, withParts } from "./parts.ts";
import type { NoticeBlock, Session, Turn } from "../sessions/model.ts";
import { NOTICE_RUN_MIN, noticeRun, renderBlock } from "./blocks.ts";
import type { Ctx, RenderOptions } from "./context.ts";
import { esc, timeTag } from "./escape.ts";
import { toolAnchor } from "./tools/frame.ts";
import { log } from "../log.ts";

const LABEL_MAX = 80;

/** The outline's words for a turn: the start of its prompt (or of whatever opened it). */
export function turnLabel(turn: Turn): string {
  let text = "";
  for (const b of turn.blocks) {
    if (b.kind === "prompt") {
      text = b.text;
      break;
    }
    if (!text && b.kind === "command") text = b.name + (b.args ? ` ${b.args}` : "");
    if (!text && b.kind === "compaction") text = "(conversation compacted)";
  }
  if (!text) {
    const first = turn.blocks.find((b) => b.kind === "text");
    text = first && first.kind === "text" ? first.text : "(continued)";
  }
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > LABEL_MAX ? one.slice(0, LABEL_MAX - 1) + "…" : one || "(empty prompt)";
}

export function turnHtml(turn: Turn, outer: Ctx): string {
  if (outer.depth !== 0) return turnBody(turn, outer);
  const ctx: Ctx = { ...outer, lastTurn: turn.index === outer.session.turns.length - 1 };
  // Served pages leave collapsed content out, self-contained ones carry it packed (see parts.ts).
  const collect = outer.opts.collectParts;
  if (collect) {
    const parts: string[] = [];
    const html = withParts(partSink(turn.index, parts), () => turnBody(turn, ctx));
    if (parts.length) collect(turn.index, parts);
    return html;
  }
  return withParts(outer.opts.partsUrl ? partSink(turn.index) : undefined, () => turnBody(turn, ctx));
}

/**
 * The parts of a turn that its served page leaves out, by number (what `parts?p=T.K` answers).
 * Rendering the turn again numbers them the same way.
 */
export function renderTurnParts(turn: Turn, session: Session, opts: RenderOptions): string[] {
  const parts: string[] = [];
  const ctx: Ctx = { opts, session, depth: 0, lastTurn: turn.index === session.turns.length - 1 };
  withParts(partSink(turn.index, parts), () => turnBody(turn, ctx));
  return parts;
}

/** The first turns, whose tool calls are in the page itself (up to INLINE_TOOLS): what a reader sees first. */
const INLINE_TURNS = 2;
/** Characters of tool calls each of the first turns carries in the page before it defers the rest. */
const INLINE_TOOLS = 128 * 1024;
/** The last calls of a live page's last turn, always in the page: what a reader following it watches change. */
const TAIL_CALLS = 30;
/** A deferred run of tool calls is cut into parts of about this many characters. */
const DEFER_CHUNK = 32 * 1024;

/**
 * Whether this turn's runs of tool calls are deferred: on a page that leaves parts out, in a
 * top-level turn that is not a rewound branch (collapsed whole already). The words of the
 * conversation (prompts, answers, notices) are always in the page, and so are the first turns' first
 * calls and the last calls of a live page's last turn; the other calls, most of a big session's
 * weight, come as the reader scrolls near them. A pure function of the turn and the page, so the
 * parts route numbers the parts as the page did; a turn that stops being the last is sent again
 * (viewer/live.ts), as its tail is then deferred.
 */
function defersTools(turn: Turn, ctx: Ctx): boolean {
  return ctx.depth === 0 && !turn.abandoned && leavingParts();
}

/** The number of tool calls in the turn. */
function toolCount(turn: Turn): number {
  let n = 0;
  for (const b of turn.blocks) if (b.kind === "tool") n++;
  return n;
}

function turnBody(turn: Turn, ctx: Ctx): string {
  let body = "";
  const blocks = turn.blocks;
  const defer = defersTools(turn, ctx);
  let inline = turn.index < INLINE_TURNS ? INLINE_TOOLS : 0;
  // By count, not size, so a turn that grows keeps the numbers of the parts before its tail.
  const tailFrom = defer && ctx.lastTurn && ctx.opts.eventsUrl !== undefined ? toolCount(turn) - TAIL_CALLS : Infinity;
  let calls = 0;
  let run = "";
  let runKey = "";
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (defer && b.kind === "tool") {
      const html = renderBlock(b, ctx);
      const inTail = calls++ >= tailFrom;
      if (inline > 0 || inTail) {
        inline -= html.length;
        if (run) {
          body += deferredPart(run, runKey);
          run = "";
        }
        body += html;
        continue;
      }
      if (!run) runKey = toolAnchor(b);
      run += html;
      if (run.length >= DEFER_CHUNK) {
        body += deferredPart(run, runKey);
        run = "";
      }
      continue;
    }
    if (run) {
      body += deferredPart(run, runKey);
      run = "";
    }
    if (b.kind === "notice") {
      let end = i + 1;
      while (end < blocks.length) {
        const next = blocks[end];
        if (next.kind !== "notice" || next.subtype !== b.subtype || next.level !== b.level) break;
        end++;
      }
      if (end - i >= NOTICE_RUN_MIN) {
        body += noticeRun(blocks.slice(i, end) as NoticeBlock[]);
        i = end - 1;
        continue;
      }
    }
    body += renderBlock(b, ctx);
  }
  if (run) body += deferredPart(run, runKey);
  const n = turn.index;
  const head = `<div class="turn-h"><a class="pl" href="#turn-${n}" title="Link to this turn">#${n + 1}</a>${timeTag(turn.timestamp)}${
    turn.abandoned ? `<span class="badge">rewound</span>` : ""
  }</div>`;
  const label = esc(turnLabel(turn));
  if (turn.abandoned) {
    return `<section class="turn abandoned" id="turn-${n}" data-label="${label}">${head}<details class="rewound"><summary>A branch the user rewound away from <span class="muted">${turn.blocks.length} block${turn.blocks.length === 1 ? "" : "s"}</span></summary>${part(body)}</details></section>\n`;
  }
  return `<section class="turn" id="turn-${n}" data-label="${label}">${head}${body}</section>\n`;
}

/**
 * A turn that cannot be rendered is logged and replaced by a notice in its place, so the rest of
 * the page (and the connection) carry on.
 */
export function safeTurnHtml(turn: Turn, ctx: Ctx): string {
  try {
    return turnHtml(turn, ctx);
  } catch (e) {
    log.error(`render: turn ${turn.index + 1} of ${ctx.session.id} failed`, e);
    const why = e instanceof Error ? e.message : String(e);
    const n = turn.index;
    return `<section class="turn render-error" id="turn-${n}" data-label="(could not be shown)"><div class="turn-h"><a class="pl" href="#turn-${n}" title="Link to this turn">#${n + 1}</a></div><div class="blk notice lv-error" role="alert"><span class="nst">render error</span> This turn could not be shown: ${esc(why)}</div></section>\n`;
  }
}

/** One turn's element, as the viewer pushes it in a live `turn` event. */
export function renderTurnHtml(turn: Turn, session: Session, opts: RenderOptions): string {
  return safeTurnHtml(turn, { opts, session, depth: 0 });
}
