/**
 * `panko serve`: start the background daemon that runs the shares (it returns once the daemon
 * answers); `--foreground` runs it in this terminal. `serve install|uninstall` make it start at
 * login (systemd user unit on Linux, LaunchAgent on macOS).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PankoError } from "../errors.ts";
import { autostartFile } from "../daemon/autostart.ts";
import { connectDaemon, daemonStatus } from "../daemon/client.ts";
import { AlreadyRunning, DEFAULT_LEASE_GRACE_MS, runDaemon } from "../daemon/daemon.ts";
import { daemonPaths } from "../daemon/paths.ts";
import { parseForParent } from "../daemon/parse-child.ts";
import { selfCommand } from "../daemon/spawn.ts";
import { defineCommand } from "./command.ts";

const install = defineCommand({
  name: "install",
  summary: "Start the daemon at login (systemd user unit / macOS LaunchAgent)",
  usage: "panko serve install",
  options: {},
  run({ io }) {
    const file = autostartFile(process.platform, selfCommand(["serve", "--foreground"]), io.env, daemonPaths(io.env).log);
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content, { mode: 0o644 });
    io.out(`Wrote ${file.path}\n`);
    io.err(`Turn it on now with:\n${file.enable.map((c) => `  ${c}\n`).join("")}`);
  },
});

const uninstall = defineCommand({
  name: "uninstall",
  summary: "Stop starting the daemon at login",
  usage: "panko serve uninstall",
  options: {},
  run({ io }) {
    const file = autostartFile(process.platform, [], io.env, "");
    if (!existsSync(file.path)) {
      io.err(`Nothing to remove: ${file.path} does not exist.\n`);
      return;
    }
    rmSync(file.path);
    io.out(`Removed ${file.path}\n`);
    io.err(`If it was turned on, also run:\n${file.disable.map((c) => `  ${c}\n`).join("")}`);
  },
});

/** Internal: the daemon parses a big session in this child process (see daemon/parse-child.ts). */
const parseSessionChild = defineCommand({
  name: "parse-session",
  summary: "Internal: parse and redact a session for the daemon",
  usage: "panko serve parse-session FILE SETTINGS_JSON",
  hidden: true,
  options: {},
  positionals: { min: 2, max: 2 },
  async run({ positionals: [file, settings] }) {
    await parseForParent(file!, settings!, async (bytes) => {
      await Bun.write(Bun.stdout, bytes);
    });
  },
});

export default defineCommand({
  name: "serve",
  summary: "Start the background daemon that keeps shares running",
  usage: "panko serve [--foreground] | panko serve install|uninstall",
  description:
    "The daemon runs every share (a viewer and a tunnel each), restarts tunnels that die, stops shares\n" +
    "whose time is up, and brings them back after a restart. `panko share` starts it when needed.\n" +
    "Its files: state.db, daemon.sock and daemon.log under $XDG_DATA_HOME/panko.",
  options: {
    foreground: { type: "boolean", description: "Run the daemon in this terminal (logs on stderr) until Ctrl+C" },
  },
  subcommands: [install, uninstall, parseSessionChild],
  examples: ["panko serve", "panko serve --foreground", "panko serve install"],
  async run({ values, io, signal }) {
    if (values.foreground) {
      const env = io.env;
      const grace = Number(env.PANKO_LEASE_GRACE_MS);
      let daemon;
      try {
        daemon = await runDaemon({
          env,
          version: env.PANKO_DAEMON_VERSION || undefined,
          leaseGraceMs: Number.isFinite(grace) && grace > 0 ? grace : DEFAULT_LEASE_GRACE_MS,
          echo: env.PANKO_DAEMON_SPAWNED ? undefined : (line) => io.err(line),
        });
      } catch (e) {
        if (!(e instanceof AlreadyRunning)) throw e;
        // Lost a start race, or a login service found one already started by `panko share`: the other one serves.
        if (!env.PANKO_DAEMON_SPAWNED) io.err(`${e.message}; leaving it to serve.\n`);
        return 0;
      }
      if (!env.PANKO_DAEMON_SPAWNED) io.err(`panko daemon ${process.pid} running; Ctrl+C stops it (shares stay for the next start).\n`);
      const onAbort = () => void daemon.shutdown(false);
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      await daemon.done;
      return 0;
    }
    const before = await daemonStatus(io.env);
    if (before.running) {
      io.out(`The panko daemon is already running (pid ${before.pid}, panko ${before.version}).\n`);
      return 0;
    }
    const client = await connectDaemon({ env: io.env });
    client.close();
    io.out(`Started the panko daemon (pid ${client.daemon.pid}).\n`);
    if (client.daemon.pid === undefined) throw new PankoError("daemon", "the daemon did not say its pid");
  },
});
