/** The real wiring's privacy pass: what the flow's confirm lists and what export and copy-as-context get. */
import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { configFile } from "../../src/paths.ts";
import { DEFAULTS } from "../../src/config.ts";
import type { Session } from "../../src/sessions/model.ts";
import { realDeps } from "../../src/ui/real-deps.ts";
import { mix } from "../privacy/samples.ts";
import { summary, session as emptySession } from "./fakes.ts";

function withPrompt(text: string): Session {
  const s = emptySession(summary({ id: "rrrr0001", title: "t" }));
  return { ...s, turns: [{ index: 0, id: "u1", blocks: [{ kind: "prompt", id: "b1", text } as never] }] };
}

describe("real privacy wiring", () => {
  const deps = realDeps({ onInterrupt: () => () => {} });
  const token = `ghp_${mix(36, 7)}`;
  const custom = `acme-${mix(12, 3, "0123456789")}`;

  test("the preview lists each secret masked, with where it is; config patterns count", () => {
    const config = { ...DEFAULTS, redact_patterns: ["acme-[0-9]+"] };
    const preview = deps.privacy.preview(withPrompt(`use ${token} and ${custom}`), config);
    expect(preview.total).toBe(2);
    expect(preview.items.map((i) => i.kind).sort()).toEqual(["custom", "github-token"].sort());
    for (const item of preview.items) {
      expect(item.where).toContain("turn 1");
      expect(token).not.toContain(item.preview.replace("…", ""));
    }
    expect(JSON.stringify(preview)).not.toContain(token);
  });

  test("apply hides per config, and keeps everything with redact off", () => {
    const s = withPrompt(`use ${token}`);
    const hidden = deps.privacy.apply(s, { ...DEFAULTS });
    expect(JSON.stringify(hidden.session)).not.toContain(token);
    expect(hidden.counts["github-token"]).toBe(1);
    const kept = deps.privacy.apply(s, { ...DEFAULTS, redact: false });
    expect(JSON.stringify(kept.session)).toContain(token);
  });

  test("a broken redaction key in the config file is an error, not a quiet default", () => {
    mkdirSync(dirname(configFile()), { recursive: true });
    writeFileSync(configFile(), 'redact_patterns = ["acme-[0-9]+", "("]\n');
    try {
      // the flow's tolerant load gives the defaults for the broken key; the pass refuses to run on them
      expect(() => deps.privacy.apply(withPrompt(`use ${custom}`), { ...DEFAULTS })).toThrow(/redact_patterns/);
      expect(() => deps.privacy.preview(withPrompt(`use ${custom}`), { ...DEFAULTS })).toThrow(/redact_patterns/);
    } finally {
      rmSync(configFile(), { force: true });
    }
  });
});
