/**
 * Finding a provider's executable and asking it for its version.
 *
 * Exported (stable):
 *   locateExecutable(opts: LocateOptions): string | null
 *       1. the configured path (config key, e.g. cloudflared_path): must be an executable file,
 *          else PankoError("tunnel") naming the key; a leading "~/" means the home dir;
 *       2. binDir()/<binaryName> (where `panko tunnel install` puts cloudflared);
 *       3. PATH (Bun.which), then any extra well-known locations (e.g. the macOS Tailscale app).
 *   isExecutableFile(path): boolean
 *   readVersion(argv: string[], pattern: RegExp, env?): Promise<string | null>
 *       runs `argv` (5 s limit) and returns the first capture of pattern in its output.
 */
import { accessSync, constants as fsConstants, realpathSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { PankoError } from "../errors.ts";
import { binDir, home } from "../paths.ts";
import type { Env } from "./provider.ts";

export interface LocateOptions {
  binaryName: string;
  configKey: string;
  configured?: string;
  env?: Env;
  /** Tried after PATH. */
  extraCandidates?: string[];
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function expandHome(path: string, env: Env): string {
  if (path === "~") return home(env);
  if (path.startsWith("~/")) return join(home(env), path.slice(2));
  return path;
}

export function locateExecutable(o: LocateOptions): string | null {
  const env = o.env ?? process.env;
  const configured = o.configured?.trim();
  if (configured) {
    const path = expandHome(configured, env);
    if (isExecutableFile(path)) return path;
    let why = "there is no file there";
    try {
      const st = statSync(path);
      why = st.isFile() ? "the file is not executable" : "it is not a file";
    } catch {
      // keep "no file"
    }
    throw new PankoError("tunnel", `The config key ${o.configKey} points to ${path}, but ${why}.`, {
      details: [
        `Fix it with: panko config set ${o.configKey} <path to ${o.binaryName}>`,
        `or remove the key to let panko find ${o.binaryName} on its own.`,
      ],
    });
  }
  const installed = join(binDir(env), o.binaryName);
  if (isExecutableFile(installed)) return installed;
  const onPath = whichReal(o.binaryName, env.PATH ?? "");
  if (onPath) return onPath;
  for (const candidate of o.extraCandidates ?? []) {
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * Like Bun.which, but passes over npm's JavaScript shims: under `npm start` PATH holds
 * node_modules/.bin, whose `cloudflared` is the npm package's wrapper (it runs a binary baked into
 * the package's folder, which a compiled panko cannot rely on), not a tunnel executable.
 */
function whichReal(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (!isExecutableFile(candidate)) continue;
    try {
      if (realpathSync(candidate).includes("/node_modules/")) continue;
    } catch {
      continue;
    }
    return candidate;
  }
  return null;
}

export async function readVersion(argv: string[], pattern: RegExp, env: Env = process.env): Promise<string | null> {
  try {
    const proc = Bun.spawn(argv, {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env,
      timeout: 5000,
      killSignal: "SIGKILL",
    });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const m = pattern.exec(`${out}\n${err}`);
    return m?.[1] ?? null;
  } catch {
    return null;
  }
}
