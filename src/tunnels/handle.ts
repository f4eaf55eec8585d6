/**
 * A Tunnel from a TunnelProcess plus what the provider knows (URL, health check, record extras).
 *
 * Exported (stable):
 *   tunnelHandle(proc, info): Tunnel
 *   cleanTunnelEnv(env): Env     env without the TUNNEL_* variables (cloudflared reads them as flags)
 *   requireExecutable(provider, config, env, howToGet): Promise<string>
 *                                the executable's path, else PankoError("<binary> is not installed.")
 */
import { PankoError } from "../errors.ts";
import type { TunnelProcess } from "./process.ts";
import type { Env, ProviderName, Tunnel, TunnelConfig, TunnelProvider, TunnelRecord } from "./provider.ts";

export interface HandleInfo {
  provider: ProviderName;
  publicUrl: string;
  localUrl: string;
  ready(): Promise<boolean>;
  notes?: string[];
  extra?: Partial<Pick<TunnelRecord, "healthUrl" | "agent" | "port">>;
}

export function tunnelHandle(proc: TunnelProcess, info: HandleInfo): Tunnel {
  const record: TunnelRecord = {
    provider: info.provider,
    pid: proc.pid,
    pidStart: proc.pidStart,
    groupPid: proc.groupPid,
    groupStart: proc.groupStart,
    publicUrl: info.publicUrl,
    localUrl: info.localUrl,
    ...(proc.logBase ? { logBase: proc.logBase } : {}),
    ...(proc.leaseFile ? { leaseFile: proc.leaseFile } : {}),
    ...info.extra,
  };
  return {
    provider: info.provider,
    publicUrl: info.publicUrl,
    pid: proc.pid,
    record,
    notes: info.notes ?? [],
    exited: proc.exited,
    async ready() {
      try {
        return await info.ready();
      } catch {
        return false;
      }
    },
    stop: proc.stop,
    detach: proc.detach,
    recentOutput: proc.recentOutput,
  };
}

export function cleanTunnelEnv(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("TUNNEL_")));
}

export async function requireExecutable(provider: TunnelProvider, config: TunnelConfig, env: Env, howToGet: string[]): Promise<string> {
  const bin = await provider.locate(config, env);
  if (!bin) throw new PankoError("tunnel", `${provider.binaryName} is not installed.`, { details: howToGet });
  return bin;
}
