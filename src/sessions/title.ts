/** Titles: one line, cut to about `max` characters on a word boundary. */

export const TITLE_MAX = 100;

/** What a session with no title (no title record, no prompt) is called, everywhere: list, page, exports, terminal. */
export const UNTITLED = "Untitled session";

export function cutTitle(text: string, max = TITLE_MAX): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  if (oneLine.length <= max) return oneLine;
  const cut = oneLine.slice(0, max + 1);
  const space = cut.lastIndexOf(" ");
  // Cut on the last word boundary unless that throws away most of the text (one giant word).
  const end = space > max * 0.6 ? space : max;
  return oneLine.slice(0, end).replace(/[\s.,;:!?-]+$/, "") + "…";
}

/**
 * `title` cut from `text`, with `titleSource` (the text it was cut from) when the cut changed it: the
 * privacy pass redacts the whole source and cuts again, so a secret the cut splits is still found.
 */
export function titleFields(text: string, max = TITLE_MAX): { title: string; titleSource?: string } {
  const title = cutTitle(text, max);
  if (title === text.replace(/\s+/g, " ").trim()) return { title };
  // Lines kept as they are (line-anchored rules need them); 8 KB is far past any cut.
  return { title, titleSource: text.length > TITLE_SOURCE_MAX ? text.slice(0, TITLE_SOURCE_MAX) : text };
}

const TITLE_SOURCE_MAX = 8192;
