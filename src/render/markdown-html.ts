/**
 * Assistant Markdown to HTML with Bun.markdown.render: every element is built here from callbacks,
 * so nothing from the text reaches the page unescaped. Raw HTML is shown as text, links keep only
 * http(s)/mailto/# targets (others become plain text), images never load from elsewhere (they
 * become a link, or their alt text), and fenced code is highlighted by ./highlight.ts.
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

function link(children: string, meta: { href: string; title?: string }): string {
  let href = meta.href;
  // GFM autolinks hand us bare e-mail addresses and www. hosts.
  if (/^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/.test(href)) href = `mailto:${href}`;
  else if (/^www\./i.test(href)) href = `https://${href}`;
  const safe = safeHref(href);
  if (!safe) return `<span class="badlink" title="link removed">${children}</span>`;
  const title = meta.title ? ` title="${esc(meta.title)}"` : "";
  const ext = safe.startsWith("#") ? "" : ` rel="noopener noreferrer nofollow" target="_blank"`;
  return `<a href="${esc(safe)}"${title}${ext}>${children}</a>`;
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
  heading: (c, m) => `<h${m.level}>${c}</h${m.level}>\n`,
  paragraph: (c) => `<p>${c}</p>\n`,
  blockquote: (c) => `<blockquote>${c}</blockquote>\n`,
  code: codeBlock,
  list: (c, m) => (m.ordered ? `<ol${m.start !== undefined && m.start !== 1 ? ` start="${Number(m.start) | 0}"` : ""}>${c}</ol>\n` : `<ul>${c}</ul>\n`),
  listItem: (c, m) =>
    m.checked === undefined ? `<li>${c}</li>` : `<li class="task"><span class="check${m.checked ? " done" : ""}" aria-hidden="true"></span>${c}</li>`,
  hr: () => `<hr>\n`,
  table: (c) => `<div class="table"><table>${c}</table></div>\n`,
  thead: (c) => `<thead>${c}</thead>`,
  tbody: (c) => `<tbody>${c}</tbody>`,
  tr: (c) => `<tr>${c}</tr>`,
  th: (c, m) => `<th${align(m)}>${c}</th>`,
  td: (c, m) => `<td${align(m)}>${c}</td>`,
  // Raw HTML blocks: their text already came through `text` (escaped); show it as text.
  html: (c) => `<p class="rawhtml">${c}</p>\n`,
  strong: (c) => `<strong>${c}</strong>`,
  emphasis: (c) => `<em>${c}</em>`,
  link,
  image,
  codespan: (c) => `<code>${c}</code>`,
  strikethrough: (c) => `<del>${c}</del>`,
};

const OPTIONS: Bun.markdown.Options = { tables: true, strikethrough: true, tasklists: true, autolinks: true };

/** Renders Markdown to safe HTML. */
export function markdownToHtml(text: string): string {
  if (!text) return "";
  try {
    return Bun.markdown.render(text, CALLBACKS, OPTIONS);
  } catch {
    return `<p class="plain">${esc(text)}</p>`;
  }
}
