/** What every renderer is handed: the page options and where in the session it is. */
import type { ImageBlock, Session } from "../sessions/model.ts";
import type { Compress } from "./pack.ts";

export interface RenderOptions {
  /**
   * served: the page links `${base}panko.css` and `${base}panko.js` (the viewer serves ASSETS);
   * inline: CSS and JS are inlined, for a self-contained file that works offline.
   */
  assets: { mode: "served"; base: string } | { mode: "inline" };
  /** URL of an image; return "" when it cannot be shown (a placeholder is rendered instead). */
  imageSrc(img: ImageBlock): string;
  /** SSE endpoint for live updates (served mode). */
  eventsUrl?: string;
  /** The polling fallback for live updates (`updates?g=G` answers JSON), for proxies that buffer event streams. */
  updatesUrl?: string;
  /** Served pages: where collapsed content left out of the page is fetched (`parts?g=G&p=T.K,...`). */
  partsUrl?: string;
  /**
   * Self-contained pages: receives each turn's parts (see parts.ts), which the page then carries
   * compressed instead of inline. Set by renderPage for inline pages unless `packParts` is false.
   */
  collectParts?(turn: number, parts: string[]): void;
  /** Inline pages: carry collapsed content compressed (default true); false keeps it all as HTML. */
  packParts?: boolean;
  /** Inline pages: how a group of parts is compressed (default gzipBase64 here; export hands it to a worker). */
  compressParts?: Compress;
  /** Served pages: the server-side search of the whole session (`search?q=`), for parts not yet fetched. */
  searchUrl?: string;
  /** The generation of the session this page shows (what a live page polls from). */
  generation?: number;
  /** Where the reader can download the session file (JSONL, as served: redacted for shares). */
  downloadUrl?: string;
  /** What the download holds, as its tooltip (default "Download the session (JSONL)"). */
  downloadLabel?: string;
}

export interface Ctx {
  opts: RenderOptions;
  /** The top-level session (sub-agents render with the same ctx and a greater depth). */
  session: Session;
  depth: number;
  /** Rendering the session's last turn (where a tool without a result may still be running). */
  lastTurn?: boolean;
}

/** imageSrc for self-contained pages: embedded images as data: URIs, remote ones not loaded. */
export function inlineImageSrc(img: ImageBlock): string {
  if (!img.data) return "";
  const type = /^image\/[\w.+-]+$/.test(img.mediaType) ? img.mediaType : "application/octet-stream";
  if (!/^[A-Za-z0-9+/=\s]*$/.test(img.data.length > 4096 ? img.data.slice(0, 4096) : img.data)) return "";
  return `data:${type};base64,${img.data}`;
}
