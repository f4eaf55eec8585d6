/** Images: lazily loaded, from opts.imageSrc (a served URL, or a data: URI in a self-contained file). */
import type { ImageBlock } from "../sessions/model.ts";
import type { Ctx } from "./context.ts";
import { esc, safeHref } from "./escape.ts";

export function imageHtml(img: ImageBlock, ctx: Ctx): string {
  const src = ctx.opts.imageSrc(img);
  const label = esc(img.mediaType || "image");
  if (!src) {
    const url = img.url ? safeHref(img.url) : undefined;
    return url
      ? `<span class="img missing">🖼 <a href="${esc(url)}" rel="noopener noreferrer nofollow" target="_blank">${esc(url)}</a></span>`
      : `<span class="img missing">🖼 ${label} (not embedded)</span>`;
  }
  const s = esc(src);
  return `<a class="img" href="${s}" target="_blank" rel="noopener"><img src="${s}" alt="${label}" loading="lazy" decoding="async"></a>`;
}
