import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run.ts";
import { fakeEnv } from "../tunnels/helpers.ts";

async function run(argv: string[], env: Record<string, string | undefined>) {
  const m = memoryIo({ env });
  const code = await runCli(argv, m.io);
  return { code, out: m.stdout(), err: m.stderr() };
}

describe("panko tunnel", () => {
  test("status lists every provider with path and version", async () => {
    const r = await run(["tunnel", "status"], fakeEnv());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cloudflare\s+available/);
    expect(r.out).toMatch(/path\s+\S+test\/fakes\/cloudflared/);
    expect(r.out).toMatch(/version\s+2026\./);
    expect(r.out).toMatch(/ngrok\s+not available/);
    expect(r.out).toContain("panko config set ngrok_token");
  });

  test("status --json", async () => {
    const r = await run(["tunnel", "status", "--json"], fakeEnv({ NGROK_AUTHTOKEN: "tok" }));
    const rows = JSON.parse(r.out);
    expect(rows.map((s: { name: string }) => s.name)).toEqual(["cloudflare", "ngrok", "tailscale"]);
    expect(rows.every((s: { available: boolean }) => s.available)).toBe(true);
  });

  test("with nothing installed it says how to get cloudflared", async () => {
    const r = await run(["tunnel"], fakeEnv({}, false));
    expect(r.out).toContain("panko tunnel install cloudflared");
    expect(r.out).toMatch(/cloudflare\s+not available/);
  });

  test("npm's cloudflared shim on PATH is not taken for the real executable", async () => {
    const dir = join(process.env.PANKO_TEST_ROOT!, "shim/node_modules/.bin");
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(import.meta.dir, "../../node_modules/cloudflared/lib/cloudflared.js"), join(dir, "cloudflared"));
    const r = await run(["tunnel", "status", "--json"], fakeEnv({ PATH: `${dir}:/usr/bin:/bin` }, false));
    expect(JSON.parse(r.out)[0]).toMatchObject({ name: "cloudflare", available: false, path: null });
  });

  test("install refuses anything but cloudflared", async () => {
    const r = await run(["tunnel", "install", "ngrok"], fakeEnv());
    expect(r.code).toBe(2);
    expect(r.err).toContain("panko can install cloudflared only");
  });
});
