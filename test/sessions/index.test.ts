import { describe, expect, test } from "bun:test";
import { existsSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { listSessions } from "../../src/sessions/index.ts";
import type { SessionFile } from "../../src/sessions/discover.ts";
import { summarizeFile } from "../../src/sessions/summary/index.ts";
import { claude, claudeSession, codexSession, tempDir, writeJsonl } from "./helpers.ts";

function setup(name: string) {
  const home = tempDir(name);
  const env = { HOME: home, CODEX_HOME: join(home, ".codex"), XDG_CACHE_HOME: join(home, "cache") };
  const proj = (p: string) => join(home, ".claude", "projects", p.replace(/\//g, "-"));
  const reads: string[] = [];
  const readSummary = (f: SessionFile) => {
    reads.push(f.path.slice(home.length + 1));
    return summarizeFile(f.path, f.source, f);
  };
  const list = (extra: Parameters<typeof listSessions>[0] = {}) => listSessions({ env, readSummary, ...extra });
  return { home, env, proj, reads, list, db: join(home, "cache", "panko", "index.db") };
}

const touch = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

describe("listSessions and the index", () => {
  test("a second listing re-reads only new or changed files; deleted files disappear", () => {
    const t = setup("idx");
    const a = writeJsonl(join(t.proj("/w/alpha"), "a.jsonl"), claudeSession("alpha work"));
    const b = writeJsonl(join(t.proj("/w/beta"), "b.jsonl"), claudeSession("beta work"));
    const c = writeJsonl(join(t.home, ".codex", "sessions", "2025", "01", "01", "rollout-c.jsonl"), codexSession("cid"));
    expect(t.list()).toHaveLength(3);
    expect(t.reads.sort()).toHaveLength(3);
    expect(existsSync(t.db)).toBe(true);

    t.reads.length = 0;
    expect(t.list()).toHaveLength(3);
    expect(t.reads).toEqual([]);

    writeJsonl(a, claudeSession("alpha work changed", [claude.user("more")]));
    rmSync(b);
    writeJsonl(join(t.proj("/w/gamma"), "g.jsonl"), claudeSession("gamma"));
    const listed = t.list();
    expect(t.reads.sort()).toEqual([".claude/projects/-w-alpha/a.jsonl", ".claude/projects/-w-gamma/g.jsonl"]);
    expect(listed.map((s) => s.id).sort()).toEqual(["a", "cid", "g"]);
    expect(listed.find((s) => s.id === "a")!.prompts).toBe(2);

    // The cache holds no row for the deleted file any more.
    const db = new Database(t.db, { readonly: true });
    const paths = (db.query("SELECT path FROM files").all() as { path: string }[]).map((r) => r.path);
    db.close();
    expect(paths).not.toContain(b);
    expect(paths).toContain(c);
  });

  test("non-sessions are skipped and not re-read until they change", () => {
    const t = setup("idx-neg");
    writeJsonl(join(t.proj("/w/p"), "ok.jsonl"), claudeSession());
    const junk = join(t.proj("/w/p"), "junk.jsonl");
    writeFileSync(junk, "this is not json\n");
    expect(t.list().map((s) => s.id)).toEqual(["ok"]);
    expect(t.reads).toHaveLength(2);
    t.reads.length = 0;
    expect(t.list()).toHaveLength(1);
    expect(t.reads).toEqual([]);
    writeJsonl(junk, claudeSession("now a session"));
    expect(t.list()).toHaveLength(2);
    expect(t.reads).toEqual([".claude/projects/-w-p/junk.jsonl"]);
  });

  test("a reader that throws does not break the listing", () => {
    const t = setup("idx-throw");
    writeJsonl(join(t.proj("/w/p"), "ok.jsonl"), claudeSession());
    writeJsonl(join(t.proj("/w/p"), "bad.jsonl"), claudeSession());
    const out = listSessions({
      env: t.env,
      readSummary: (f) => {
        if (f.path.endsWith("bad.jsonl")) throw new Error("EACCES");
        return summarizeFile(f.path, f.source, f);
      },
    });
    expect(out.map((s) => s.id)).toEqual(["ok"]);
  });

  test("a corrupt index db is deleted and rebuilt", () => {
    const t = setup("idx-corrupt");
    writeJsonl(join(t.proj("/w/p"), "one.jsonl"), claudeSession());
    expect(t.list()).toHaveLength(1);
    rmSync(`${t.db}-wal`, { force: true });
    rmSync(`${t.db}-shm`, { force: true });
    writeFileSync(t.db, "garbage garbage garbage ".repeat(400));
    t.reads.length = 0;
    expect(t.list()).toHaveLength(1);
    expect(t.reads).toHaveLength(1);
    const db = new Database(t.db, { readonly: true });
    expect((db.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBeGreaterThan(0);
    db.close();
    t.reads.length = 0;
    t.list();
    expect(t.reads).toEqual([]);
  });

  test("an index that cannot be created still lists", () => {
    const t = setup("idx-nodb");
    writeJsonl(join(t.proj("/w/p"), "one.jsonl"), claudeSession());
    writeFileSync(join(t.home, "blocker"), "");
    expect(listSessions({ env: t.env, dbPath: join(t.home, "blocker", "index.db") })).toHaveLength(1);
  });

  test("filters, sorts and limits", () => {
    const t = setup("idx-sort");
    const old = writeJsonl(join(t.proj("/w/Alpha"), "old.jsonl"), claudeSession("old", [claude.user("x"), claude.user("y")]).map((r: any) => ({ ...r, timestamp: undefined, cwd: r.cwd && "/w/Alpha" })));
    const mid = writeJsonl(join(t.proj("/w/beta"), "mid.jsonl"), claudeSession("mid").map((r: any) => ({ ...r, timestamp: undefined, cwd: r.cwd && "/w/beta" })));
    const cx = writeJsonl(join(t.home, ".codex", "sessions", "rollout-new.jsonl"), codexSession("new").map((r: any) => ({ ...r, timestamp: undefined })));
    touch(old, 1_000_000);
    touch(mid, 2_000_000);
    touch(cx, 3_000_000);
    const ids = (o: Parameters<typeof listSessions>[0]) => t.list(o).map((s) => s.id);
    expect(ids({})).toEqual(["new", "mid", "old"]);
    expect(ids({ sort: "oldest" })).toEqual(["old", "mid", "new"]);
    expect(ids({ sort: "messages" })[0]).toBe("old");
    expect(ids({ sort: "project" })).toEqual(["old", "mid", "new"]);
    expect(ids({ source: "codex" })).toEqual(["new"]);
    expect(ids({ project: "ALPHA" })).toEqual(["old"]);
    expect(ids({ limit: 2 })).toEqual(["new", "mid"]);
    // A source-filtered listing does not drop the other source's rows.
    t.reads.length = 0;
    expect(ids({})).toHaveLength(3);
    expect(t.reads).toEqual([]);
  });

  test("two processes listing at once both succeed and leave a sound index", async () => {
    const t = setup("idx-conc");
    for (let i = 0; i < 40; i++) writeJsonl(join(t.proj(`/w/p${i % 4}`), `s${i}.jsonl`), claudeSession(`prompt ${i}`));
    const script = `import { listSessions } from ${JSON.stringify(join(import.meta.dir, "../../src/sessions/index.ts"))}; console.log(listSessions().length);`;
    const run = () =>
      Bun.spawn([process.execPath, "-e", script], { env: { ...process.env, ...t.env }, stdout: "pipe", stderr: "pipe" });
    const procs = [run(), run(), run()];
    const outs = await Promise.all(procs.map(async (p) => ((await p.exited) === 0 ? (await new Response(p.stdout).text()).trim() : await new Response(p.stderr).text())));
    expect(outs).toEqual(["40", "40", "40"]);
    t.reads.length = 0;
    expect(t.list()).toHaveLength(40);
    expect(t.reads).toEqual([]);
  });
});
