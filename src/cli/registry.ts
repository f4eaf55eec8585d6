/** Every command of the CLI, in the order `panko --help` lists them. One file per command. */
import check from "./check.ts";
import type { Command } from "./command.ts";
import config from "./config.ts";
import exportCommand from "./export.ts";
import list from "./list.ts";
import redact from "./redact.ts";
import share from "./share.ts";
import tunnel from "./tunnel.ts";
import view from "./view.ts";

export const commands: Command<any>[] = [
  list,
  view,
  exportCommand,
  share,
  redact,
  check,
  tunnel,
  config,
];
