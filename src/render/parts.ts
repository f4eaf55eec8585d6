/**
 * Parts of a page sent only when opened. In served mode (RenderOptions.partsUrl), the content of a
 * collapsed element (a long output's rest, thinking, a sub-agent transcript, a rewound branch, a
 * long diff's rest...) of more than PART_MIN characters is left out of the page: a placeholder
 * `<div class="lazy" data-part="T.K">` stands in its place, and panko.js fetches
 * `parts?g=G&p=T.K,...` when it is opened. Deferred parts (`lazy auto`: the runs of tool calls
 * past a session's first turns, see turn.ts) are open content, fetched as they scroll near. The parts of a turn are numbered in render order, so
 * rendering the same turn again (the viewer does, to answer a part) gives the same numbers.
 *
 * Rendering is synchronous, so the sink of the turn being rendered is held here while it renders
 * (`withParts`) rather than threaded through every renderer; without one, `part` returns the HTML
 * as it is (exports, Markdown).
 */

/** Content shorter than this stays in the page (a request costs more than it saves). */
export const PART_MIN = 1024;

/**
 * Receives a part's HTML and returns what the page shows in its place. `deferred`: content shown
 * at once, not collapsed (a run of tool calls, see turn.ts), whose placeholder the page fills as it
 * scrolls near; its `key` names it across renders (the anchor of the run's first call), so a live
 * turn sent again can keep showing the run the reader had.
 */
export type PartSink = (html: string, deferred?: { key: string }) => string;

let sink: PartSink | undefined;

/** `html` itself, or (while a turn renders in served mode) its placeholder. */
export function part(html: string): string {
  return sink && html.length >= PART_MIN ? sink(html) : html;
}

/** Whether parts are being left out (a served page, or a self-contained one that packs them). */
export const leavingParts = (): boolean => sink !== undefined;

/** Open content the page may fill in later (see PartSink): `html` itself when no part is left out. */
export function deferredPart(html: string, key: string): string {
  return sink && html.length >= PART_MIN ? sink(html, { key }) : html;
}

/** Runs `fn` with `s` receiving the parts it renders (nested calls restore the outer sink). */
export function withParts<T>(s: PartSink | undefined, fn: () => T): T {
  const prev = sink;
  sink = s;
  try {
    return fn();
  } finally {
    sink = prev;
  }
}

/** The placeholder of part `k` of turn `turn`; a deferred one is filled when it scrolls near. */
export const placeholder = (turn: number, k: number, chars: number, deferred?: { key: string }): string =>
  `<div class="lazy${deferred ? ` auto" data-key="${deferred.key}` : ""}" data-part="${turn}.${k}" data-chars="${chars}"><span class="muted">loading…</span></div>`;

/**
 * A sink for turn `turn`: numbers parts from 0 and returns placeholders; with `keep`, also
 * collects each part's HTML (index = number).
 */
export function partSink(turn: number, keep?: string[]): PartSink {
  let k = 0;
  return (html, deferred) => {
    keep?.push(html);
    return placeholder(turn, k++, html.length, deferred);
  };
}
