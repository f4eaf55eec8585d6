/**
 * Highlighter benchmark: long runs of one kind of character (the shapes that were quadratic:
 * 160k word characters in CSS took 40 s), and ordinary code, at HIGHLIGHT_MAX-sized inputs in
 * every language. Target: each under 200 ms (a linear scan does it in a few ms). Exits 1 when any
 * misses.
 */
import { highlight } from "../../src/render/highlight.ts";
import { report } from "./child.ts";

const LANGS = ["js", "py", "go", "rust", "c", "sh", "json", "yaml", "html", "css", "sql", "md", "ruby", "toml"];
const N = 160_000;
const fill = (s: string) => s.repeat(Math.ceil(N / s.length)).slice(0, N);
const SHAPES: Record<string, string> = {
  words: fill("a"),
  "word-dash": fill("a-"),
  "digit-letter": fill("1a"),
  spaces: fill(" "),
  brackets: fill("["),
  colons: fill("a:"),
  "open-tags": fill("<"),
  code: fill('const x = "s"; // note\nfunction f(a, b) { return a + b * 42; }\n.cls { color: red; }\n'),
};
const TARGET_MS = 200;

let worst = { ms: 0, what: "" };
for (const lang of LANGS) {
  for (const [shape, text] of Object.entries(SHAPES)) {
    const t = performance.now();
    highlight(text, lang);
    const ms = performance.now() - t;
    if (ms > worst.ms) worst = { ms, what: `${lang} ${shape}` };
  }
}
report({
  name: "highlight",
  lines: [`highlight of ${N / 1000}k-character runs, ${LANGS.length} languages x ${Object.keys(SHAPES).length} shapes: slowest ${worst.ms.toFixed(1)} ms (${worst.what}; target < ${TARGET_MS} ms each)`],
  ok: worst.ms < TARGET_MS,
});
