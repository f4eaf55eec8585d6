/**
 * File reads: the path, then the content with line numbers and highlighting. Claude prefixes each
 * line with `     N→`; those become the gutter's numbers (so a read from line 200 counts from 200).
 */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { highlight, langFromPath } from "../highlight.ts";
import { numberLines, pre } from "../output.ts";
import { frame, inputOf, remindersHtml, resultHtml, splitReminders, str } from "./frame.ts";
import { plural } from "../../plural.ts";

const NUMBERED = /^ *(\d+)[→\t]/;

/** Splits Claude's `     N→text` lines into numbers and text; undefined when the text is not numbered. */
export function splitNumbered(text: string): { numbers: number[]; code: string; tail: string } | undefined {
  const lines = text.split("\n");
  if (!NUMBERED.test(lines[0] ?? "")) return undefined;
  const numbers: number[] = [];
  const code: string[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const m = NUMBERED.exec(lines[i]);
    if (!m) break;
    numbers.push(Number(m[1]));
    code.push(lines[i].slice(m[0].length));
  }
  // What follows the numbered lines (system reminders, notes) is kept as plain text.
  const tail = lines.slice(i).join("\n").trim();
  return { numbers, code: code.join("\n"), tail };
}

export function renderRead(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const path = str(input.file_path) ?? str(input.path) ?? str(input.notebook_path) ?? "";
  const range = [input.offset !== undefined ? `from line ${Number(input.offset)}` : "", input.limit !== undefined ? plural(Number(input.limit), "line") : ""]
    .filter(Boolean)
    .join(", ");
  const result = block.result;
  let body = "";
  if (result && !result.isError && result.text) {
    const { text, reminders } = splitReminders(result.text);
    const split = splitNumbered(text);
    if (split) {
      const { html, width } = numberLines(highlight(split.code, langFromPath(path)), 1, split.numbers);
      body = pre(html, { cls: `lines w${width}`, lines: split.numbers.length, over: 16, head: 10 });
      if (split.tail) body += pre(esc(split.tail), { cls: "note wrap" });
      body += remindersHtml(reminders);
    } else {
      body = resultHtml(result, { lang: langFromPath(path), over: 16, head: 10 });
    }
  } else {
    body = resultHtml(result);
  }
  return frame(block, {
    kind: "read",
    label: block.name,
    arg: `<code class="path">${esc(path)}</code>${range ? ` <span class="muted">${esc(range)}</span>` : ""}`,
    body,
  }, ctx);
}
