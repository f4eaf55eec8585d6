/**
 * The config as a command uses it. A problem with a key the command needs stops it with the
 * problem (and how to repair it); problems with other keys are warnings, printed once per process,
 * and the command runs on the defaults.
 */
import { loadConfig, type Config, type LoadedConfig } from "../config.ts";
import { PankoError } from "../errors.ts";
import { configFile } from "../paths.ts";
import type { Io } from "./io.ts";

/** The outputs warned already (one warning per run, however many commands read the config). */
const warned = new WeakSet<Io>();

const REPAIR = (key: string) => `Repair it with \`panko config set ${key} VALUE\` or \`panko config unset ${key}\`.`;

/** The config for a command that reads `needs` (every key: `"all"`). */
export function commandConfig(io: Io, needs: (keyof Config)[] | "all"): LoadedConfig {
  const loaded = loadConfig(configFile(io.env));
  const others: LoadedConfig["problems"] = [];
  for (const p of loaded.problems) {
    // A problem that is about no key (a file that is not TOML) spoils every key.
    const needed = needs === "all" || p.key === undefined || (needs as string[]).includes(p.key);
    if (needed) {
      const details = [...p.error.details, ...(p.key ? [REPAIR(p.key)] : [])];
      throw new PankoError("config", p.error.message, { details });
    }
    others.push(p);
  }
  if (others.length && !warned.has(io)) {
    warned.add(io);
    for (const p of others) io.err(`${io.colors.yellow("warning:")} ${p.error.message} (ignored)\n`);
    if (others.some((p) => p.key)) io.err(`  ${REPAIR(others.find((p) => p.key)!.key!)}\n`);
  }
  return loaded;
}
