/**
 * The session picker: one autocomplete over every session (in the configured order) plus
 * "Active shares (N)" and "Settings". Each option shows title, project, relative time, message
 * count and source; typing filters on title, project, first prompt and id. The search text of each
 * option is built once, lower-cased, so a keystroke over thousands of sessions is one pass of
 * `includes`.
 */
import { UNTITLED } from "../sessions/title.ts";
import type { SessionSummary } from "../sessions/model.ts";
import type { Choice, Ui } from "./prompts.ts";
import { formatAgo, line, plural, tildePath, truncate } from "./text.ts";

export const SHARES = "\u0000shares";
export const SETTINGS = "\u0000settings";

export type PickerValue = string;
export type Picked = { kind: "session"; session: SessionSummary } | { kind: "shares" } | { kind: "settings" };

export interface PickerModel {
  options: Choice<PickerValue>[];
  /** Lower-cased search text by option value. */
  haystack: Map<PickerValue, string>;
  byPath: Map<string, SessionSummary>;
}

/**
 * One option's label: title, then project · when · messages · source, cut to `width` columns.
 * The title is what a user scans for, so it keeps its room (up to ~60% of the line); a long
 * project path gives way first, to its last folders (`…/moredip/session-share`).
 */
export function sessionLabel(s: SessionSummary, opts: { now: number; home?: string; width: number }): string {
  const when = formatAgo(s.updatedAt ?? s.createdAt, opts.now) || new Date(s.mtimeMs).toISOString().slice(0, 10);
  const tail = [when, plural(s.prompts + s.assistantMessages, "message"), s.source].join(" · ");
  const title = line(s.title) || UNTITLED;
  const room = Math.max(20, opts.width);
  const titleWidth = Bun.stringWidth(title);
  const project = line(tildePath(s.project, opts.home)) || "no project";
  // what the title may take: all it needs when the rest fits, else at least ~60% of the line
  const restWidth = Bun.stringWidth(project) + 3 + Bun.stringWidth(tail);
  const titleRoom = Math.min(titleWidth, Math.max(room - 2 - restWidth, Math.floor(room * 0.6)));
  const projectRoom = room - 2 - Math.min(titleWidth, titleRoom) - 3 - Bun.stringWidth(tail);
  const text = `${truncate(title, titleRoom)}  ${[shortPath(project, projectRoom), tail].filter(Boolean).join(" · ")}`;
  return truncate(text, room);
}

/** A path cut to `width` columns from the left, at a folder boundary where it can be. */
export function shortPath(path: string, width: number): string {
  if (Bun.stringWidth(path) <= width) return path;
  if (width < 4) return "";
  const parts = path.split("/");
  let out = parts.pop() ?? "";
  while (parts.length && Bun.stringWidth(`…/${parts.at(-1)}/${out}`) <= width) out = `${parts.pop()}/${out}`;
  out = `…/${out}`;
  return Bun.stringWidth(out) <= width ? out : truncate(out, width);
}

export function buildPicker(sessions: SessionSummary[], opts: { now: number; home?: string; width: number; activeShares?: number }): PickerModel {
  const haystack = new Map<PickerValue, string>();
  const byPath = new Map<string, SessionSummary>();
  const sharesLabel = opts.activeShares === undefined ? "Active shares" : `Active shares (${opts.activeShares})`;
  const options: Choice<PickerValue>[] = [
    { value: SHARES, label: `» ${sharesLabel}` },
    { value: SETTINGS, label: "» Settings" },
  ];
  haystack.set(SHARES, "active shares");
  haystack.set(SETTINGS, "settings");
  for (const s of sessions) {
    byPath.set(s.path, s);
    options.push({ value: s.path, label: sessionLabel(s, opts) });
    haystack.set(s.path, [s.title, s.project ?? "", s.firstPrompt ?? "", s.id].join("\n").toLowerCase());
  }
  return { options, haystack, byPath };
}

/**
 * The filter: every word of the search must appear in the option's search text. Typing on
 * (a search that extends the previous one) only re-tests the options that matched before.
 */
export function pickerFilter(model: PickerModel): (search: string, option: Choice<PickerValue>) => boolean {
  let last: string | undefined;
  let words: string[] = [];
  let previous: Set<PickerValue> | undefined;
  let current = new Set<PickerValue>();
  return (search, option) => {
    if (search !== last) {
      const narrower = last !== undefined && search.startsWith(last) && !/\s$/.test(last);
      previous = narrower ? current : undefined;
      current = new Set();
      last = search;
      words = search.toLowerCase().split(/\s+/).filter(Boolean);
    }
    if (previous && !previous.has(option.value)) return false;
    const hay = model.haystack.get(option.value);
    if (hay === undefined) return false;
    for (const w of words) if (!hay.includes(w)) return false;
    current.add(option.value);
    return true;
  };
}

/** Shows the picker; null when the user leaves (Escape / Ctrl+C). */
export async function pick(ui: Ui, model: PickerModel): Promise<Picked | null> {
  const first = model.options[2]?.value;
  const count = model.options.length - 2;
  const value = await ui.autocomplete({
    message: count ? `Pick a session (${plural(count, "session")}; type to filter)` : "No sessions found yet",
    options: model.options,
    filter: pickerFilter(model),
    initialValue: first,
    placeholder: "title, project, prompt or id",
  });
  if (value === null) return null;
  if (value === SHARES) return { kind: "shares" };
  if (value === SETTINGS) return { kind: "settings" };
  const session = model.byPath.get(value);
  return session ? { kind: "session", session } : null;
}
