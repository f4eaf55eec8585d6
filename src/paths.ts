/**
 * Where panko keeps things. Every path honours the XDG variables (and HOME), read at call time so
 * tests can point them at a temp dir.
 */
import { homedir } from "node:os";
import { join } from "node:path";

type Env = Record<string, string | undefined>;

export function home(env: Env = process.env): string {
  return env.HOME || homedir();
}

/** $XDG_CONFIG_HOME, else ~/.config (where other programs' settings live too). */
export function configDirBase(env: Env = process.env): string {
  return env.XDG_CONFIG_HOME || join(home(env), ".config");
}

export function configDir(env: Env = process.env): string {
  return join(configDirBase(env), "panko");
}

export function configFile(env: Env = process.env): string {
  return join(configDir(env), "config.toml");
}

export function dataDir(env: Env = process.env): string {
  return join(env.XDG_DATA_HOME || join(home(env), ".local", "share"), "panko");
}

export function stateDir(env: Env = process.env): string {
  return join(env.XDG_STATE_HOME || join(home(env), ".local", "state"), "panko");
}

export function cacheDir(env: Env = process.env): string {
  return join(env.XDG_CACHE_HOME || join(home(env), ".cache"), "panko");
}

/** SQLite index of session summaries (discovery cache). */
export function indexDb(env: Env = process.env): string {
  return join(cacheDir(env), "index.db");
}

/** Daemon state (shares registry). */
export function stateDb(env: Env = process.env): string {
  return join(dataDir(env), "state.db");
}

/** Where `panko tunnel install` puts downloaded binaries. */
export function binDir(env: Env = process.env): string {
  return join(dataDir(env), "bin");
}

/** Claude Code roots: CLAUDE_CONFIG_DIR (comma-separated, each a config dir holding projects/), else the defaults. */
export function claudeProjectRoots(env: Env = process.env): string[] {
  const configured = env.CLAUDE_CONFIG_DIR?.split(",").map((s) => s.trim()).filter(Boolean);
  if (configured && configured.length > 0) return configured.map((dir) => join(dir, "projects"));
  return [join(home(env), ".claude", "projects"), join(home(env), ".config", "claude", "projects")];
}

/** Codex home: CODEX_HOME, else ~/.codex. */
export function codexHome(env: Env = process.env): string {
  return env.CODEX_HOME || join(home(env), ".codex");
}
