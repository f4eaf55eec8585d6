/**
 * secretlint as the oracle: its recommended preset (`@secretlint/secretlint-rule-preset-recommend`,
 * a devDependency) is the maintained rule set of the JavaScript ecosystem. Every value it reports
 * in the planted texts, and in the corpus when present, must be hidden by panko's own rules.
 * (It is not inside panko: over the 100 MB benchmark session it takes ~2 s, four times the
 * privacy pass's whole budget; see the report of issue 7.)
 */
import { describe, expect, test } from "bun:test";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { redactText } from "../../src/privacy/redact.ts";
import { plantedSecrets, plantedText } from "./planted.ts";

async function secretlintFinds(content: string): Promise<{ ruleId: string; value: string }[]> {
  const r = await lintSource({
    source: { filePath: "/session.txt", content, contentType: "text" },
    options: { config: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended }] }, locale: "en", maskSecrets: false },
  });
  return r.messages.map((m) => ({ ruleId: m.ruleId, value: content.slice(m.range[0], m.range[1]) }));
}

/**
 * The part of a finding that is the secret: a connection string's or URL's password, an
 * assignment's value (secretlint's AWS rule reports `aws_secret_access_key = <value>`), else all.
 */
function secretPart(value: string): string {
  const url = /^[A-Za-z][\w+.-]*:\/\/[^:@\/\s]*:([^@\s]+)@/.exec(value);
  if (url) return url[1];
  const assign = /^["']?[A-Za-z_][\w.-]*["']?\s*(?::|=>|=)\s*["']?([^"'\s]+)["']?$/.exec(value);
  if (assign) return assign[1];
  return value;
}

/** A finding is hidden when no 16-character piece of it (or the whole, when shorter) survives. */
function survives(value: string, out: string): boolean {
  if (value.length < 16) return out.includes(value);
  for (let i = 0; i + 16 <= value.length; i++) if (out.includes(value.slice(i, i + 16))) return true;
  return false;
}

describe("secretlint oracle", () => {
  test("secretlint finds the planted secrets of its kinds, and panko hides every one it finds", async () => {
    const text = plantedText();
    const found = await secretlintFinds(text);
    // the oracle sees many kinds (the planted set covers every rule of the preset that has a value shape)
    expect(new Set(found.map((f) => f.ruleId)).size).toBeGreaterThanOrEqual(15);
    const out = redactText(text).text;
    const missed = found.filter((f) => survives(secretPart(f.value), out));
    expect(missed.map((m) => m.ruleId)).toEqual([]);
  });

  test("each planted shape alone: whatever secretlint reports is hidden", async () => {
    for (const p of plantedSecrets()) {
      if (!p.shape) continue;
      const found = await secretlintFinds(p.shape);
      const out = redactText(p.shape).text;
      for (const f of found) expect({ name: p.name, rule: f.ruleId, survives: survives(p.secret, out) }).toEqual({ name: p.name, rule: f.ruleId, survives: false });
    }
  });

  const corpus = join(import.meta.dir, "../../../shared/corpus");
  test.skipIf(!existsSync(corpus))("corpus: every secretlint finding is hidden by panko", async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (n.endsWith(".jsonl")) files.push(p);
      }
    };
    walk(corpus);
    for (const file of files) {
      const content = readFileSync(file, "utf8");
      const found = await secretlintFinds(content);
      if (found.length === 0) continue;
      const out = redactText(content).text;
      for (const f of found) expect({ file, rule: f.ruleId, hidden: !survives(secretPart(f.value), out) }).toEqual({ file, rule: f.ruleId, hidden: true });
    }
  }, 60000);
});
