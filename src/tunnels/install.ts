/**
 * `panko tunnel install cloudflared`: download Cloudflare's cloudflared into panko's binDir(),
 * where cloudflare.locate() finds it from then on.
 *
 * Exported (stable):
 *   installCloudflared(opts?: InstallOptions): Promise<InstallResult>
 *   type Downloader = (to: string, version: string) => Promise<string>
 *   defaultDownloader: Downloader        the `cloudflared` npm package's install() (GitHub releases)
 *   installedCloudflaredPath(env?): string    binDir()/cloudflared
 *   MANUAL_INSTALL_HINTS: string[]
 *
 * The download goes to a temp dir inside binDir() and is moved into place with one rename (so a
 * half-written file never sits at the final path), after chmod 755 and a check that it runs
 * (`--version`). Any failure removes the temp dir and becomes a PankoError("tunnel") telling how
 * to install cloudflared by hand. The downloader is injectable so tests never touch the network.
 */
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { PankoError, describeError } from "../errors.ts";
import { binDir } from "../paths.ts";
import { cloudflare } from "./cloudflare.ts";
import type { Env } from "./provider.ts";

export type Downloader = (to: string, version: string) => Promise<string>;

export interface InstallOptions {
  env?: Env;
  /** A cloudflared release ("2025.8.1") or "latest" (default). */
  version?: string;
  downloader?: Downloader;
  /** Give up on the download after this long. Default 120 000 ms. */
  timeoutMs?: number;
}

export interface InstallResult {
  path: string;
  version: string | null;
}

export const MANUAL_INSTALL_HINTS = [
  "Install cloudflared by hand instead, then run your command again:",
  "  macOS:          brew install cloudflared",
  "  Debian/Ubuntu:  see https://pkg.cloudflare.com/ (apt install cloudflared from Cloudflare's repository)",
  "  any system:     download it from https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/",
  "If it is not on your PATH, tell panko where it is: panko config set cloudflared_path <path>",
];

export const defaultDownloader: Downloader = async (to, version) => {
  const mod = await import("cloudflared");
  return mod.install(to, version);
};

export function installedCloudflaredPath(env: Env = process.env): string {
  return join(binDir(env), process.platform === "win32" ? "cloudflared.exe" : "cloudflared");
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function installCloudflared(opts: InstallOptions = {}): Promise<InstallResult> {
  const env = opts.env ?? process.env;
  const version = opts.version ?? "latest";
  const download = opts.downloader ?? defaultDownloader;
  const dir = binDir(env);
  const finalPath = installedCloudflaredPath(env);

  let tmp: string | null = null;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    tmp = mkdtempSync(join(dir, ".cloudflared-download-"));
    const tmpFile = join(tmp, "cloudflared");
    const written = await withTimeout(download(tmpFile, version), opts.timeoutMs ?? 120_000, "the download");
    const file = written || tmpFile;
    if (!statSync(file).isFile() || statSync(file).size === 0) throw new Error("the download left no file");
    chmodSync(file, 0o755);
    const got = await cloudflare.version(file, env);
    if (!got) throw new Error("the downloaded file does not run as cloudflared (`cloudflared --version` said nothing useful)");
    renameSync(file, finalPath);
    return { path: finalPath, version: got };
  } catch (e) {
    throw new PankoError("tunnel", `Could not download cloudflared: ${describeError(e)}`, {
      cause: e,
      details: MANUAL_INSTALL_HINTS,
    });
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
