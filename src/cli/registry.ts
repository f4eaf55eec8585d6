/** Every command of the CLI, in the order `panko --help` lists them. One file per command. */
import type { Command } from "./command.ts";
import config from "./config.ts";

export const commands: Command<any>[] = [
  config,
];
