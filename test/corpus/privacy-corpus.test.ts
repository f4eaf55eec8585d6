/**
 * The privacy rules over the real transcripts in ../shared/corpus: what they would hide, printed
 * for review. The corpus holds no real secrets (only placeholders such as `ghp_xxxxxxxxxxxx` and
 * code that reads tokens from the environment), so every hit here is a false positive to fix in
 * the rules unless it really looks like a secret.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { corpusDir } from "../helpers/corpus.ts";
import { findSecrets, redactJsonl, redactSession, type RedactionCounts, type SecretHit } from "../../src/privacy/redact.ts";
import { looksRandom } from "../../src/privacy/rules.ts";
import type { Session } from "../../src/sessions/model.ts";

const CORPUS = corpusDir() ?? join(import.meta.dir, "no-corpus");
const PARSER = join(import.meta.dir, "../../src/sessions/parse.ts");

function jsonlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonlFiles(p));
    else if (name.endsWith(".jsonl")) out.push(p);
  }
  return out;
}

/** A hit that plausibly is a real secret (not a word, a path or a placeholder). */
function plausible(h: SecretHit): boolean {
  if (h.kind === "private-key") return true;
  return h.value.length >= 8 && looksRandom(h.value);
}

function countSubAgents(s: Session): number {
  let n = 0;
  for (const t of s.turns) for (const b of t.blocks) if (b.kind === "tool" && b.subAgent) n += 1 + countSubAgents(b.subAgent);
  return n;
}

const add = (into: RedactionCounts, from: RedactionCounts) => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

describe.skipIf(!existsSync(CORPUS))("privacy over the real corpus", () => {
  const files = existsSync(CORPUS) ? jsonlFiles(CORPUS) : [];

  test("raw lines: few hits, each plausibly a real secret (printed for review)", async () => {
    expect(files.length).toBeGreaterThan(0);
    const byKind: RedactionCounts = {};
    const all: (SecretHit & { file: string; line: number })[] = [];
    for (const f of files) {
      const lines = (await Bun.file(f).text()).split("\n");
      lines.forEach((line, i) => {
        for (const h of findSecrets(line)) {
          all.push({ ...h, file: relative(CORPUS, f), line: i + 1 });
          byKind[h.kind] = (byKind[h.kind] ?? 0) + 1;
        }
      });
    }
    console.log(`privacy corpus: ${files.length} files, ${all.length} hits`, JSON.stringify(byKind));
    for (const h of all) console.log(`  ${h.file}:${h.line} ${h.kind} ${JSON.stringify(h.value)} in ${JSON.stringify(h.context)}`);
    const implausible = all.filter((h) => !plausible(h));
    expect(implausible).toEqual([]);
    expect(all.length).toBeLessThanOrEqual(5);
  });

  test("download redaction (parsed lines): every line stays valid JSON; clean lines byte for byte", async () => {
    const byKind: RedactionCounts = {};
    for (const f of files) {
      const text = await Bun.file(f).text();
      const r = redactJsonl(text);
      add(byKind, r.counts);
      const before = text.split("\n");
      const after = r.text.split("\n");
      expect(after.length).toBe(before.length);
      for (let i = 0; i < after.length; i++) {
        if (after[i].trim() === "") continue;
        if (after[i] !== before[i]) expect(() => JSON.parse(after[i])).not.toThrow();
      }
      if (Object.keys(r.counts).length === 0) expect(r.text).toBe(text);
    }
    console.log("privacy corpus (download lines):", JSON.stringify(byKind));
    expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5);
  });

  describe.skipIf(!existsSync(PARSER))("parsed sessions", () => {
    const tmp = mkdtempSync(join(tmpdir(), "panko-privacy-corpus-"));
    afterAll(() => { if (!process.env.PANKO_KEEP_TEST_DIRS) rmSync(tmp, { recursive: true, force: true }); });
    const load = async () => (await import(PARSER)) as { parseSession: (p: string) => Promise<Session> };
    // Top-level session files (sub-agent transcripts are reached through their parent).
    const sessions = files.filter((f) => !f.includes(`${"/"}subagents${"/"}`));

    test("redactSession over each corpus session hides no more kinds than the raw download lines", async () => {
      const { parseSession } = await load();
      for (const f of sessions) {
        const session = await parseSession(f);
        const { counts, session: out } = redactSession(session);
        const lineCounts: RedactionCounts = {};
        add(lineCounts, redactJsonl(await Bun.file(f).text()).counts);
        const dir = f.replace(/\.jsonl$/, "");
        if (existsSync(join(dir, "subagents"))) for (const s of jsonlFiles(join(dir, "subagents"))) add(lineCounts, redactJsonl(await Bun.file(s).text()).counts);
        for (const kind of Object.keys(counts)) expect({ file: relative(CORPUS, f), kind, inLines: kind in lineCounts }).toEqual({ file: relative(CORPUS, f), kind, inLines: true });
        expect(out.turns.length).toBe(session.turns.length);
      }
    });

    test("a secret planted in each corpus session (a temp copy) is found through the parser", async () => {
      const { parseSession } = await load();
      const planted = "ghp_" + "Z".repeat(18) + "9".repeat(18);
      // Copy every file (sub-agent transcripts too, in the same layout) with the secret planted.
      for (const f of files) {
        const lines = (await Bun.file(f).text()).split("\n");
        // Plant the secret in every string value of every line: wherever the parser takes text
        // from, it carries the secret, and redactSession must hide all of it.
        const plant = (v: unknown, key = ""): unknown => {
          if (typeof v === "string") {
            if (["type", "role", "uuid", "parentUuid", "id", "sessionId", "timestamp", "tool_use_id", "call_id", "model", "subtype", "media_type", "data", "cwd", "name", "agentId", "status"].includes(key)) return v;
            if (v.startsWith("{") || v.startsWith("[")) return v; // JSON-in-a-string (Codex arguments): keep it parseable
            return v + " " + planted;
          }
          if (Array.isArray(v)) return v.map((x) => plant(x, key));
          if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plant(x, k)]));
          return v;
        };
        const copy = lines.map((l) => {
          if (!l.trim()) return l;
          try {
            return JSON.stringify(plant(JSON.parse(l)));
          } catch {
            return l;
          }
        });
        const path = join(tmp, relative(CORPUS, f));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, copy.join("\n"));
      }
      let subAgents = 0;
      for (const f of sessions) {
        const session = await parseSession(join(tmp, relative(CORPUS, f)));
        subAgents += countSubAgents(session);
        const before = JSON.stringify(session);
        const { session: out, counts } = redactSession(session);
        expect(before).toContain(planted); // the parser did carry it
        expect(JSON.stringify(session)).toBe(before); // input untouched
        const leaked = JSON.stringify(out).includes(planted);
        expect({ file: relative(CORPUS, f), leaked }).toEqual({ file: relative(CORPUS, f), leaked: false });
        expect(counts["github-token"]).toBeGreaterThan(0);
      }
      console.log(`privacy corpus: planted secret hidden in ${sessions.length} parsed sessions (${subAgents} sub-agents)`);
    });
  });
});
