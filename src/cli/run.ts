/**
 * The top level: picks the command, parses its arguments with node:util parseArgs, runs it, and
 * turns every failure into a message and an exit code (the stack goes to the log, not the screen).
 */
import { terminalSafe } from "../terminal-text.ts";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { PankoError, describeError, isPankoError, usageError } from "../errors.ts";
import { configureLog, log } from "../log.ts";
import { findNamed, type Command, type OptionSpecs } from "./command.ts";
import type { Io } from "./io.ts";
import { commands, loadCommands } from "./registry.ts";
import { nearest } from "./suggest.ts";
import { configFile } from "../paths.ts";
import { VERSION } from "../version.ts";

export { VERSION };

const GLOBAL_OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h", description: "Show help" },
  verbose: { type: "boolean", short: "v", description: "Print debug logs on stderr" },
};

/** Runs panko with the given arguments (without the executable name); resolves to the exit code. */
export async function runCli(argv: string[], io: Io, signal: AbortSignal = new AbortController().signal): Promise<number> {
  try {
    return await dispatch(argv, io, signal);
  } catch (e) {
    return reportError(e, io);
  }
}

async function dispatch(argv: string[], io: Io, signal: AbortSignal): Promise<number> {
  const first = argv[0];
  if (first === undefined) {
    // The interactive flow (src/ui), loaded only when asked for.
    const { runInteractive } = await import("../ui/entry.ts");
    return runInteractive(io);
  }
  if (first === "--version" || first === "-V") {
    io.out(`panko ${VERSION}\n`);
    return 0;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const target = first === "help" ? argv[1] : undefined;
    if (target) return dispatch([target, "--help"], io, signal);
    io.out(topHelp(io, await loadCommands()));
    return 0;
  }
  if (first === "--verbose" || first === "-v") {
    configureLog({ verbose: true });
    return dispatch(argv.slice(1), io, signal);
  }
  if (first.startsWith("-")) {
    throw usageError(`unknown option ${first}${hint(first, ["--help", "--version", "--verbose"])}`);
  }
  const entry = findNamed(commands, first);
  if (!entry) {
    const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
    throw usageError(`unknown command "${first}"${hint(first, names)}`, ["Run `panko --help` to see every command."]);
  }
  const command = await entry.load();
  return runCommand(command, argv.slice(1), io, signal, `panko ${command.name}`);
}

function hint(input: string, candidates: string[]): string {
  const near = nearest(input, candidates);
  return near ? ` (did you mean ${near}?)` : "";
}

async function runCommand(command: Command<any>, argv: string[], io: Io, signal: AbortSignal, path: string): Promise<number> {
  if (command.subcommands && argv[0] !== undefined && !argv[0].startsWith("-")) {
    const sub = findNamed(command.subcommands, argv[0]);
    if (sub) return runCommand(sub, argv.slice(1), io, signal, `${path} ${sub.name}`);
    if (command.positionals === undefined || command.positionals.max === 0) {
      const names = command.subcommands.filter((c) => !c.hidden).map((c) => c.name);
      throw usageError(`unknown command "${path} ${argv[0]}"${hint(argv[0], names)}`, [`Run \`${path} --help\` to see its commands.`]);
    }
  }
  const specs: OptionSpecs = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw translateParseError(e, specs, path, argv);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.verbose) configureLog({ verbose: true });
  configureLogFile(io);
  if (values.help) {
    io.out(commandHelp(command, path, io));
    return 0;
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (parsed.positionals.length < min) {
    throw usageError(`${path}: missing argument`, [`Usage: ${command.usage}`]);
  }
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals[max];
    const subs = command.subcommands?.filter((c) => !c.hidden).map((c) => c.name) ?? [];
    throw usageError(`${path}: unexpected argument "${extra}"${subs.length ? hint(extra, subs) : ""}`, [`Usage: ${command.usage}`]);
  }
  log.debug(`running ${path}`, argv);
  const code = await command.run({ values: values as never, positionals: parsed.positionals, io, signal });
  return code ?? 0;
}

/** Debug logs also go to the config's log_file when set (a broken config is `config`'s to report). */
function configureLogFile(io: Io): void {
  try {
    const file = loadConfig(configFile(io.env)).config.log_file;
    if (file) configureLog({ file });
  } catch {
    // The command itself reports a broken config if it needs one.
  }
}

function translateParseError(e: unknown, specs: OptionSpecs, path: string, argv: string[]): PankoError {
  const message = describeError(e);
  const code = (e as { code?: string }).code;
  const flags = Object.entries(specs).flatMap(([name, s]) => [`--${name}`, ...(s.short ? [`-${s.short}`] : [])]);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /option '([^']+)'/.exec(message)?.[1] ?? "";
    return usageError(`unknown option ${flag} for ${path}${hint(flag.split("=")[0], flags)}`, [`Run \`${path} --help\` to see its options.`]);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const long = /Option '(-\w, )?(--[\w-]+)/.exec(message)?.[2] ?? "";
    const spec = specs[long.replace(/^--/, "")];
    // Name the flag as the user typed it (`-o` or `--output`): the last of the two forms in argv.
    const short = spec?.short ? `-${spec.short}` : undefined;
    const typed = [...argv].reverse().find((a) => a === long || a.startsWith(`${long}=`) || (short !== undefined && a === short));
    const flag = typed === undefined ? long : typed.startsWith(long) ? long : typed;
    if (spec?.type === "string") return usageError(`${path}: ${flag} needs a value (${flag} ${spec.valueName ?? "VALUE"})`);
    return usageError(`${path}: ${flag} takes no value`);
  }
  return usageError(`${path}: ${message}`);
}

function reportError(e: unknown, io: Io): number {
  const c = io.colors;
  if (isPankoError(e)) {
    log.error(e.message, e);
    io.err(`${c.red("error:")} ${terminalSafe(e.message)}\n`);
    for (const line of e.details) io.err(`  ${terminalSafe(line)}\n`);
    return e.exitCode;
  }
  log.error("unexpected error", e);
  io.err(`${c.red("error:")} ${describeError(e)}\n`);
  io.err(`  This is a bug in panko. Run again with --verbose to see the details.\n`);
  return 1;
}

function optionLines(specs: OptionSpecs): string[] {
  const rows = Object.entries(specs).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : "    "}--${name}${s.type === "string" ? ` ${s.valueName ?? "VALUE"}` : ""}`;
    return [flag, s.description + (s.multiple ? " (repeatable)" : "")] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

function commandHelp(command: Command<any>, path: string, io: Io): string {
  const c = io.colors;
  const lines = [`${c.bold("Usage:")} ${command.usage}`, "", command.summary];
  if (command.description) lines.push("", command.description);
  const visible = command.subcommands?.filter((s) => !s.hidden) ?? [];
  if (visible.length) {
    lines.push("", c.bold("Commands:"));
    const width = Math.max(...visible.map((s) => s.name.length));
    for (const s of visible) lines.push(`  ${s.name.padEnd(width)}  ${s.summary}`);
  }
  lines.push("", c.bold("Options:"), ...optionLines({ ...command.options, ...GLOBAL_OPTIONS }));
  if (command.examples?.length) lines.push("", c.bold("Examples:"), ...command.examples.map((x) => `  ${x}`));
  if (command.subcommands?.length) lines.push("", `Run \`${path} <command> --help\` for a command's options.`);
  return lines.join("\n") + "\n";
}

function topHelp(io: Io, loaded: Command<any>[]): string {
  const c = io.colors;
  const width = Math.max(...loaded.map((x) => x.name.length));
  return [
    `${c.bold("panko")} ${VERSION} — browse, read and share the sessions your AI coding agents left on disk`,
    "",
    `${c.bold("Usage:")} panko <command> [options]`,
    "       panko              (alone, in a terminal: pick a session and act on it interactively)",
    "",
    c.bold("Commands:"),
    ...loaded.map((x) => `  ${x.name.padEnd(width)}  ${x.summary}`),
    "",
    c.bold("Options:"),
    "  -h, --help     Show help",
    "  -V, --version  Print the version",
    "  -v, --verbose  Print debug logs on stderr",
    "",
    "A SESSION is a file path, a session id, a unique id prefix, or `latest`.",
    "Run `panko <command> --help` for a command's options.",
    "",
  ].join("\n");
}
