import { describe, expect, test } from "bun:test";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli, VERSION } from "../../src/cli/run.ts";
import { nearest } from "../../src/cli/suggest.ts";
import { commands } from "../../src/cli/registry.ts";
import { findNamed } from "../../src/cli/command.ts";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { claudeSession, writeLines } from "../helpers/session-tree.ts";

async function run(...argv: string[]) {
  const m = memoryIo();
  const code = await runCli(argv, m.io);
  return { code, out: m.stdout(), err: m.stderr() };
}

describe("cli", () => {
  test("--version prints the package version", async () => {
    const r = await run("--version");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`panko ${VERSION}\n`);
  });

  test("--help lists the commands", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: panko <command>");
    expect(r.out).toContain("config");
  });

  test("the registry's names and aliases are the commands' own (it lists them before loading any)", async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect({ name: entry.name, aliases: entry.aliases ?? [] }).toEqual({ name: command.name, aliases: command.aliases ?? [] });
    }
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
    expect(findNamed(commands, "ls")?.name).toBe("list");
    expect(findNamed(commands, "nope")).toBeUndefined();
  });

  test("an unknown command is one line with the nearest name and exit 2", async () => {
    const r = await run("confg");
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe('error: unknown command "confg" (did you mean config?)');
  });

  test("an unknown flag names the nearest valid one and exits 2", async () => {
    const r = await run("config", "show", "--jsn");
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option --jsn for panko config show (did you mean --json?)");
  });

  test("a missing value for a flag says what it wants", async () => {
    const r = await run("config", "set", "redact");
    expect(r.code).toBe(2);
    expect(r.err).toContain("missing argument");
  });

  test("a flag missing its value is named as typed, short or long", async () => {
    expect((await run("list", "-n")).err).toContain("panko list: -n needs a value (-n N)");
    expect((await run("list", "--limit")).err).toContain("panko list: --limit needs a value (--limit N)");
    const o = await run("export", "latest", "-o");
    expect(o.code).toBe(2);
    expect(o.err).toContain("panko export: -o needs a value (-o FILE)");
  });

  test("a --host that is no address of this machine is a usage error, not a bug", async () => {
    const dir = mkdtempSync(join(process.env.PANKO_TEST_ROOT!, "host-"));
    const file = writeLines(join(dir, "s.jsonl"), claudeSession({ id: "host-1", cwd: "/w", prompt: "hi", at: "2026-01-01T00:00:00Z" }));
    const r = await run("view", file, "--host", "999.1.1.1", "--no-browser", "--port", "0");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--host 999.1.1.1: not an address this machine can listen on");
    expect(r.err).not.toContain("bug in panko");
  });

  test("<command> --help shows usage and options", async () => {
    const r = await run("config", "set", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: panko config set KEY VALUE");
    expect(r.out).toContain("--verbose");
  });

  test("help <command> is the same as <command> --help", async () => {
    expect((await run("help", "config")).out).toBe((await run("config", "--help")).out);
  });

  test("typed errors print a message without a stack and exit 1", async () => {
    const r = await run("config", "set", "default_port", "huge");
    expect(r.code).toBe(1);
    expect(r.err).toContain("error: invalid value for default_port");
    expect(r.err).not.toContain("    at ");
  });
});

describe("logging", () => {
  test("log_file from the config receives debug lines, not the terminal", async () => {
    const { writeConfigKey } = await import("../../src/config.ts");
    const { configureLog } = await import("../../src/log.ts");
    const file = `${process.env.PANKO_TEST_ROOT}/panko.log`;
    writeConfigKey("log_file", file);
    try {
      const r = await run("config", "path");
      expect(r.err).toBe("");
      expect(await Bun.file(file).text()).toContain("running panko config path");
    } finally {
      writeConfigKey("log_file", undefined);
      configureLog({ file: "" });
    }
  });
});

describe("nearest", () => {
  test("finds typos and prefixes, not unrelated words", () => {
    expect(nearest("lst", ["list", "check", "view"])).toBe("list");
    expect(nearest("vie", ["list", "check", "view"])).toBe("view");
    expect(nearest("zzzzzz", ["list", "check", "view"])).toBeUndefined();
  });
});
