#!/usr/bin/env bun
/**
 * The fake cloudflared's metrics server (run by test/fakes/cloudflared): what cloudflared's
 * metrics/metrics.go and metrics/readiness.go answer.
 *   GET /ready        200 once the file READYFILE exists (a connection is registered), else 503;
 *                     body {"status":N,"readyConnections":N,"connectorId":"<uuid>"}
 *   GET /quicktunnel  {"hostname":"<words>.trycloudflare.com"}
 *   GET /healthcheck  OK
 * argv: ADDR (127.0.0.1:PORT) HOSTNAME READYFILE LISTENINGFILE. Writes LISTENINGFILE once bound;
 * exits 3 when the port is taken.
 */
import { existsSync, writeFileSync } from "node:fs";

const [addr, hostname, readyFile, listeningFile] = process.argv.slice(2) as [string, string, string, string];
const [host, port] = [addr.slice(0, addr.lastIndexOf(":")), Number(addr.slice(addr.lastIndexOf(":") + 1))];
const connectorId = "6f1b9a52-2c1d-4b7e-9a0f-3e5d7c9b1a24";
try {
  Bun.serve({
    hostname: host,
    port,
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/ready") {
        const ok = existsSync(readyFile);
        const status = ok ? 200 : 503;
        return new Response(JSON.stringify({ status, readyConnections: ok ? 1 : 0, connectorId }), { status });
      }
      if (path === "/quicktunnel") return new Response(`{"hostname":"${hostname}"}`);
      if (path === "/healthcheck") return new Response("OK\n");
      return new Response("404 page not found\n", { status: 404 });
    },
  });
} catch {
  process.exit(3);
}
writeFileSync(listeningFile, "");
