import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadDirFromUserDirs, downloadsDir } from "../../src/platform/downloads.ts";
import { openBrowser, openFolder } from "../../src/platform/open.ts";

describe("downloads", () => {
  test("the Downloads folder: XDG_DOWNLOAD_DIR, then user-dirs.dirs, then ~/Downloads", () => {
    const root = mkdtempSync(join(tmpdir(), "panko-dl-"));
    const env = { HOME: join(root, "home"), XDG_CONFIG_HOME: join(root, "cfg") };
    expect(downloadsDir(env)).toBe(join(root, "home", "Downloads"));
    mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
    writeFileSync(join(env.XDG_CONFIG_HOME, "user-dirs.dirs"), '# comment\nXDG_DESKTOP_DIR="$HOME/Desktop"\nXDG_DOWNLOAD_DIR="$HOME/Telechargements"\n');
    expect(downloadsDir(env)).toBe(join(root, "home", "Telechargements"));
    expect(downloadsDir({ ...env, XDG_DOWNLOAD_DIR: "/srv/dl" })).toBe("/srv/dl");
    expect(downloadDirFromUserDirs('XDG_DOWNLOAD_DIR="relative"', "/h")).toBeUndefined();
  });

});

describe("openFolder", () => {
  test("opens an absolute folder with the platform's opener; refuses a relative one; says why it cannot", async () => {
    const ran: string[][] = [];
    const spawn = async (cmd: string[]) => (ran.push(cmd), 0);
    expect(await openFolder("/home/me/p", { platform: "linux", env: { DISPLAY: ":0" }, spawn })).toEqual({ opened: true });
    expect(await openFolder("/Users/me/p", { platform: "darwin", env: {}, spawn })).toEqual({ opened: true });
    expect(ran).toEqual([["xdg-open", "/home/me/p"], ["open", "/Users/me/p"]]);
    expect(await openFolder("p", { platform: "linux", env: { DISPLAY: ":0" }, spawn })).toEqual({ opened: false, reason: "not an absolute path" });
    expect(await openFolder("/p", { platform: "linux", env: {}, spawn })).toEqual({ opened: false, reason: "no graphical display" });
    expect(await openBrowser("/p", { platform: "linux", env: { DISPLAY: ":0" }, spawn })).toEqual({ opened: false, reason: "not a web address" });
    expect(ran).toHaveLength(2);
  });
});
