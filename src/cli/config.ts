/** `panko config [show|get|set|unset|path]`: read and change ~/.config/panko/config.toml. */
import { KEYS, KEY_NAMES, isConfigKey, loadConfig, parseValue, showValue, writeConfigKey, type Config } from "../config.ts";
import { PankoError } from "../errors.ts";
import { configFile } from "../paths.ts";
import { defineCommand } from "./command.ts";
import { commandConfig } from "./settings.ts";
import type { Io } from "./io.ts";

function keyError(key: string): PankoError {
  return new PankoError("config", `unknown config key "${key}"`, {
    details: ["Valid keys:", ...KEY_NAMES.map((k) => `  ${k.padEnd(17)} ${KEYS[k].valid}`)],
  });
}

function show(io: Io, json: boolean): number {
  const { config, path, exists, set, problems } = loadConfig(configFile(io.env));
  for (const p of problems) io.err(`${io.colors.yellow("warning:")} ${p.error.message}${p.key ? " (the default is shown)" : ""}\n`);
  if (json) {
    const shown = (k: keyof Config) => {
      const v = config[k];
      if (v === undefined) return null;
      return KEYS[k].secret || KEYS[k].show ? showValue(k, v) : v;
    };
    const masked = Object.fromEntries(KEY_NAMES.map((k) => [k, shown(k)]));
    io.out(JSON.stringify({ path, exists, values: masked, set }, null, 2) + "\n");
    return 0;
  }
  const c = io.colors;
  io.out(`${c.dim(`# ${path}${exists ? "" : " (not created yet: showing defaults)"}`)}\n`);
  const width = Math.max(...KEY_NAMES.map((k) => k.length));
  for (const key of KEY_NAMES) {
    const value = showValue(key, (config as unknown as Record<string, unknown>)[key]);
    const origin = set.includes(key) ? "" : c.dim(value === "" ? "(not set)" : "  (default)");
    io.out(`${key.padEnd(width)}  ${value}${origin}\n`);
  }
  return 0;
}

const showCommand = defineCommand({
  name: "show",
  summary: "Print every setting (secrets masked)",
  usage: "panko config show [--json]",
  options: { json: { type: "boolean", description: "Print JSON" } },
  run: ({ values, io }) => show(io, Boolean(values.json)),
});

const getCommand = defineCommand({
  name: "get",
  summary: "Print one value (the default when not set)",
  usage: "panko config get KEY",
  description: "Prints the value as it is, secrets included. Exits 1 when the key has no value.",
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ["panko config get default_port", "panko config get share_ttl"],
  run({ positionals: [key], io }) {
    if (!isConfigKey(key)) throw keyError(key);
    // A problem with this key is the answer (with how to repair it); others are warnings.
    const value = commandConfig(io, [key]).config[key];
    if (value === undefined) return 1;
    io.out(`${KEYS[key].show ? KEYS[key].show!(value) : String(value)}\n`);
    return 0;
  },
});

const setCommand = defineCommand({
  name: "set",
  summary: "Set a value",
  usage: "panko config set KEY VALUE",
  options: {},
  positionals: { min: 2, max: 2 },
  examples: ["panko config set default_provider ngrok", "panko config set share_ttl 24h"],
  run({ positionals: [key, value], io }) {
    if (!isConfigKey(key)) throw keyError(key);
    const parsed = parseValue(key, value);
    writeConfigKey(key, parsed, configFile(io.env));
    io.err(`${key} = ${showValue(key, parsed)}\n`);
  },
});

const unsetCommand = defineCommand({
  name: "unset",
  summary: "Remove a value (back to its default)",
  usage: "panko config unset KEY",
  options: {},
  positionals: { min: 1, max: 1 },
  run({ positionals: [key], io }) {
    if (!isConfigKey(key)) throw keyError(key);
    writeConfigKey(key, undefined, configFile(io.env));
    io.err(`${key} unset\n`);
  },
});

const pathCommand = defineCommand({
  name: "path",
  summary: "Print the config file's path",
  usage: "panko config path",
  options: {},
  run({ io }) {
    io.out(configFile(io.env) + "\n");
  },
});

export default defineCommand({
  name: "config",
  summary: "Show or change settings",
  usage: "panko config [show|get|set|unset|path]",
  description: [
    "Settings live in config.toml under $XDG_CONFIG_HOME/panko (default ~/.config/panko).",
    "",
    "Keys:",
    ...KEY_NAMES.map((k: keyof Config) => `  ${k.padEnd(17)} ${KEYS[k].description} (${KEYS[k].valid})`),
  ].join("\n"),
  options: { json: { type: "boolean", description: "Print JSON (with show)" } },
  subcommands: [showCommand, getCommand, setCommand, unsetCommand, pathCommand],
  run: ({ values, io }) => show(io, Boolean(values.json)),
});
