/**
 * The local side of a tunnel.
 *
 * Exported (stable):
 *   parseLocalUrl(localUrl): URL    an http(s) URL with a host, else PankoError("tunnel")
 *   localOrigin(localUrl): string   "http://127.0.0.1:PORT" (path dropped: tunnels forward origins)
 *   localPort(localUrl): number     the port, explicit or the scheme's default
 *   pickFreePort(): number          a port on 127.0.0.1 free a moment ago
 *   probeHttp(url, timeoutMs?)      {status, body} or null when nothing answers (never throws)
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

/** A TCP port on 127.0.0.1 that was free a moment ago (the caller must cope with losing a race). */
export function pickFreePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** GET url with a timeout; null when it does not answer. Never throws. */
export async function probeHttp(url: string, timeoutMs = 2000): Promise<{ status: number; body: string } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, body: await res.text() };
  } catch {
    return null;
  }
}
