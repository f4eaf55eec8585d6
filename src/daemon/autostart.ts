/**
 * Starting the daemon at login: a systemd user unit (Linux) or a LaunchAgent (macOS) that runs
 * `panko serve --foreground`. Pure builders plus where each file goes; `panko serve install`
 * writes them. systemd stops only the daemon (KillMode=process): its tunnels outlive it for the
 * lease's grace window, so a restart adopts them.
 */
import { join } from "node:path";
import { home } from "../paths.ts";

type Env = Record<string, string | undefined>;

export const SYSTEMD_UNIT = "panko.service";
export const LAUNCH_AGENT_LABEL = "dev.panko.daemon";

export interface AutostartFile {
  kind: "systemd" | "launchd";
  path: string;
  content: string;
  /** What the user runs to turn it on now, and to turn it off before removing it. */
  enable: string[];
  disable: string[];
}

export function systemdUnitPath(env: Env): string {
  return join(env.XDG_CONFIG_HOME || join(home(env), ".config"), "systemd", "user", SYSTEMD_UNIT);
}

export function launchAgentPath(env: Env): string {
  return join(home(env), "Library", "LaunchAgents", `${LAUNCH_AGENT_LABEL}.plist`);
}

/** systemd's ExecStart quoting: each argument in double quotes, with \ and " escaped. */
function systemdQuote(arg: string): string {
  return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function systemdUnit(argv: string[], env: Env): string {
  const lines = [
    "[Unit]",
    "Description=panko daemon: keeps your shared AI coding sessions online",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${argv.map(systemdQuote).join(" ")}`,
    "Restart=on-failure",
    "RestartSec=5",
    "KillMode=process",
  ];
  if (env.PATH) lines.push(`Environment=${systemdQuote(`PATH=${env.PATH}`)}`);
  lines.push("", "[Install]", "WantedBy=default.target", "");
  return lines.join("\n");
}

export function launchAgentPlist(argv: string[], env: Env, logPath: string): string {
  const args = argv.map((a) => `    <string>${xml(a)}</string>`).join("\n");
  const path = env.PATH ? `  <key>EnvironmentVariables</key>\n  <dict>\n    <key>PATH</key>\n    <string>${xml(env.PATH)}</string>\n  </dict>\n` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCH_AGENT_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>AbandonProcessGroup</key>
  <true/>
${path}  <key>StandardOutPath</key>
  <string>${xml(logPath)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(logPath)}</string>
</dict>
</plist>
`;
}

export function autostartFile(platform: NodeJS.Platform, argv: string[], env: Env, logPath: string): AutostartFile {
  if (platform === "darwin") {
    const path = launchAgentPath(env);
    return {
      kind: "launchd",
      path,
      content: launchAgentPlist(argv, env, logPath),
      enable: [`launchctl bootstrap gui/$(id -u) ${path}`],
      disable: [`launchctl bootout gui/$(id -u)/${LAUNCH_AGENT_LABEL}`],
    };
  }
  return {
    kind: "systemd",
    path: systemdUnitPath(env),
    content: systemdUnit(argv, env),
    enable: ["systemctl --user daemon-reload", `systemctl --user enable --now ${SYSTEMD_UNIT}`],
    disable: [`systemctl --user disable --now ${SYSTEMD_UNIT}`, "systemctl --user daemon-reload"],
  };
}
