/**
 * Copying text to the user's clipboard: wl-copy (Wayland), xclip or xsel (X11), pbcopy (macOS),
 * clip (Windows); where none is available (a server over SSH, say), the OSC 52 escape asks the
 * terminal itself to copy. Never throws: a copy that did not happen is reported, not fatal.
 */

type Env = Record<string, string | undefined>;

export interface ClipboardDeps {
  platform?: NodeJS.Platform;
  env?: Env;
  /** Finds an executable on PATH (default Bun.which). */
  which?(name: string, env: Env): string | null;
  /** Runs `cmd` with `text` on stdin; resolves to its exit code (default Bun.spawn). */
  run?(cmd: string[], text: string): Promise<number>;
  /** Writes the OSC 52 escape to the terminal (only called when stdout is a terminal). */
  writeTerminal?(escape: string): void;
  /** Is stdout a terminal? OSC 52 is only sent to one. */
  isTTY?: boolean;
}

export type CopyResult = { copied: true; via: string } | { copied: false; reason: string };

/** The clipboard commands to try on this platform, in order. */
export function clipboardCommands(platform: NodeJS.Platform, env: Env): string[][] {
  if (platform === "darwin") return [["pbcopy"]];
  if (platform === "win32") return [["clip"]];
  const cmds: string[][] = [];
  if (env.WAYLAND_DISPLAY) cmds.push(["wl-copy"]);
  if (env.DISPLAY) cmds.push(["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]);
  return cmds;
}

/** The OSC 52 "set clipboard" escape for `text` (inside tmux, wrapped so tmux passes it on). */
export function osc52(text: string, env: Env): string {
  const seq = `\x1b]52;c;${Buffer.from(text, "utf8").toString("base64")}\x07`;
  return env.TMUX ? `\x1bPtmux;${seq.replace(/\x1b/g, "\x1b\x1b")}\x1b\\` : seq;
}

async function spawnWithInput(cmd: string[], text: string): Promise<number> {
  const proc = Bun.spawn(cmd, { stdin: new TextEncoder().encode(text), stdout: "ignore", stderr: "ignore" });
  const timeout = setTimeout(() => proc.kill(), 3000);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timeout);
  }
}

export async function copyToClipboard(text: string, deps: ClipboardDeps = {}): Promise<CopyResult> {
  const platform = deps.platform ?? process.platform;
  const env = deps.env ?? process.env;
  const which = deps.which ?? ((name: string, e: Env) => Bun.which(name, { PATH: e.PATH ?? "" }));
  const run = deps.run ?? spawnWithInput;
  for (const cmd of clipboardCommands(platform, env)) {
    const exe = which(cmd[0], env);
    if (!exe) continue;
    try {
      if ((await run([exe, ...cmd.slice(1)], text)) === 0) return { copied: true, via: cmd[0] };
    } catch {
      // try the next one
    }
  }
  if (deps.isTTY ?? Boolean(process.stdout.isTTY)) {
    const write = deps.writeTerminal ?? ((s: string) => void process.stdout.write(s));
    write(osc52(text, env));
    return { copied: true, via: "terminal (OSC 52)" };
  }
  return { copied: false, reason: "no clipboard tool found (wl-copy, xclip, xsel, pbcopy) and not a terminal" };
}
