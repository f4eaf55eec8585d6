/** `panko tunnel status|install`: which tunnel providers can publish a share, and getting cloudflared. */
import { commandConfig } from "./settings.ts";
import { usageError } from "../errors.ts";
import { installCloudflared } from "../tunnels/install.ts";
import { providerStatus } from "../tunnels/registry.ts";
import { defineCommand } from "./command.ts";

const status = defineCommand({
  name: "status",
  summary: "List the tunnel providers: available, path, version",
  usage: "panko tunnel status [--json]",
  options: { json: { type: "boolean", description: "Print JSON" } },
  async run({ values, io }) {
    const { config } = commandConfig(io, ["default_provider", "ngrok_token", "cloudflared_path", "ngrok_path", "tailscale_path"]);
    const statuses = await providerStatus(config, io.env);
    if (values.json) {
      io.out(JSON.stringify(statuses, null, 2) + "\n");
      return;
    }
    const c = io.colors;
    const width = Math.max(...statuses.map((s) => s.name.length));
    for (const s of statuses) {
      const mark = s.available ? c.green("available") : c.yellow("not available");
      const isDefault = config.default_provider === s.name ? c.dim(" (default)") : "";
      io.out(`${s.name.padEnd(width)}  ${mark}${isDefault}\n`);
      if (s.path) io.out(`${" ".repeat(width)}  path     ${s.path}\n`);
      if (s.version) io.out(`${" ".repeat(width)}  version  ${s.version}\n`);
      if (s.problem) io.out(`${" ".repeat(width)}  ${c.dim(s.problem)}\n`);
    }
    if (!statuses.some((s) => s.available)) {
      io.out(`\nNo provider can share yet. The simplest: ${c.bold("panko tunnel install cloudflared")} (no account needed).\n`);
    }
  },
});

const install = defineCommand({
  name: "install",
  summary: "Download cloudflared into panko's data dir",
  usage: "panko tunnel install cloudflared [--version VERSION]",
  options: { version: { type: "string", valueName: "VERSION", description: 'cloudflared release to install (default "latest")' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals: [what], io }) {
    if (what !== "cloudflared") {
      throw usageError(`panko can install cloudflared only (not "${what}")`, [
        "ngrok: see https://ngrok.com/download, then: panko config set ngrok_token <token>",
        "tailscale: see https://tailscale.com/download",
      ]);
    }
    io.err("Downloading cloudflared…\n");
    const result = await installCloudflared({ env: io.env, version: values.version });
    io.out(`Installed cloudflared${result.version ? ` (${result.version})` : ""} at ${result.path}\n`);
    io.out("panko uses it from now on: try `panko share latest`.\n");
  },
});

export default defineCommand({
  name: "tunnel",
  summary: "Tunnel providers: status, install cloudflared",
  usage: "panko tunnel status|install",
  options: {},
  subcommands: [status, install],
  run: (ctx) => status.run({ ...ctx, values: {} }),
});
