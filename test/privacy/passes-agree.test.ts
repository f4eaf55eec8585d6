/** The three ways in to the privacy pass agree: what a share serves, what export writes, what redact lists. */
import { describe, expect, test } from "bun:test";
import { findRedactions, findRedactionsAsync } from "../../src/privacy/preview.ts";
import { redactSession, redactSessionAsync } from "../../src/privacy/redact.ts";
import { parseSession } from "../../src/sessions/parse.ts";
import { tempDir } from "../tunnels/helpers.ts";
import { writePlantedSessions } from "./planted-sessions.ts";

describe("share, export and redact agree", () => {
  const fixture = writePlantedSessions(tempDir("agree-"));
  for (const which of ["claude", "codex"] as const) {
    test(`${which}: the sliced pass (shares) equals the whole pass (export); the preview counts the same`, async () => {
      const session = await parseSession(fixture[which]);
      const opts = { extraPatterns: [/planted/g], keep: [/^AKIA/] };
      const whole = redactSession(session, opts);
      let yields = 0;
      const sliced = await redactSessionAsync(session, opts, async () => void yields++);
      expect(JSON.stringify(sliced.session)).toBe(JSON.stringify(whole.session));
      expect(sliced.counts).toEqual(whole.counts);
      const report = findRedactions(session, opts);
      expect(report.counts).toEqual(whole.counts);
      expect(report.total).toBe(whole.total);
      expect(report.items).toHaveLength(whole.total);
      expect(await findRedactionsAsync(session, opts, async () => {})).toEqual(report);
      expect(whole.counts["aws-access-key"]).toBeUndefined(); // kept
    });
  }
});
