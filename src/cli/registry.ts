/** Every command of the CLI, in the order `panko --help` lists them. One file per command. */
import check from "./check.ts";
import type { Command } from "./command.ts";
import config from "./config.ts";
import exportCommand from "./export.ts";
import list from "./list.ts";
import serveStatus from "./serve-status.ts";
import serveStop from "./serve-stop.ts";
import serve from "./serve.ts";
import redact from "./redact.ts";
import share from "./share.ts";
import shares from "./shares.ts";
import tunnel from "./tunnel.ts";
import unshare from "./unshare.ts";
import view from "./view.ts";

export const commands: Command<any>[] = [
  list,
  view,
  exportCommand,
  share,
  shares,
  unshare,
  serve,
  serveStatus,
  serveStop,
  redact,
  check,
  tunnel,
  config,
];
