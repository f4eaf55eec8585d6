import { expect, test } from "bun:test";
import { unifiedDiff } from "../../src/render/diff.ts";

test("unifiedDiff: ---/+++ headers (/dev/null for a new or deleted file), @@ with positions when known", () => {
  const update = unifiedDiff({
    path: "src/a.ts",
    change: "update",
    added: 1,
    removed: 1,
    hunks: [{ oldStart: 3, oldLines: 2, newStart: 3, newLines: 2, lines: [{ op: " ", text: "keep" }, { op: "-", text: "old" }, { op: "+", text: "new" }] }],
  });
  expect(update).toBe("--- a/src/a.ts\n+++ b/src/a.ts\n@@ -3,2 +3,2 @@\n keep\n-old\n+new\n");
  const created = unifiedDiff({ path: "n.txt", change: "create", added: 1, removed: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 1, lines: [{ op: "+", text: "hi" }] }] });
  expect(created).toBe("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,1 @@\n+hi\n");
  const moved = unifiedDiff({ path: "x", movePath: "y", change: "move", added: 0, removed: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 0, newLines: 0, lines: [{ op: "-", text: "a" }] }] });
  expect(moved).toBe("--- a/x\n+++ b/y\n@@\n-a\n");
});
