/**
 * The user's Downloads folder: XDG_DOWNLOAD_DIR from the environment, else the one named in
 * `$XDG_CONFIG_HOME/user-dirs.dirs` (what xdg-user-dirs writes, `XDG_DOWNLOAD_DIR="$HOME/Dl"`),
 * else ~/Downloads.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { configDirBase, home } from "../paths.ts";

type Env = Record<string, string | undefined>;

/** The value of XDG_DOWNLOAD_DIR in a user-dirs.dirs text, `$HOME` expanded; undefined when absent. */
export function downloadDirFromUserDirs(text: string, homeDir: string): string | undefined {
  for (const raw of text.split("\n")) {
    const m = /^\s*XDG_DOWNLOAD_DIR\s*=\s*"?([^"]*)"?\s*$/.exec(raw);
    if (!m) continue;
    const value = m[1].replace(/^\$HOME(?=\/|$)/, homeDir).replace(/^~(?=\/|$)/, homeDir);
    // "$HOME/" alone means "no Downloads folder of its own": use the home folder, as the spec says.
    return isAbsolute(value) ? value.replace(/\/+$/, "") || "/" : undefined;
  }
  return undefined;
}

export function downloadsDir(env: Env = process.env): string {
  const homeDir = home(env);
  const fromEnv = env.XDG_DOWNLOAD_DIR?.trim();
  if (fromEnv && isAbsolute(fromEnv)) return fromEnv;
  try {
    const fromFile = downloadDirFromUserDirs(readFileSync(join(configDirBase(env), "user-dirs.dirs"), "utf8"), homeDir);
    if (fromFile) return fromFile;
  } catch {
    // no user-dirs.dirs: the default below
  }
  return join(homeDir, "Downloads");
}
