/**
 * A proxy that behaves like a Cloudflare quick tunnel towards server-sent events: it forwards each
 * request to `target` and holds the whole response until it ends before sending any of it (so an
 * event stream reaches the browser only when it closes). `held()` counts responses still held.
 */
export interface BufferingProxy {
  url: string;
  held(): number;
  stop(): Promise<void>;
}

export function startBufferingProxy(target: string): BufferingProxy {
  let held = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const to = new URL(url.pathname + url.search, target);
      const headers = new Headers(req.headers);
      headers.delete("host");
      held++;
      try {
        const res = await fetch(to, { method: req.method, headers, signal: req.signal, redirect: "manual" });
        const body = await res.arrayBuffer(); // the whole body, however long the stream stays open
        const out = new Headers(res.headers);
        out.delete("content-encoding");
        out.delete("content-length");
        out.delete("transfer-encoding");
        return new Response(body, { status: res.status, headers: out });
      } catch {
        return new Response("proxy: upstream failed", { status: 502 });
      } finally {
        held--;
      }
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    held: () => held,
    stop: () => server.stop(true),
  };
}
