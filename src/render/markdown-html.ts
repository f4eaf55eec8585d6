/**
 * Assistant Markdown to safe HTML. Raw HTML is shown as text, links keep only http(s)/mailto/#
 * targets (others become plain text), images never load from elsewhere (they become a link, or
 * their alt text), and fenced code is highlighted by ./highlight.ts. No line end is written
 * between block tags: items and cells keep their line ends on the page (white-space: pre-line).
 *
 * Two renderers give the same markup, but for `'` (only the callbacks escape it) and where the
 * fast one follows CommonMark and the callbacks do not: a line end in inline code or in an image's
 * alt text is a space; a link's target and title and a code block's language lose their
 * backslash escapes and entities (checked over 21,000 random texts and a 100 MB session):
 * - Bun.markdown.render with a callback per element (renderByCallbacks): every element is built
 *   here, so nothing from the text reaches the page unescaped. It takes any text.
 * - Bun.markdown.html with raw HTML off, then the tags that differ rewritten (renderFast): 1.5
 *   times quicker over the texts of the 100 MB benchmark session, whose web pages and answers
 *   make hundreds of thousands of elements, each a callback from native code into JavaScript.
 *   It takes only text without `<` (so no raw HTML or `<url>` autolink, which it renders
 *   otherwise) and without `www.` (which it links as http:, the callbacks as https:). Every tag
 *   of its output must be one it is known to write, in the exact form it writes it; any other
 *   tag, or another attribute, sends the text to the callbacks instead, so a change in Bun's
 *   output can cost speed, never safety.
 */
import { esc, safeHref, unesc } from "./escape.ts";
import { highlight, normalizeLang } from "./highlight.ts";

function codeBlock(children: string, meta?: { language?: string }): string {
  const raw = unesc(children);
  const body = raw.endsWith("\n") ? raw.slice(0, -1) : raw;
  const lang = meta?.language?.trim().split(/\s/)[0];
  const label = lang ? `<span class="lang">${esc(lang)}</span>` : "";
  const html = normalizeLang(lang) ? highlight(body, lang) : esc(body);
  return `<div class="code">${label}<button class="copy" type="button" data-copy="next" title="Copy code" aria-label="Copy code"></button><pre><code>${html}</code></pre></div>`;
}

/** The opening and closing tags around a link's text: a span when the target is not one we keep. */
function linkTags(meta: { href: string; title?: string }): [string, string] {
  let href = meta.href;
  // GFM autolinks hand us bare e-mail addresses and www. hosts.
  if (/^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(href)) href = `mailto:${href}`;
  else if (/^www\./i.test(href)) href = `https://${href}`;
  const safe = safeHref(href);
  if (!safe) return [`<span class="badlink" title="link removed">`, "</span>"];
  const title = meta.title ? ` title="${esc(meta.title)}"` : "";
  const ext = safe.startsWith("#") ? "" : ` rel="noopener noreferrer nofollow" target="_blank"`;
  return [`<a href="${esc(safe)}"${title}${ext}>`, "</a>"];
}

function link(children: string, meta: { href: string; title?: string }): string {
  const [open, close] = linkTags(meta);
  return open + children + close;
}

function image(children: string, meta: { src: string; title?: string }): string {
  // Never load an image from another host (privacy of the reader, CSP of the page).
  const alt = children || "image";
  const safe = safeHref(meta.src);
  if (safe && !safe.startsWith("mailto:")) return `<a class="mdimg" href="${esc(safe)}" rel="noopener noreferrer nofollow" target="_blank">🖼 ${alt}</a>`;
  return `<span class="mdimg">🖼 ${alt}</span>`;
}

const align = (meta?: { align?: string }) => (meta?.align ? ` class="al-${meta.align}"` : "");

const CALLBACKS: Bun.markdown.RenderCallbacks = {
  text: (t) => esc(t),
  heading: (c, m) => `<h${m.level}>${c}</h${m.level}>`,
  paragraph: (c) => `<p>${c}</p>`,
  blockquote: (c) => `<blockquote>${c}</blockquote>`,
  code: codeBlock,
  list: (c, m) => (m.ordered ? `<ol${m.start !== undefined && m.start !== 1 ? ` start="${Number(m.start) | 0}"` : ""}>${c}</ol>` : `<ul>${c}</ul>`),
  listItem: (c, m) =>
    m.checked === undefined ? `<li>${c}</li>` : `<li class="task"><span class="check${m.checked ? " done" : ""}" aria-hidden="true"></span>${c}</li>`,
  hr: () => `<hr>`,
  table: (c) => `<div class="table"><table>${c}</table></div>`,
  thead: (c) => `<thead>${c}</thead>`,
  tbody: (c) => `<tbody>${c}</tbody>`,
  tr: (c) => `<tr>${c}</tr>`,
  th: (c, m) => `<th${align(m)}>${c}</th>`,
  td: (c, m) => `<td${align(m)}>${c}</td>`,
  // Raw HTML blocks: their text already came through `text` (escaped); show it as text.
  html: (c) => `<p class="rawhtml">${c}</p>`,
  strong: (c) => `<strong>${c}</strong>`,
  emphasis: (c) => `<em>${c}</em>`,
  link,
  image,
  codespan: (c) => `<code>${c}</code>`,
  strikethrough: (c) => `<del>${c}</del>`,
};

const OPTIONS: Bun.markdown.Options = { tables: true, strikethrough: true, tasklists: true, autolinks: true };
/** The same parser options, and raw HTML off (shown as text), for Bun.markdown.html. */
const HTML_OPTIONS: Bun.markdown.Options = { ...OPTIONS, noHtmlBlocks: true, noHtmlSpans: true };

/** Texts the fast renderer does not take (see the header). */
const NOT_FAST = /<|www\./i;

/** Renders Markdown to safe HTML. */
export function markdownToHtml(text: string): string {
  if (!text) return "";
  try {
    return (NOT_FAST.test(text) ? undefined : renderFast(text)) ?? renderByCallbacks(text);
  } catch {
    return `<p class="plain">${esc(text)}</p>`;
  }
}

export function renderByCallbacks(text: string): string {
  return Bun.markdown.render(text, CALLBACKS, OPTIONS);
}

/** Renders with Bun.markdown.html; undefined when its output holds a tag it is not known to write. */
export function renderFast(text: string): string | undefined {
  return rewriteHtml(Bun.markdown.html(text, HTML_OPTIONS));
}

/** Any tag but those Bun.markdown.html writes (images and checkboxes always with attributes). */
const OTHER_TAG = /<(?!\/?(?:p|h[1-6]|blockquote|ul|ol|li|em|strong|del|code|pre|table|thead|tbody|tr|th|td|a|hr|br)[ >]|(?:img|input) )/;
/**
 * Line ends around block tags, which Bun.markdown.html writes after most of them and after a tight
 * list item's text before a nested block. Paragraphs, items and cells keep their line ends on the
 * page (white-space: pre-line), so inside an item they would show as blank lines; the callbacks
 * write none either.
 */
const BLOCK_NEWLINES =
  /\n+(?=<\/?(?:p|h[1-6]|blockquote|ul|ol|li|pre|table|thead|tbody|tr|th|td|hr)[ >])|(?<=<\/?(?:p|h[1-6]|blockquote|ul|ol|li|pre|table|thead|tbody|tr|th|td)(?: [^>]*)?>|<hr \/>)\n+/g;
/**
 * What needs rewriting: a whole code block (its body has no `<`, Bun.markdown.html escapes it), a
 * tag with attributes (their values hold no `"` or `>`, escaped, so `[^>]*` reads a tag whole), a
 * table, a hard line break (a line end, as the callbacks have it), and a link's end. The other
 * tags are plain ones (`<p>`, `</li>`, `<strong>`), kept.
 */
const REWRITE = /<pre><code(?: class="language-([^"]*)")?>([^<]*)<\/code><\/pre>|<br \/>\n?|<([a-z][a-z0-9]*)( [^>]*)>|<(\/?)table>|<\/a>/g;
const LINK_ATTRS = /^ href="([^"]*)"(?: title="([^"]*)")?$/;
const IMAGE_ATTRS = /^ src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? \/$/;
const CELL_ATTRS = /^ align="(left|center|right)"$/;
const OL_ATTRS = /^ start="\d{1,9}"$/;
const CHECKBOX_ATTRS = /^ type="checkbox"(?: class="task-list-item-checkbox")?(?: disabled| checked){1,2}$/;

/** Bun.markdown.html's output in the callbacks' markup; undefined at a tag it does not write. */
export function rewriteHtml(html: string): string | undefined {
  if (OTHER_TAG.test(html)) return undefined;
  let unknown = false;
  let linkClose = "</a>"; // a link whose target was removed is a span
  const out = html.replace(BLOCK_NEWLINES, "").replace(REWRITE, (whole, lang: string | undefined, code: string | undefined, name: string | undefined, attrs: string, tableClose: string | undefined) => {
    if (code !== undefined) return codeBlock(code, lang === undefined ? undefined : { language: unesc(lang) });
    if (tableClose !== undefined) return tableClose ? "</table></div>" : `<div class="table"><table>`;
    if (whole.startsWith("<br")) return "\n";
    if (name === undefined) {
      // </a>
      const close = linkClose;
      linkClose = "</a>";
      return close;
    }
    let m: RegExpExecArray | null;
    if (name === "a" && (m = LINK_ATTRS.exec(attrs))) {
      const [open, close] = linkTags({ href: unesc(m[1]!), title: m[2] === undefined ? undefined : unesc(m[2]) });
      linkClose = close;
      return open;
    }
    if (name === "img" && (m = IMAGE_ATTRS.exec(attrs))) return image(m[2]!, { src: unesc(m[1]!) });
    if ((name === "th" || name === "td") && (m = CELL_ATTRS.exec(attrs))) return `<${name} class="al-${m[1]}">`;
    if (name === "li" && attrs === ' class="task-list-item"') return `<li class="task">`;
    if (name === "input" && CHECKBOX_ATTRS.test(attrs)) return `<span class="check${attrs.includes(" checked") ? " done" : ""}" aria-hidden="true"></span>`;
    if (name === "ol" && OL_ATTRS.test(attrs)) return whole;
    if (name === "hr" && attrs === " /") return "<hr>";
    unknown = true;
    return whole;
  });
  return unknown ? undefined : out;
}
