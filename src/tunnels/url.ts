/**
 * The local side of a tunnel.
 *
 * Exported (stable):
 *   parseLocalUrl(localUrl): URL    an http(s) URL with a host, else PankoError("tunnel")
 *   localOrigin(localUrl): string   "http://127.0.0.1:PORT" (path dropped: tunnels forward origins)
 *   localPort(localUrl): number     the port, explicit or the scheme's default
 */
import { PankoError } from "../errors.ts";

export function parseLocalUrl(localUrl: string): URL {
  let url: URL;
  try {
    url = new URL(localUrl);
  } catch {
    throw new PankoError("tunnel", `Not a URL to forward: ${localUrl}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PankoError("tunnel", `A tunnel forwards http(s) URLs, not ${url.protocol} (${localUrl}).`);
  }
  return url;
}

export function localOrigin(localUrl: string): string {
  return parseLocalUrl(localUrl).origin;
}

export function localPort(localUrl: string): number {
  const url = parseLocalUrl(localUrl);
  if (url.port) return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}
