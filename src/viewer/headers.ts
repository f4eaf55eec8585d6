/**
 * Response headers of the viewer. Every response (pages, assets, images, downloads, events, 404s)
 * carries the security headers: the page may only load what this server serves, nothing inline,
 * nothing framed, no referrer leaves it.
 */

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** For what changes or must not linger in caches: the page, downloads, events, health. */
export const NO_STORE = "no-store";
/** For embedded assets, addressed by a content hash: cache for a year. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** For session images: stable per id, but private to whoever may see the session. */
export const PRIVATE_CACHE = "private, max-age=3600";

/** Headers for a response: the security set, plus the given ones. */
export function headers(extra: Record<string, string> = {}): Headers {
  const h = new Headers(SECURITY_HEADERS);
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return h;
}

/** A neutral 404: the same short body whatever was asked, so it tells nothing about what exists. */
export function notFound(): Response {
  return new Response("Not Found", {
    status: 404,
    headers: headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": NO_STORE }),
  });
}

export function methodNotAllowed(): Response {
  return new Response("Method Not Allowed", {
    status: 405,
    headers: headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": NO_STORE, Allow: "GET, HEAD" }),
  });
}
