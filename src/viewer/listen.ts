/**
 * Binding the viewer's port: the one asked for, else the next free one within a range; a clear
 * PankoError("port") when none is free.
 */
import type { Server } from "bun";
import { PankoError } from "../errors.ts";

export interface ListenOptions {
  hostname: string;
  /** 0 = any free port. */
  port: number;
  /** How many ports after `port` to try when it is taken (0 = only `port`). */
  portRange: number;
}

const isAddressInUse = (e: unknown) => (e as { code?: string })?.code === "EADDRINUSE";

/** Calls `serve(port)` for port, port+1, ... until one binds; rethrows anything but "address in use". */
export function listenOnFreePort<T extends Server<any>>(opts: ListenOptions, serve: (port: number) => T): T {
  const { hostname, port } = opts;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PankoError("port", `port ${port} is not valid: use a whole number from 1 to 65535 (or 0 for any free port)`);
  }
  const last = port === 0 ? 0 : Math.min(65535, port + Math.max(0, opts.portRange));
  for (let p = port; p <= last; p++) {
    try {
      return serve(p);
    } catch (e) {
      if (isAddressInUse(e)) continue;
      const code = (e as { code?: string })?.code;
      if (code === "EACCES" || code === "EPERM") {
        throw new PankoError("port", `not allowed to listen on ${hostname}:${p} (ports below 1024 need special rights); try --port 3000`, { cause: e });
      }
      if (code === "EADDRNOTAVAIL") {
        throw new PankoError("port", `cannot listen on ${hostname}: no network interface has that address`, { cause: e });
      }
      throw e;
    }
  }
  const range = last > port ? `ports ${port}-${last} are all in use` : `port ${port} is in use`;
  throw new PankoError("port", `cannot start the viewer: ${range} on ${hostname}`, {
    details: ["Stop what is using it, or pick another with --port N (or --port 0 for any free port)."],
  });
}
