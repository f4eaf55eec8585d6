import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configureLog, log, maskToken, maskTokens } from "../src/log.ts";
import { newShareToken } from "../src/share/share.ts";

afterEach(() => configureLog({ file: "", verbose: false }));

describe("logs hold no way in", () => {
  test("maskToken keeps 4 characters; maskTokens masks every share token in a URL path", () => {
    const token = newShareToken();
    expect(maskToken(token)).toBe(`${token.slice(0, 4)}…`);
    const line = `share up: http://127.0.0.1:4242/${token}/ and https://x.trycloudflare.com/${token}/download?x=1`;
    const masked = maskTokens(line);
    expect(masked).not.toContain(token);
    expect(masked).not.toContain(token.slice(4, 20));
    expect(masked).toContain(`/${token.slice(0, 4)}…/`);
    // other paths stay as they are
    expect(maskTokens("/home/me/project/src/index.ts")).toBe("/home/me/project/src/index.ts");
  });

  test("log_file is created 0600, an existing one is narrowed to 0600, tokens are masked in it", () => {
    const dir = mkdtempSync(join(tmpdir(), "panko-log-"));
    const file = join(dir, "panko.log");
    configureLog({ file, verbose: false, sink: () => {} });
    const token = newShareToken();
    log.debug(`viewer at http://127.0.0.1:5000/${token}/`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, "utf8");
    expect(text).toContain("viewer at");
    expect(text).not.toContain(token);

    const old = join(dir, "old.log");
    writeFileSync(old, "before\n");
    chmodSync(old, 0o644);
    configureLog({ file: old });
    log.error("something failed", new Error(`at /${token}/x`));
    expect(statSync(old).mode & 0o777).toBe(0o600);
    expect(readFileSync(old, "utf8")).not.toContain(token);
  });

  test("the terminal sink gets masked lines too", () => {
    const lines: string[] = [];
    configureLog({ verbose: true, sink: (l) => void lines.push(l) });
    const token = newShareToken();
    log.debug(`GET /${token}/events`);
    expect(lines.join("")).not.toContain(token);
  });
});
