import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cloudflare } from "../../src/tunnels/cloudflare.ts";
import { installCloudflared, installedCloudflaredPath, type Downloader } from "../../src/tunnels/install.ts";
import { fakeEnv, tempDir, thrown } from "./helpers.ts";

function env() {
  const dir = tempDir("install-");
  return fakeEnv({ XDG_DATA_HOME: join(dir, "data") }, false);
}

/** Writes a working fake cloudflared (a tiny script) where asked, like the real install(). */
const fakeDownload: Downloader = async (to) => {
  writeFileSync(to, '#!/bin/sh\necho "cloudflared version 2025.8.1 (built 2025-08-21-1530 UTC)"\n', { mode: 0o644 });
  return to;
};

describe("installCloudflared", () => {
  test("success: binDir()/cloudflared, 755, found by locate from then on, no temp left", async () => {
    const e = env();
    expect(await cloudflare.locate({}, e)).toBeNull();
    const calls: [string, string][] = [];
    const res = await installCloudflared({
      env: e,
      downloader: async (to, version) => {
        calls.push([to, version]);
        return fakeDownload(to, version);
      },
    });
    const path = installedCloudflaredPath(e);
    expect(res).toEqual({ path, version: "2025.8.1" });
    expect(calls[0]![1]).toBe("latest");
    expect(dirname(dirname(calls[0]![0]))).toBe(dirname(path)); // downloaded inside binDir, then renamed
    expect(statSync(path).mode & 0o777).toBe(0o755);
    expect(readdirSync(dirname(path))).toEqual(["cloudflared"]);
    expect(await cloudflare.locate({}, e)).toBe(path);
  });

  test("reinstall replaces the old binary atomically", async () => {
    const e = env();
    await installCloudflared({ env: e, downloader: fakeDownload });
    await installCloudflared({ env: e, downloader: fakeDownload, version: "2025.8.1" });
    expect(readdirSync(dirname(installedCloudflaredPath(e)))).toEqual(["cloudflared"]);
  });

  test("offline failure: clear error with manual instructions, nothing left behind", async () => {
    const e = env();
    const err = await thrown(() =>
      installCloudflared({
        env: e,
        downloader: async () => {
          throw new Error("getaddrinfo ENOTFOUND github.com");
        },
      }),
    );
    expect(err.code).toBe("tunnel");
    expect(err.message).toBe("Could not download cloudflared: getaddrinfo ENOTFOUND github.com");
    const details = err.details.join("\n");
    expect(details).toContain("brew install cloudflared");
    expect(details).toContain("apt");
    expect(details).toContain("https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/");
    expect(details).toContain("panko config set cloudflared_path");
    expect(existsSync(installedCloudflaredPath(e))).toBe(false);
    expect(readdirSync(dirname(installedCloudflaredPath(e)))).toEqual([]);
  });

  test("a download that does not run as cloudflared is refused", async () => {
    const e = env();
    const err = await thrown(() =>
      installCloudflared({ env: e, downloader: async (to) => (writeFileSync(to, "<html>rate limited</html>"), to) }),
    );
    expect(err.message).toContain("does not run as cloudflared");
    expect(existsSync(installedCloudflaredPath(e))).toBe(false);
  });

  test("a hung download times out", async () => {
    const e = env();
    const err = await thrown(() => installCloudflared({ env: e, timeoutMs: 200, downloader: () => new Promise(() => {}) }));
    expect(err.message).toContain("timed out");
  });

  test("a failed reinstall keeps the working binary", async () => {
    const e = env();
    await installCloudflared({ env: e, downloader: fakeDownload });
    await thrown(() =>
      installCloudflared({
        env: e,
        downloader: async () => {
          throw new Error("HTTP response with status code: 404");
        },
      }),
    );
    expect(await cloudflare.version(installedCloudflaredPath(e))).toBe("2025.8.1");
  });
});
