import { describe, expect, test } from "bun:test";
import { clipboardCommands, copyToClipboard, osc52 } from "../../src/platform/clipboard.ts";

describe("clipboard", () => {
  test("commands by platform and session", () => {
    expect(clipboardCommands("darwin", {})).toEqual([["pbcopy"]]);
    expect(clipboardCommands("linux", { WAYLAND_DISPLAY: "wayland-0" })[0]).toEqual(["wl-copy"]);
    expect(clipboardCommands("linux", { DISPLAY: ":0" }).map((c) => c[0])).toEqual(["xclip", "xsel"]);
    expect(clipboardCommands("linux", {})).toEqual([]);
  });

  test("uses the first tool that exists and succeeds", async () => {
    const ran: string[][] = [];
    const r = await copyToClipboard("https://x.example/t/", {
      platform: "linux",
      env: { DISPLAY: ":0" },
      which: (name) => (name === "xsel" ? "/usr/bin/xsel" : null),
      run: async (cmd, text) => (ran.push([...cmd, text]), 0),
      isTTY: true,
      writeTerminal: () => {
        throw new Error("must not fall back to OSC 52");
      },
    });
    expect(r).toEqual({ copied: true, via: "xsel" });
    expect(ran).toEqual([["/usr/bin/xsel", "--clipboard", "--input", "https://x.example/t/"]]);
  });

  test("falls back to OSC 52 on a terminal, wrapped for tmux", async () => {
    let written = "";
    const r = await copyToClipboard("hi", { platform: "linux", env: { TMUX: "/tmp/tmux" }, which: () => null, isTTY: true, writeTerminal: (s) => (written = s) });
    expect(r.copied).toBe(true);
    expect(written).toBe(osc52("hi", { TMUX: "1" }));
    expect(osc52("hi", {})).toBe("\x1b]52;c;aGk=\x07");
    expect(written.startsWith("\x1bPtmux;")).toBe(true);
  });

  test("says why when it cannot copy", async () => {
    const r = await copyToClipboard("hi", { platform: "linux", env: {}, which: () => null, isTTY: false });
    expect(r.copied).toBe(false);
  });
});
