/**
 * Web tools. WebSearch: the query, then the result Claude Code recorded, which reads
 *   Web search results for query: "…"\n\nLinks: [{"title":"…","url":"https://…"}, …]\n\n<prose>
 * drawn as a list of links (title, then the address in muted text; a link only for http(s)) and the
 * prose as Markdown; results of any other shape are shown as text. WebFetch: the URL (a link only
 * when http(s)), the prompt, and the answer as Markdown.
 */
import { part } from "../parts.ts";
import type { ToolBlock, ToolResult } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc, safeHref } from "../escape.ts";
import { markdownToHtml } from "../markdown-html.ts";
import { frame, inputOf, isObj, remindersHtml, resultHtml, splitReminders, str } from "./frame.ts";

const EXT = `rel="noopener noreferrer nofollow" target="_blank"`;

/** An http(s) URL as a safe href, else undefined. */
function httpHref(url: string): string | undefined {
  const href = safeHref(url);
  return href && /^https?:/i.test(href) ? href : undefined;
}

interface WebLink {
  title: string;
  url: string;
}

/** The links of a `Links: [...]` line, or undefined when the line is not that. */
function parseLinks(line: string): WebLink[] | undefined {
  if (!line.startsWith("Links: [")) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line.slice(7));
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  const links: WebLink[] = [];
  for (const x of v) {
    if (!isObj(x) || typeof x.url !== "string") return undefined;
    links.push({ url: x.url, title: typeof x.title === "string" && x.title.trim() ? x.title : x.url });
  }
  return links;
}

/** The address without its scheme (and without a bare trailing slash), for the muted line. */
function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//i, "").replace(/^www\./i, "").replace(/\/$/, "");
}

function linksHtml(links: WebLink[]): string {
  if (!links.length) return `<div class="empty">(no links)</div>`;
  let items = "";
  for (const l of links) {
    const href = httpHref(l.url);
    const title = href ? `<a href="${esc(href)}" ${EXT}>${esc(l.title)}</a>` : `<span>${esc(l.title)}</span>`;
    items += `<li>${title}<span class="wu">${esc(shortUrl(l.url))}</span></li>`;
  }
  return `<ol class="wlinks">${items}</ol>`;
}

/** Lines of prose visible before a long Markdown answer is collapsed... */
const MD_OVER = 30;
/** ...cut at a paragraph break no later than this line (outside code fences). */
const MD_HEAD = 14;

/**
 * Markdown, collapsed at a paragraph break when long. No copy of the source rides along (as it
 * does for the agent's own text): these answers are long and secondary, and the page stays lighter.
 */
function markdownResult(md: string): string {
  const lines = md.split("\n");
  let body: string;
  let cut = -1;
  if (lines.length > MD_OVER) {
    // The last paragraph break by MD_HEAD, else the first one after it (a long code block first).
    let fence = false;
    for (let i = 0; i < lines.length - 5 && i <= MD_OVER; i++) {
      if (/^\s{0,3}(```|~~~)/.test(lines[i])) fence = !fence;
      // A paragraph break, not just after a heading (that would leave the heading alone).
      else if (!fence && i > 0 && lines[i].trim() === "" && lines[i - 1].trim() !== "" && !/^\s{0,3}#/.test(lines[i - 1])) {
        if (i <= MD_HEAD || cut < 0) cut = i;
        if (i >= MD_HEAD) break;
      }
    }
  }
  if (cut > 0) {
    const rest = lines.length - cut;
    body =
      `<div class="md">${markdownToHtml(lines.slice(0, cut).join("\n"))}</div>` +
      `<details class="more"><summary data-more="${rest}">show all ${lines.length} lines</summary>${part(`<div class="md">${markdownToHtml(lines.slice(cut).join("\n"))}</div>`)}</details>`;
  } else {
    body = `<div class="md">${markdownToHtml(md)}</div>`;
  }
  return `<div class="wmd">${body}</div>`;
}

const SEARCH_HEAD = /^Web search results for query: ".*"\n+/;
/** The note Claude Code appends for the model, not for the reader. */
const SOURCES_NOTE = /\n*(REMINDER: You MUST include the sources above[^\n]*)\s*$/;

/** A WebSearch result as links and Markdown; undefined when it does not have the expected shape. */
function searchResultHtml(result: ToolResult): string | undefined {
  if (result.isError || !SEARCH_HEAD.test(result.text)) return undefined;
  const { text, reminders } = splitReminders(result.text);
  let rest = text.replace(SEARCH_HEAD, "");
  const note = SOURCES_NOTE.exec(rest);
  if (note) {
    reminders.push(note[1].trim());
    rest = rest.slice(0, note.index);
  }
  let html = "";
  let prose = "";
  let found = false;
  const flush = () => {
    // Claude Code joins the answer's parts with "(no content)" where a part was empty.
    const md = prose.replaceAll("(no content)", "\n\n").trim();
    if (md) html += markdownResult(md);
    prose = "";
  };
  for (const line of rest.split("\n")) {
    const links = parseLinks(line);
    if (links) {
      flush();
      html += linksHtml(links);
      found = true;
    } else {
      prose += line + "\n";
    }
  }
  if (!found) return undefined;
  flush();
  return html + remindersHtml(reminders);
}

/** A WebFetch answer as Markdown; undefined for errors and empty answers (shown as text). */
function fetchResultHtml(result: ToolResult): string | undefined {
  if (result.isError) return undefined;
  const { text, reminders } = splitReminders(result.text);
  if (!text.trim()) return undefined;
  return markdownResult(text.trim()) + remindersHtml(reminders);
}

export function renderWeb(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const url = str(input.url);
  const query = str(input.query);
  let arg = "";
  if (url) {
    const href = httpHref(url);
    arg = href ? `<a href="${esc(href)}" ${EXT}>${esc(url)}</a>` : `<code>${esc(url)}</code>`;
  } else if (query) {
    arg = `<q>${esc(query)}</q>`;
  }
  const prompt = str(input.prompt);
  const r = block.result;
  const parsed = r && (block.name === "WebSearch" ? searchResultHtml(r) : block.name === "WebFetch" ? fetchResultHtml(r) : undefined);
  const body = (prompt ? `<p class="note">${esc(prompt)}</p>` : "") + (parsed ?? resultHtml(r, { over: 20, head: 12, cls: "wrap" }));
  return frame(block, { kind: "web", label: block.name, arg, body }, ctx);
}
