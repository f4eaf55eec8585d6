/**
 * Every command of the CLI, in the order `panko --help` lists them. One file per command, loaded
 * only when it runs (or when the help lists them all): a command's module brings what it needs
 * (the daemon client and its schemas, the interactive flow, the renderer, the privacy rules), and
 * `panko check` or `panko --version` should not start all of them. Loading every command made
 * each start about 10 ms and 20 MB heavier. The names here are checked against the modules'
 * own (test/cli/run.test.ts).
 */
import type { Command } from "./command.ts";

export interface CommandEntry {
  name: string;
  aliases?: readonly string[];
  load(): Promise<Command<any>>;
}

export const commands: readonly CommandEntry[] = [
  { name: "list", aliases: ["ls"], load: async () => (await import("./list.ts")).default },
  { name: "view", load: async () => (await import("./view.ts")).default },
  { name: "export", load: async () => (await import("./export.ts")).default },
  { name: "share", load: async () => (await import("./share.ts")).default },
  { name: "shares", load: async () => (await import("./shares.ts")).default },
  { name: "unshare", load: async () => (await import("./unshare.ts")).default },
  { name: "serve", load: async () => (await import("./serve.ts")).default },
  { name: "serve-status", load: async () => (await import("./serve-status.ts")).default },
  { name: "serve-stop", load: async () => (await import("./serve-stop.ts")).default },
  { name: "redact", load: async () => (await import("./redact.ts")).default },
  { name: "check", load: async () => (await import("./check.ts")).default },
  { name: "tunnel", load: async () => (await import("./tunnel.ts")).default },
  { name: "config", load: async () => (await import("./config.ts")).default },
];

/** Every command, loaded (for the help that lists them). */
export function loadCommands(): Promise<Command<any>[]> {
  return Promise.all(commands.map((c) => c.load()));
}
