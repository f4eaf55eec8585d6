/**
 * The promise, from the compiled binary: share, close the terminal, see the share from a new one,
 * kill the daemon and still find it at the same URL, stop it; nothing left running.
 */
import { afterAll, describe, expect, test, setDefaultTimeout } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ShareInfo } from "../../src/daemon/protocol.ts";
import { daemonPids, killSandbox, sandbox, sandboxPids, waitFor } from "../daemon/helpers.ts";
import { BINARY, hasBinary, runBinary } from "../helpers/cli.ts";
import { isAlive } from "../tunnels/helpers.ts";

// Real processes on a shared machine: generous, so load never fails a test.
setDefaultTimeout(60_000);

const b = sandbox();
afterAll(async () => {
  await killSandbox(b);
});

const run = (args: string[]) => runBinary(args, { env: b.env });

describe.skipIf(!hasBinary)("dist/panko: shares that survive", () => {
  test("share, list from a new process, kill -9 the daemon, same URL, upgrade, unshare, serve-stop", async () => {
    const file = b.session("bin", "from the binary");
    const shared = await run(["share", file]);
    expect(shared.code).toBe(0);
    const url = /https:\/\/\S+\/[A-Za-z0-9_-]{22}\//.exec(shared.stdout)?.[0];
    expect(url).toBeTruthy();
    expect(shared.stderr).toContain("panko shares");

    // The daemon is this very binary, running on after `share` returned.
    const [daemon] = daemonPids(b);
    expect(readFileSync(`/proc/${daemon}/cmdline`, "latin1").split("\0").slice(0, 3)).toEqual([BINARY, "serve", "--foreground"]);

    const listed = JSON.parse((await run(["shares", "--json"])).stdout) as ShareInfo[];
    expect(listed.map((s) => [s.publicUrl, s.status])).toEqual([[url!, "active"]]);

    process.kill(daemon!, "SIGKILL");
    await waitFor("the daemon to die", () => !isAlive(daemon!));
    const again = await waitFor("the share back", async () => {
      const s = JSON.parse((await run(["shares", "--json"])).stdout) as ShareInfo[];
      return s[0]?.status === "active" ? s : undefined;
    });
    expect(again[0]!.publicUrl).toBe(url!);
    expect(daemonPids(b)).not.toContain(daemon);
    expect(readFileSync(join(b.dataDir, "daemon.log"), "utf8")).toContain("tunnel adopted");

    // An upgrade: the running daemon says it is an older panko; the next command replaces it and
    // the new daemon adopts the share's tunnel (same URL).
    await run(["serve-stop"]);
    const old = await runBinary(["share", file, "--json"], { env: { ...b.env, PANKO_DAEMON_VERSION: "0.0.1" } });
    const oldShare = JSON.parse(old.stdout) as ShareInfo;
    const oldDaemon = daemonPids(b)[0]!;
    const upgraded = await waitFor("the share under the new daemon", async () => {
      const s = JSON.parse((await run(["shares", "--json"])).stdout) as ShareInfo[];
      return s.find((x) => x.id === oldShare.id && x.status === "active");
    });
    expect(upgraded.publicUrl).toBe(oldShare.publicUrl);
    expect(isAlive(oldDaemon)).toBe(false);
    const st = JSON.parse((await run(["serve-status", "--json"])).stdout) as { version: string };
    expect(st.version).not.toBe("0.0.1");

    const un = await run(["unshare", upgraded.id]);
    expect(un.code).toBe(0);
    const stop = await run(["serve-stop"]);
    expect(stop.code).toBe(0);
    await waitFor("nothing left", () => sandboxPids(b).length === 0, 10_000);
  }, 60_000);
});
