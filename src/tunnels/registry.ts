/**
 * The list of tunnel providers, their state, and which one a share uses.
 *
 * Exported (stable):
 *   createProviders(): TunnelProvider[]        a fresh set (its own ngrok agent and tailscale ports):
 *                                               an owner of many tunnels (the daemon) keeps one
 *   PROVIDERS: readonly TunnelProvider[]       the default set, for the foreground CLI; in preference
 *                                               order: cloudflare, ngrok, tailscale
 *   getProvider(name, providers?): TunnelProvider   PankoError("tunnel") for an unknown name
 *   isProviderName(s): s is ProviderName
 *   providerStatus(cfg, env?): Promise<ProviderStatus[]>   for `panko tunnel status`
 *   pickProvider(requested?, cfg, env?, providers?): Promise<TunnelProvider>
 *       the --provider flag, else cfg.default_provider, else the first available; an explicit
 *       choice that cannot be used, or nothing available, is a PankoError explaining each
 *       provider's state and how to get cloudflared (`panko tunnel install cloudflared`).
 *   pickTunnel(requested?, cfg, env?): Promise<{ provider, executable }>
 *       pickProvider, plus the absolute path of its executable as THIS process finds it (its PATH,
 *       its config): a client sends both to the daemon, whose own PATH may be older.
 *
 * "available" means: the executable was found (and a configured path is valid) and problem()
 * found nothing missing (e.g. ngrok's auth token).
 */
import { isAbsolute, resolve } from "node:path";
import { PankoError, describeError } from "../errors.ts";
import { cloudflare } from "./cloudflare.ts";
import { createNgrok, ngrok } from "./ngrok.ts";
import type { Env, ProviderName, TunnelConfig, TunnelProvider } from "./provider.ts";
import { createTailscale, tailscale } from "./tailscale.ts";

export function createProviders(): TunnelProvider[] {
  return [cloudflare, createNgrok(), createTailscale()];
}

export const PROVIDERS: readonly TunnelProvider[] = [cloudflare, ngrok, tailscale];

export interface ProviderStatus {
  name: ProviderName;
  displayName: string;
  binaryName: string;
  available: boolean;
  /** The executable found, or null. */
  path: string | null;
  /** What the executable reports, or null (not found, or it would not say). */
  version: string | null;
  /** Why it is not available, in a few words a user can act on; null when available. */
  problem: string | null;
}

/** "Cloudflare Tunnel" for "cloudflare"; an unknown name as it is. */
export function providerDisplayName(name: string): string {
  return PROVIDERS.find((p) => p.name === name)?.displayName ?? name;
}

export function isProviderName(s: string): s is ProviderName {
  return PROVIDERS.some((p) => p.name === s);
}

export function getProvider(name: string, providers: readonly TunnelProvider[] = PROVIDERS): TunnelProvider {
  const p = providers.find((p) => p.name === name);
  if (!p) {
    throw new PankoError("tunnel", `Unknown tunnel provider "${name}".`, {
      details: [`Choose one of: ${PROVIDERS.map((p) => p.name).join(", ")}`],
    });
  }
  return p;
}

async function statusOf(p: TunnelProvider, cfg: TunnelConfig, env: Env): Promise<ProviderStatus> {
  const base = { name: p.name, displayName: p.displayName, binaryName: p.binaryName };
  let path: string | null;
  try {
    path = await p.locate(cfg, env);
  } catch (e) {
    return { ...base, available: false, path: null, version: null, problem: describeError(e) };
  }
  if (!path) {
    const how = p.name === "cloudflare" ? "panko tunnel install cloudflared" : `install ${p.binaryName}, or panko config set ${p.configKey} <path>`;
    return { ...base, available: false, path: null, version: null, problem: `${p.binaryName} not found (${how})` };
  }
  const [version, problem] = await Promise.all([p.version(path, env), p.problem(cfg, env)]);
  return { ...base, available: problem === null, path, version, problem };
}

export async function providerStatus(cfg: TunnelConfig, env: Env = process.env): Promise<ProviderStatus[]> {
  return Promise.all(PROVIDERS.map((p) => statusOf(p, cfg, env)));
}

function describe(statuses: ProviderStatus[]): string[] {
  return statuses.map((s) =>
    s.available ? `  ${s.name}: ready (${s.path}${s.version ? `, ${s.version}` : ""})` : `  ${s.name}: ${s.problem}`,
  );
}

export async function pickProvider(
  requested: string | undefined,
  cfg: TunnelConfig,
  env: Env = process.env,
  providers: readonly TunnelProvider[] = PROVIDERS,
): Promise<TunnelProvider> {
  const explicit = requested?.trim() || (typeof cfg.default_provider === "string" ? cfg.default_provider.trim() : "");
  if (explicit) {
    const p = getProvider(explicit, providers);
    const st = await statusOf(p, cfg, env);
    if (st.available) return p;
    const source = requested?.trim() ? "requested" : "the default_provider in your config";
    throw new PankoError("tunnel", `${p.displayName} (${source}) cannot be used: ${st.problem}`, {
      details: p.name === "cloudflare" ? ["Get it with: panko tunnel install cloudflared"] : [],
    });
  }
  const statuses = await Promise.all(providers.map((p) => statusOf(p, cfg, env)));
  const first = statuses.find((s) => s.available);
  if (first) return getProvider(first.name, providers);
  throw new PankoError("tunnel", "No tunnel provider is available to share with.", {
    details: [
      ...describe(statuses),
      "The simplest fix: panko tunnel install cloudflared   (downloads Cloudflare's cloudflared; no account needed)",
    ],
  });
}

export async function pickTunnel(
  requested: string | undefined,
  cfg: TunnelConfig,
  env: Env = process.env,
): Promise<{ provider: TunnelProvider; executable: string }> {
  const provider = await pickProvider(requested, cfg, env);
  const found = await provider.locate(cfg, env);
  if (!found) throw new PankoError("tunnel", `${provider.binaryName} is not installed.`, { details: ["See `panko tunnel status`."] });
  return { provider, executable: isAbsolute(found) ? found : resolve(found) };
}
