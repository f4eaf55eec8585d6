/**
 * How a command is declared. One file per command under src/cli/ exports `default defineCommand(...)`;
 * src/cli/registry.ts lists them; src/cli/run.ts parses arguments (node:util parseArgs) and runs one.
 */
import type { Io } from "./io.ts";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** One line for --help. */
  description: string;
  /** Placeholder shown in --help for string options, e.g. "N" or "FILE". */
  valueName?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean"
  ? S["multiple"] extends true
    ? boolean[]
    : boolean
  : S["multiple"] extends true
    ? string[]
    : string;

export type OptionValues<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface CommandContext<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  io: Io;
  /** Aborted on Ctrl+C / SIGTERM: long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  aliases?: string[];
  /** One line for the command list. */
  summary: string;
  /** e.g. "panko view SESSION [options]" */
  usage: string;
  /** Longer help text, shown under the usage line. */
  description?: string;
  options: O;
  /** Positional arguments: [min, max] (max Infinity for a list). */
  positionals?: { min: number; max: number };
  examples?: string[];
  /** Internal (the daemon runs it itself): left out of help and suggestions. */
  hidden?: boolean;
  /** Subcommands (e.g. `config show`); when present, the first positional picks one. */
  subcommands?: Command<any>[];
  /** Returns the exit code (0 when omitted). Throws PankoError for failures a user can act on. */
  run(ctx: CommandContext<O>): Promise<number | void> | number | void;
}

export function defineCommand<O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

/** The one of `list` named `name`, or aliased so. */
export function findNamed<T extends { name: string; aliases?: readonly string[] }>(list: readonly T[], name: string): T | undefined {
  return list.find((c) => c.name === name || c.aliases?.includes(name));
}
