import { describe, expect, test } from "bun:test";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli, VERSION } from "../../src/cli/run.ts";
import { nearest } from "../../src/cli/suggest.ts";

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
