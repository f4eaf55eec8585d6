/**
 * The page's stylesheet and script, embedded as text so `bun build --compile` puts them inside the
 * binary. The viewer serves them at `${base}panko.css` / `${base}panko.js`; exported files inline
 * them (with a CSP that allows exactly these two, by hash).
 */
import css from "./assets/panko.css" with { type: "text" };
import js from "./assets/panko.js" with { type: "text" };

export interface Asset {
  body: string;
  type: string;
}

/** The favicon: a panko crumb on the accent colour. */
export const FAVICON_SVG =
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#b4540a"/><path d="M9 22l4-12 4 8 3-5 3 9z" fill="#fff5e8"/></svg>`;

export const ASSETS: Record<string, Asset> = {
  "panko.css": { body: css, type: "text/css; charset=utf-8" },
  "panko.js": { body: js, type: "text/javascript; charset=utf-8" },
  "favicon.svg": { body: FAVICON_SVG, type: "image/svg+xml" },
};

const hashes = new Map<string, string>();

/** The CSP source for an asset inlined as-is, e.g. `sha256-…`. */
export function assetHash(name: string): string {
  let h = hashes.get(name);
  if (!h) {
    h = `sha256-${new Bun.CryptoHasher("sha256").update(ASSETS[name].body).digest("base64")}`;
    hashes.set(name, h);
  }
  return h;
}
