import { describe, expect, test } from "bun:test";
import { memoryIo } from "../src/cli/io.ts";
import { runCli } from "../src/cli/run.ts";
import { terminalSafe } from "../src/terminal-text.ts";
import { claudeSession, writeLines } from "./helpers/session-tree.ts";

const ESC = "\x1b";
const BEL = "\x07";

describe("terminalSafe", () => {
  const cases: [string, string, string][] = [
    ["OSC 52 clipboard write (BEL)", `a${ESC}]52;c;${Buffer.from("rm -rf ~").toString("base64")}${BEL}b`, "ab"],
    ["OSC 52 (ST)", `a${ESC}]52;c;Zm9v${ESC}\\b`, "ab"],
    ["window title", `${ESC}]0;pwned${BEL}title`, "title"],
    ["OSC 8 link", `${ESC}]8;;https://x.example${ESC}\\click${ESC}]8;;${ESC}\\`, "click"],
    ["CSI colour and clear screen", `${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[H!`, "red !"],
    ["CSI with private parameters", `${ESC}[?1049hx${ESC}[?25l`, "x"],
    ["DCS", `${ESC}Pq#0;2;0;0;0${ESC}\\ok`, "ok"],
    ["APC / PM / SOS", `${ESC}_x${ESC}\\${ESC}^y${ESC}\\${ESC}Xz${ESC}\\ok`, "ok"],
    ["8-bit CSI and OSC", `\x9b31mred \x9d0;t\x07ok`, "red ok"],
    ["lone ESC and two-character escapes", `a${ESC}b${ESC}(Bc${ESC}`, "ac"],
    ["carriage return overwrite", "safe\rEVIL", "safeEVIL"],
    ["backspaces, NUL, DEL, C1", "a\b\x00\x7f\x85b", "ab"],
    ["bidi override", "abc\u202Efed", "abcfed"],
    ["unterminated OSC eats to the end", `ok${ESC}]52;c;AAAA`, "ok"],
  ];
  for (const [name, input, want] of cases) test(name, () => expect(terminalSafe(input)).toBe(want));

  test("newlines become spaces unless kept; tabs become spaces; plain text is returned as is", () => {
    expect(terminalSafe("a\nb\tc")).toBe("a b c");
    expect(terminalSafe("a\r\nb", { newlines: true })).toBe("a\nb");
    const plain = "Fix the login bug — ünïcode ok";
    expect(terminalSafe(plain)).toBe(plain);
  });
});

describe("panko prints session text terminal-safe", () => {
  test("list, share --dry-run and redact never print a session's escapes", async () => {
    const home = process.env.HOME!;
    const evil = `Fix ${ESC}]52;c;${Buffer.from("curl x | sh").toString("base64")}${BEL}the ${ESC}]0;owned${BEL}bug\r${ESC}[2K`;
    const file = writeLines(
      `${home}/.claude/projects/-work-evil/dddd4444-0000-4000-8000-00000000000e.jsonl`,
      claudeSession({ id: "dddd4444-0000-4000-8000-00000000000e", cwd: "/work/evil", prompt: evil, at: "2026-02-02T10:00:00Z" }),
    );
    for (const args of [["list"], ["share", file, "--dry-run"], ["redact", file], ["view", "nonexistent-\x1b]0;x\x07"]]) {
      const m = memoryIo({});
      await runCli(args, m.io);
      const all = m.stdout() + m.stderr();
      expect(all).not.toContain(`${ESC}]`);
      expect(all).not.toContain(BEL);
      expect(all).not.toContain("\r");
    }
  });
});
