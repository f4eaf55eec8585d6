import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PROVIDERS, createProviders, getProvider, pickProvider, providerStatus } from "../../src/tunnels/registry.ts";
import { FAKES, fakeEnv, tempDir, thrown } from "./helpers.ts";

/** An env with no ngrok config file of the user's. */
function env(withFakes: boolean, extra: Record<string, string | undefined> = {}) {
  const dir = tempDir("home-");
  return fakeEnv({ HOME: dir, XDG_CONFIG_HOME: join(dir, "cfg"), XDG_DATA_HOME: join(dir, "data"), ...extra }, withFakes);
}

describe("providerStatus", () => {
  test("all found on PATH; ngrok without a token is not available", async () => {
    const st = await providerStatus({}, env(true));
    expect(st.map((s) => s.name)).toEqual(["cloudflare", "ngrok", "tailscale"]);
    const [cf, ng, ts] = st;
    expect(cf).toEqual({
      name: "cloudflare",
      displayName: "Cloudflare Tunnel",
      binaryName: "cloudflared",
      available: true,
      path: join(FAKES, "cloudflared"),
      version: "2026.8.0",
      problem: null,
    });
    expect(ng!.available).toBe(false);
    expect(ng!.path).toBe(join(FAKES, "ngrok"));
    expect(ng!.version).toBe("3.30.0");
    expect(ng!.problem).toContain("ngrok_token");
    expect(ts!.available).toBe(true);
    expect(ts!.version).toBe("1.92.1");
  });

  test("nothing installed; a bad configured path is reported, not thrown", async () => {
    const st = await providerStatus({ tailscale_path: "/nope/tailscale" }, env(false));
    expect(st.every((s) => !s.available && s.path === null && s.version === null)).toBe(true);
    expect(st[0]!.problem).toContain("panko tunnel install cloudflared");
    expect(st[2]!.problem).toContain("tailscale_path");
  });
});

describe("pickProvider", () => {
  test("first available, flag, then config default", async () => {
    const e = env(true);
    expect((await pickProvider(undefined, {}, e)).name).toBe("cloudflare");
    expect((await pickProvider("tailscale", {}, e)).name).toBe("tailscale");
    expect((await pickProvider(undefined, { default_provider: "tailscale" }, e)).name).toBe("tailscale");
    expect((await pickProvider("cloudflare", { default_provider: "tailscale" }, e)).name).toBe("cloudflare");
    expect((await pickProvider("ngrok", { ngrok_token: "tok_12345678" }, e)).name).toBe("ngrok");
  });

  test("skips what is not available", async () => {
    const e = env(false, { PATH: `${tempDir("only-ts-")}:/usr/bin:/bin` });
    const p = await pickProvider(undefined, { tailscale_path: join(FAKES, "tailscale") }, e);
    expect(p.name).toBe("tailscale");
  });

  test("an explicit choice that cannot be used is explained", async () => {
    const e = env(true);
    const err = await thrown(() => pickProvider("ngrok", {}, e));
    expect(err.code).toBe("tunnel");
    expect(err.message).toContain("ngrok (requested) cannot be used");
    expect(err.message).toContain("panko config set ngrok_token");
    const fromCfg = await thrown(() => pickProvider(undefined, { default_provider: "ngrok" }, e));
    expect(fromCfg.message).toContain("default_provider");
    const unknown = await thrown(() => pickProvider("bore", {}, e));
    expect(unknown.message).toContain('Unknown tunnel provider "bore"');
    expect(unknown.details[0]).toContain("cloudflare, ngrok, tailscale");
  });

  test("none available: each one's state and how to get cloudflared", async () => {
    const err = await thrown(() => pickProvider(undefined, {}, env(false)));
    expect(err.message).toBe("No tunnel provider is available to share with.");
    const details = err.details.join("\n");
    expect(details).toContain("cloudflare: cloudflared not found");
    expect(details).toContain("ngrok: ngrok not found");
    expect(details).toContain("tailscale: tailscale not found");
    expect(details).toContain("panko tunnel install cloudflared");
  });

  test("cloudflared installed in binDir() is found without PATH", async () => {
    const e = env(false);
    const { copyFileSync, mkdirSync } = await import("node:fs");
    const bin = join(e.XDG_DATA_HOME!, "panko", "bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(join(FAKES, "cloudflared"), join(bin, "cloudflared"));
    copyFileSync(join(FAKES, "lib.bash"), join(bin, "lib.bash"));
    const st = await providerStatus({}, e);
    expect(st[0]!.path).toBe(join(bin, "cloudflared"));
    expect(st[0]!.available).toBe(true);
  });
});

test("getProvider / PROVIDERS", () => {
  expect(PROVIDERS.map((p) => p.binaryName)).toEqual(["cloudflared", "ngrok", "tailscale"]);
  expect(getProvider("ngrok").configKey).toBe("ngrok_path");
});

test("createProviders: a fresh set with its own ngrok agent and tailscale ports; pickProvider takes it", async () => {
  const a = createProviders();
  const b = createProviders();
  expect(a.map((p) => p.name)).toEqual(["cloudflare", "ngrok", "tailscale"]);
  expect(getProvider("ngrok", a)).not.toBe(getProvider("ngrok", b));
  expect(getProvider("ngrok", a)).not.toBe(getProvider("ngrok"));
  expect(await pickProvider("tailscale", {}, fakeEnv(), a)).toBe(a[2]!);
});
