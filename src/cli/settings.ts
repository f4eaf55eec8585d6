/**
 * The config as a command uses it. A problem with a key the command needs stops it with the
 * problem (and how to repair it); problems with other keys are warnings, printed once per process,
 * and the command runs on the defaults.
 */
import { loadConfig, problemFor, type Config, type LoadedConfig } from "../config.ts";
import { PankoError } from "../errors.ts";
import { configFile } from "../paths.ts";
import type { Io } from "./io.ts";

/** The outputs warned already (one warning per run, however many commands read the config). */
const warned = new WeakSet<Io>();

const REPAIR = (key: string) => `Repair it with \`panko config set ${key} VALUE\` or \`panko config unset ${key}\`.`;

/** The config for a command that reads `needs` (every key: `"all"`). */
export function commandConfig(io: Io, needs: readonly (keyof Config)[] | "all"): LoadedConfig {
  const loaded = loadConfig(configFile(io.env));
  const needed = problemFor(loaded, needs);
  if (needed) {
    const details = [...needed.error.details, ...(needed.key ? [REPAIR(needed.key)] : [])];
    throw new PankoError("config", needed.error.message, { details });
  }
  const others = loaded.problems;
  if (others.length && !warned.has(io)) {
    warned.add(io);
    for (const p of others) io.err(`${io.colors.yellow("warning:")} ${p.error.message} (ignored)\n`);
    if (others.some((p) => p.key)) io.err(`  ${REPAIR(others.find((p) => p.key)!.key!)}\n`);
  }
  return loaded;
}
