/**
 * Opening a URL in the user's default browser: `open` on macOS, `xdg-open` on Linux and the BSDs,
 * `start` (through cmd) on Windows. Skipped where there is no one to see it (CI, a Linux session
 * without a display); never throws — a browser that did not open is not a failed command. Folders
 * open the same way (the file manager), for the interactive flow's Open folder.
 */

type Env = Record<string, string | undefined>;

export interface OpenDeps {
  platform?: NodeJS.Platform;
  env?: Env;
  /** Starts the opener; defaults to Bun.spawn, detached from our stdio. Returns its exit code. */
  spawn?(cmd: string[]): Promise<number>;
}

export type OpenResult = { opened: true } | { opened: false; reason: string };

/** Why a browser should not be opened here, or undefined when it may be. */
export function cannotOpenReason(platform: NodeJS.Platform, env: Env): string | undefined {
  if (env.CI && env.CI !== "false" && env.CI !== "0") return "running in CI";
  if (platform !== "darwin" && platform !== "win32" && !env.DISPLAY && !env.WAYLAND_DISPLAY) return "no graphical display";
  return undefined;
}

/** The command that opens `url` on this platform. */
export function openerCommand(platform: NodeJS.Platform, url: string): string[] {
  if (platform === "darwin") return ["open", url];
  // `start` is a cmd builtin; its first quoted argument is a window title, hence the empty "".
  if (platform === "win32") return ["cmd", "/c", "start", '""', url.replace(/&/g, "^&")];
  return ["xdg-open", url];
}

async function defaultSpawn(cmd: string[]): Promise<number> {
  const proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  // Some openers stay until the browser exits: after a few seconds, count it as opened and let it be.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<number>((resolve) => {
    timer = setTimeout(() => {
      proc.unref();
      resolve(0);
    }, 5000);
  });
  try {
    return await Promise.race([proc.exited, waited]);
  } finally {
    clearTimeout(timer);
  }
}

export async function openBrowser(url: string, deps: OpenDeps = {}): Promise<OpenResult> {
  if (!/^https?:\/\//i.test(url)) return { opened: false, reason: "not a web address" };
  return openTarget(url, deps);
}

/** Opens a folder in the file manager, as openBrowser opens a URL. */
export async function openFolder(path: string, deps: OpenDeps = {}): Promise<OpenResult> {
  if (!path.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(path)) return { opened: false, reason: "not an absolute path" };
  return openTarget(path, deps);
}

async function openTarget(target: string, deps: OpenDeps): Promise<OpenResult> {
  const platform = deps.platform ?? process.platform;
  const env = deps.env ?? process.env;
  const reason = cannotOpenReason(platform, env);
  if (reason) return { opened: false, reason };
  const cmd = openerCommand(platform, target);
  try {
    const code = await (deps.spawn ?? defaultSpawn)(cmd);
    return code === 0 ? { opened: true } : { opened: false, reason: `${cmd[0]} exited with code ${code}` };
  } catch (e) {
    return { opened: false, reason: `${cmd[0]} could not be started (${(e as Error).message})` };
  }
}
