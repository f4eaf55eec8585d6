import { describe, expect, test } from "bun:test";
import {
  countChanges,
  diffLines,
  editFromEdit,
  editFromMultiEdit,
  editFromNotebookEdit,
  editFromWrite,
  fileEditsForTool,
  hunksFromStructuredPatch,
  splitLines,
} from "../../src/sessions/diff.ts";
import type { DiffHunk } from "../../src/sessions/model.ts";

/** Renders hunks as unified-diff text, for readable expectations. */
const unified = (hunks: DiffHunk[]) =>
  hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines.map((l) => l.op + l.text)].join("\n")).join("\n");

/** Applies hunks to old lines (checks the hunks are a correct diff). */
function apply(oldText: string, hunks: DiffHunk[]): string[] {
  const a = splitLines(oldText);
  const out: string[] = [];
  let i = 0;
  for (const h of hunks) {
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    while (i < start) out.push(a[i++]);
    for (const l of h.lines) {
      if (l.op === " ") {
        expect(a[i]).toBe(l.text);
        out.push(a[i++]);
      } else if (l.op === "-") {
        expect(a[i]).toBe(l.text);
        i++;
      } else out.push(l.text);
    }
  }
  while (i < a.length) out.push(a[i++]);
  return out;
}

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1)).join("\n") + "\n";

describe("diffLines", () => {
  test("identical -> no hunks", () => {
    expect(diffLines("a\nb\n", "a\nb\n")).toEqual([]);
    expect(diffLines("", "")).toEqual([]);
  });

  test("one change in the middle, 3 lines of context, real line numbers", () => {
    const old = lines(20);
    const nw = old.replace("line 10\n", "line ten\n");
    expect(unified(diffLines(old, nw))).toBe(
      ["@@ -7,7 +7,7 @@", " line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13"].join("\n"),
    );
  });

  test("creation and deletion", () => {
    expect(unified(diffLines("", "a\nb\n"))).toBe("@@ -0,0 +1,2 @@\n+a\n+b");
    expect(unified(diffLines("a\nb", ""))).toBe("@@ -1,2 +0,0 @@\n-a\n-b");
  });

  test("separate hunks when changes are far apart, merged when close", () => {
    const old = lines(40);
    const far = old.replace("line 5\n", "five\n").replace("line 30\n", "thirty\n");
    const h = diffLines(old, far);
    expect(h.length).toBe(2);
    expect(h[0]).toMatchObject({ oldStart: 2, oldLines: 7, newStart: 2, newLines: 7 });
    expect(h[1]).toMatchObject({ oldStart: 27, oldLines: 7 });
    const near = old.replace("line 5\n", "five\n").replace("line 10\n", "ten\n");
    expect(diffLines(old, near).length).toBe(1);
    expect(apply(old, h)).toEqual(splitLines(far));
  });

  test("insertions and removals count, and the hunks apply", () => {
    const old = "a\nb\nc\nd\ne\nf\n";
    const nw = "a\nc\nd\nX\nY\ne\nf\nZ\n";
    const h = diffLines(old, nw, 1);
    expect(countChanges(h)).toEqual({ added: 3, removed: 1 });
    expect(apply(old, h)).toEqual(splitLines(nw));
    expect(apply(old, diffLines(old, nw, 0))).toEqual(splitLines(nw));
  });

  test("a minimal diff on a shuffled file (property check against apply)", () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 30; round++) {
      const a = Array.from({ length: 40 }, () => String(Math.floor(rnd() * 8)));
      const b = a.filter(() => rnd() > 0.3).flatMap((x) => (rnd() > 0.8 ? [x, "new" + Math.floor(rnd() * 4)] : [x]));
      const h = diffLines(a.join("\n"), b.join("\n"), 2);
      expect(apply(a.join("\n"), h)).toEqual(b);
    }
  });

  test("CRLF line ends do not count as changes", () => {
    expect(diffLines("a\r\nb\r\n", "a\nb\n")).toEqual([]);
  });

  test("huge, totally different inputs fall back to a whole replacement quickly", () => {
    const a = lines(30_000, (i) => `old ${i}`);
    const b = lines(30_000, (i) => `new ${i}`);
    const t = performance.now();
    const h = diffLines(a, b);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(h.length).toBe(1);
    expect(countChanges(h)).toEqual({ added: 30_000, removed: 30_000 });
  });

  test("large file with a small edit is exact", () => {
    const a = lines(100_000);
    const b = a.replace("line 50000\n", "changed\n");
    const h = diffLines(a, b);
    expect(h).toHaveLength(1);
    expect(h[0].oldStart).toBe(49_997);
  });
});

describe("hunksFromStructuredPatch", () => {
  test("parses prefixed lines", () => {
    const h = hunksFromStructuredPatch([{ oldStart: 3, oldLines: 2, newStart: 3, newLines: 2, lines: [" keep", "-old", "+new", "\\ No newline at end of file"] }]);
    expect(h).toEqual([{ oldStart: 3, oldLines: 2, newStart: 3, newLines: 2, lines: [{ op: " ", text: "keep" }, { op: "-", text: "old" }, { op: "+", text: "new" }] }]);
  });
  test("absent or empty -> undefined", () => {
    expect(hunksFromStructuredPatch(undefined)).toBeUndefined();
    expect(hunksFromStructuredPatch([])).toBeUndefined();
    expect(hunksFromStructuredPatch([{ nope: 1 }])).toBeUndefined();
  });
});

describe("file edit builders", () => {
  const original = "one\ntwo\nthree\nfour\nfive\nsix\nseven\n";

  test("Edit prefers structuredPatch", () => {
    const e = editFromEdit(
      { file_path: "/p/f.txt", old_string: "two", new_string: "2" },
      { structuredPatch: [{ oldStart: 1, oldLines: 3, newStart: 1, newLines: 3, lines: [" one", "-two", "+2", " three"] }] },
    )!;
    expect(e).toMatchObject({ path: "/p/f.txt", change: "update", added: 1, removed: 1 });
    expect(e.hunks[0].oldStart).toBe(1);
  });

  test("Edit locates the snippet in originalFile for real line numbers", () => {
    const e = editFromEdit({ file_path: "/f", old_string: "ix\nsev", new_string: "IX\nSEV" }, { originalFile: original })!;
    expect(unified(e.hunks)).toBe("@@ -6,2 +6,2 @@\n-six\n-seven\n+sIX\n+SEVen");
  });

  test("Edit replace_all against originalFile", () => {
    const e = editFromEdit({ file_path: "/f", old_string: "o", new_string: "0", replace_all: true }, { originalFile: "foo\nbar\nbaz\nboo\n" })!;
    expect(e).toMatchObject({ added: 2, removed: 2 });
    expect(e.hunks[0].oldStart).toBe(1);
  });

  test("Edit without position: one snippet hunk at 0", () => {
    const e = editFromEdit({ file_path: "/f", old_string: "a\nb\nc", new_string: "a\nB\nc" }, "Error: something")!;
    expect(unified(e.hunks)).toBe("@@ -0,3 +0,3 @@\n a\n-b\n+B\n c");
  });

  test("MultiEdit: structuredPatch, else applied to originalFileContents, else snippets", () => {
    const input = { file_path: "/f", edits: [{ old_string: "two", new_string: "TWO" }, { old_string: "six", new_string: "SIX\nsix and a half" }] };
    const real = editFromMultiEdit(input, { originalFileContents: original })!;
    expect(real).toMatchObject({ added: 3, removed: 2 });
    expect(real.hunks.map((h) => h.oldStart)).toEqual([1]);
    const snip = editFromMultiEdit(input)!;
    expect(snip.hunks.length).toBe(2);
    expect(snip).toMatchObject({ added: 3, removed: 2 });
  });

  test("Write: create by default, update with structuredPatch or originalFile", () => {
    const c = editFromWrite({ file_path: "/n", content: "x\ny\n" }, { type: "create", filePath: "/n", content: "x\ny\n", structuredPatch: [] })!;
    expect(c).toMatchObject({ change: "create", added: 2, removed: 0 });
    expect(unified(c.hunks)).toBe("@@ -0,0 +1,2 @@\n+x\n+y");
    const u = editFromWrite({ file_path: "/n", content: "x\nz\n" }, { type: "update", originalFile: "x\ny\n" })!;
    expect(u).toMatchObject({ change: "update", added: 1, removed: 1 });
    const p = editFromWrite({ file_path: "/n", content: "x\nz\n" }, { type: "update", structuredPatch: [{ oldStart: 2, oldLines: 1, newStart: 2, newLines: 1, lines: ["-y", "+z"] }] })!;
    expect(p.hunks[0].oldStart).toBe(2);
  });

  test("NotebookEdit", () => {
    expect(editFromNotebookEdit({ notebook_path: "/nb.ipynb", new_source: "print(1)\nprint(2)", edit_mode: "insert" })).toMatchObject({ path: "/nb.ipynb", change: "update", added: 2, removed: 0 });
    expect(editFromNotebookEdit({ notebook_path: "/nb.ipynb", new_source: "", edit_mode: "delete" })).toMatchObject({ hunks: [], added: 0 });
  });

  test("fileEditsForTool dispatches, ignores other tools and bad input", () => {
    expect(fileEditsForTool("Bash", { command: "ls" })).toBeUndefined();
    expect(fileEditsForTool("Edit", "not an object")).toBeUndefined();
    expect(fileEditsForTool("Write", { file_path: "/a", content: "1" })?.[0].change).toBe("create");
  });
});
