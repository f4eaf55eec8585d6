import { describe, expect, test } from "bun:test";
import { ansiToHtml, resolveCarriageReturns, stripAnsi } from "../../src/render/ansi.ts";
import { fileEditHtml } from "../../src/render/diff.ts";
import { highlight, HIGHLIGHT_MAX, langFromPath, normalizeLang } from "../../src/render/highlight.ts";
import { unesc } from "../../src/render/escape.ts";
import { markdownToHtml, renderByCallbacks, renderFast, rewriteHtml } from "../../src/render/markdown-html.ts";
import { lineCount, numberLines, pre } from "../../src/render/output.ts";
import { splitNumbered } from "../../src/render/tools/read.ts";

describe("ansi", () => {
  test("SGR colours and styles become classed spans, escaped", () => {
    expect(ansiToHtml("\x1b[31mred <b>\x1b[0m plain")).toBe(`<span class="af1">red &lt;b&gt;</span> plain`);
    expect(ansiToHtml("\x1b[1;92mok\x1b[22m\x1b[39m")).toBe(`<span class="af10 ab">ok</span>`);
    expect(ansiToHtml("\x1b[38;5;196mx\x1b[48;2;0;0;255my")).toBe(`<span class="af9">x</span><span class="af9 ag12">y</span>`);
    expect(ansiToHtml("\x1b[4;3munder\x1b[24;23m no")).toBe(`<span class="ai au">under</span> no`);
  });
  test("spans never cross a newline", () => {
    expect(ansiToHtml("\x1b[32ma\nb\x1b[0m")).toBe(`<span class="af2">a</span>\n<span class="af2">b</span>`);
  });
  test("other escape sequences are dropped; carriage returns keep the final write", () => {
    expect(ansiToHtml("\x1b]0;title\x07\x1b[2K\x1b[1Ghi")).toBe("hi");
    expect(ansiToHtml("\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\")).toBe("link");
    expect(resolveCarriageReturns("10%\r50%\r100%\nnext\r\n")).toBe("100%\nnext\n");
    expect(stripAnsi("\x1b[31mred\x1b[0m")).toBe("red");
    expect(ansiToHtml("no escapes & <tags>")).toBe("no escapes &amp; &lt;tags&gt;");
  });
});

describe("highlight", () => {
  // Runs that were quadratic (160k word characters in CSS took 40 s): at this size a quadratic scan
  // would take many seconds per case and run into the test timeout; the result is what is checked.
  test("long runs of one kind of character come back whole and correctly marked", () => {
    const n = 160_000;
    const run = (s: string, times: number) => s.repeat(Math.ceil(times / s.length)).slice(0, times);
    for (const lang of ["css", "html", "yaml", "md", "js", "py", "sh", "json", "sql", "toml", "rust", "go", "c", "ruby"]) {
      for (const text of [run("a", n), run("a-", n), run("1a", n), run(" ", n), run("[", n), run("a:", n), run("<", n), "#" + run("a", n)]) {
        const html = highlight(text, lang);
        expect({ lang, start: text.slice(0, 4), same: unesc(html.replace(/<\/?span[^>]*>/g, "")) === text }).toEqual({ lang, start: text.slice(0, 4), same: true });
      }
    }
    expect(highlight("color: red;\n" + run("x", n), "css")).toStartWith("<span class=a>color</span>: red;");
    expect(highlight("key: 1\n" + run(" ", n) + "deep: 2", "yaml")).toStartWith("<span class=a>key</span>: <span class=n>1</span>");
    expect(highlight(run("[", n) + "[a](b)", "md")).toEndWith("<span class=a>[a](b)</span>");
  });

  test("keywords, strings, comments, numbers, literals", () => {
    expect(highlight(`const x = "s"; // c\nreturn 42 ?? null;`, "ts")).toBe(
      `<span class=k>const</span> x = <span class=s>&quot;s&quot;</span>; <span class=c>// c</span>\n<span class=k>return</span> <span class=n>42</span> ?? <span class=l>null</span>;`,
    );
    expect(highlight(`def f(): # c\n    return None`, "python")).toContain("<span class=k>def</span>");
    expect(highlight(`echo "$HOME" # hi`, "bash")).toBe(`<span class=k>echo</span> <span class=s>&quot;$HOME&quot;</span> <span class=c># hi</span>`);
    expect(highlight(`{"a": [1, true]}`, "json")).toBe(`{<span class=a>&quot;a&quot;</span>: [<span class=n>1</span>, <span class=l>true</span>]}`);
    expect(highlight(`SELECT a FROM t -- x`, "sql")).toBe(`<span class=k>SELECT</span> a <span class=k>FROM</span> t <span class=c>-- x</span>`);
    expect(highlight(`<a href="x">`, "html")).toBe(`<span class=t>&lt;a</span> <span class=a>href</span>=<span class=s>&quot;x&quot;</span><span class=t>&gt;</span>`);
    expect(highlight(`key: "v" # c`, "yaml")).toBe(`<span class=a>key</span>: <span class=s>&quot;v&quot;</span> <span class=c># c</span>`);
    expect(highlight(`@@ -1 +1 @@\n-a\n+b`, "diff")).toBe(`<span class=h>@@ -1 +1 @@</span>\n<span class=d>-a</span>\n<span class=i>+b</span>`);
    for (const lang of ["go", "rust", "css", "java", "ruby", "toml", "md"]) expect(highlight("x", lang)).toBe("x");
  });
  test("multi-line tokens are split per line; unknown languages and huge code are only escaped", () => {
    expect(highlight("/* a\nb */", "js")).toBe(`<span class=c>/* a</span>\n<span class=c>b */</span>`);
    expect(highlight("<x> & y", "klingon")).toBe("&lt;x&gt; &amp; y");
    expect(highlight("const a", undefined)).toBe("const a");
    expect(highlight("const " + "a".repeat(HIGHLIGHT_MAX), "js")).not.toContain("<span");
  });
  test("languages from names and paths", () => {
    expect(normalizeLang("TypeScript")).toBe("js");
    expect(normalizeLang("shell")).toBe("sh");
    expect(langFromPath("/a/b/main.rs")).toBe("rust");
    expect(langFromPath("Dockerfile")).toBe("sh");
    expect(langFromPath("/a/README")).toBeUndefined();
  });
});

describe("markdown", () => {
  test("raw HTML is text, code is highlighted, images never load", () => {
    const html = markdownToHtml("<b>x</b>\n\n<div onclick=1>y</div>\n\n```py\nNone\n```\n\n![a](https://img.example/x.png)");
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).toContain(`<p class="rawhtml">&lt;div onclick=1&gt;y&lt;/div&gt;`);
    expect(html).toContain(`<span class="lang">py</span>`);
    expect(html).toContain("<span class=l>None</span>");
    expect(html).not.toContain("<img");
    expect(html).toContain(`<a class="mdimg" href="https://img.example/x.png"`);
  });
  test("autolinks become links; e-mail becomes mailto", () => {
    const html = markdownToHtml("see https://a.example and www.b.example or me@c.example");
    expect(html).toContain(`<a href="https://a.example"`);
    expect(html).toContain(`<a href="https://www.b.example"`);
    expect(html).toContain(`<a href="mailto:me@c.example"`);
  });

  // What the two renderers may differ in (see the module): quotes, and line ends in inline code.
  const drawn = (html: string) => html.replace(/&#x27;/g, "'").replace(/<code>([^<]*)<\/code>/g, (_, c: string) => `<code>${c.replace(/\n/g, " ")}</code>`);
  const SAMPLES = [
    "# Title\n\nA paragraph with *emphasis*, **strong**, ~~gone~~ and `code & b > a`-free text.\nA soft break, and a hard one:  \nthere.",
    "## Links\n\n[kept](https://a.example/x?y=1&z=2 \"a 'title' & more\") [anchor](#turn-3) [mail](mailto:me@a.example)\n[script](javascript:alert(1)) [data](data:text/html,x) [relative](./x.md) [vb](vbscript:x) https://auto.example/p me@auto.example",
    "[ref] and [other][ref]\n\n[ref]: javascript:alert(1) \"t\"",
    "![an image](https://img.example/x.png \"t\") ![inline data](data:image/png;base64,AAAA) ![](relative.png) [![linked](https://i.example/y.png)](https://a.example)",
    "```ts\nconst a = \"x\" && b > 1;\n```\n\n```\nplain & simple\n```\n\n    indented code & more\n\n~~~py extra words\nNone\n~~~",
    "| left | centre | right | none |\n|:--|:-:|--:|--|\n| 1 | **2** | `3` | [4](https://4.example) |",
    "- [x] done\n- [ ] todo\n  - nested *one*\n  - nested two\n\n3. three\n4. four\n\n1. one\n\n> a quote\n> > nested quote\n\n---\n\n***",
    "Entities: &copy; &amp; &quot;q&quot; &#65; &#x42; &unknown; AT&T R&D a && b",
    "Nul \u0000 char, tab\tand unicode → ✓ 😀 \u2028 line sep",
    "Heading\n=======\n\nSub\n---\n\n* a\n* b\n\n+ c\n\n- d\n\n  loose paragraph in d",
  ];
  test("the fast renderer draws what the callbacks draw", () => {
    for (const md of SAMPLES) {
      const fast = renderFast(md);
      expect({ md, fast: fast === undefined ? "fell back" : drawn(fast) }).toEqual({ md, fast: drawn(renderByCallbacks(md)) });
    }
    // markdownToHtml takes it for such texts, and leaves the others (raw HTML, www.) to the callbacks.
    expect(markdownToHtml(SAMPLES[0]!)).toBe(renderFast(SAMPLES[0]!)!);
    expect(markdownToHtml("a <b>x</b>")).toBe(renderByCallbacks("a <b>x</b>"));
    expect(markdownToHtml("see www.b.example")).toBe(renderByCallbacks("see www.b.example"));
  });

  test("no line end between block tags: items keep their line ends (pre-line), so one would be a blank line", () => {
    const md = "- a\n  - nested\n- b\n\n  loose\n\n> quote\n> - in quote\n\n---\n\n| t |\n|---|\n| c |\n\n1. x\n   ```\n   code\n   ```";
    for (const html of [renderFast(md)!, renderByCallbacks(md)]) {
      expect(html).not.toMatch(/\n(?=<)|>\n/);
      expect(html).toStartWith("<ul><li><p>a</p><ul><li>nested</li></ul></li><li><p>b</p><p>loose</p></li></ul><blockquote><p>quote</p><ul><li>in quote</li></ul></blockquote><hr>");
    }
  });

  test("the fast renderer keeps links safe and never loads an image", () => {
    const html = renderFast(SAMPLES[1]! + "\n\n" + SAMPLES[2]! + "\n\n" + SAMPLES[3]!)!;
    expect(html).not.toMatch(/href="(?!https:|mailto:|#)/);
    expect(html).not.toContain("<img");
    expect(html).toContain(`<span class="badlink" title="link removed">script</span>`);
    expect(html).toContain(`<span class="badlink" title="link removed">ref</span>`);
    expect(html).toContain(`<a class="mdimg" href="https://img.example/x.png"`);
    expect(html).toContain(`<span class="mdimg">🖼 inline data</span>`);
    // Entities never become markup.
    expect(renderFast("&lt;script&gt;x&lt;/script&gt; &#60;b&#62; [t](https://a.example \"&quot; onclick=&quot;x\")")).not.toMatch(/<(script|b)>|" onclick/);
  });

  test("random Markdown, hostile links and entities included, never renders unsafe markup", () => {
    const tokens = ["# ", "- ", "1. ", "> ", "```", "```js\n", "    ", "\n", "\n\n", "  \n", "\\\n", "**", "*", "_", "~~", "`", "[", "]", "(", ")", "![", "](",
      "https://a.example/x", "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "vbscript:x", "mailto:m@x.io", "m@x.io", "#frag", '"t"', "'", "&", "&quot;", "&#x3c;", "&lt;script&gt;",
      "&#106;avascript:x", "|", "| --- |", "---", "- [x] ", "word", "\t", "\\[", "é", "😀", "\u0000", "[ref]: javascript:x \"T\"", "[ref]", "onerror=x", '" onclick="x'];
    let seed = 7;
    const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n;
    for (let i = 0; i < 3000; i++) {
      let md = "";
      for (let j = next(20); j >= 0; j--) md += tokens[next(tokens.length)];
      const html = markdownToHtml(md).replace(/<span class="badlink" title="link removed">/g, "");
      expect({ md, unsafe: /<(?:script|img|input|iframe)|<[^>]* on\w+=|href="(?!https?:|mailto:|#)/i.exec(html)?.[0] }).toEqual({ md, unsafe: undefined });
    }
  });

  test("a tag the fast renderer is not known to write sends the text to the callbacks", () => {
    expect(rewriteHtml("<p>ok <strong>b</strong></p>\n")).toBe("<p>ok <strong>b</strong></p>");
    for (const html of [
      "<p><script>x</script></p>",
      "<div>x</div>",
      "<p><iframe src=x></iframe></p>",
      `<p><a href="https://a.example" onclick="x">a</a></p>`,
      `<p><img src="https://a.example/i.png" alt="" onerror="x" /></p>`,
      `<pre><code class="language-js" onclick="x">y</code></pre>`,
      `<p class="x">y</p>`,
      `<th style="color:red">x</th>`,
      "<p><input> <img></p>",
    ])
      expect({ html, out: rewriteHtml(html) }).toEqual({ html, out: undefined });
  });
});

describe("outputs", () => {
  test("short outputs are shown whole", () => {
    const html = pre("a\nb\nc");
    expect(html).toBe(`<div class="out cpy"><button class="copy" type="button" data-copy title="Copy" aria-label="Copy"></button><pre class="raw"><code>a\nb\nc</code></pre></div>`);
  });
  test("long outputs show their first lines and say how many there are", () => {
    const text = Array.from({ length: 45 }, (_, i) => `l${i + 1}`).join("\n");
    const html = pre(text);
    expect(html).toContain(`<pre class="raw"><code>l1\n`);
    expect(html).toContain(`l20\n</code></pre><details class="more"><summary data-more="25">show all 45 lines</summary><pre class="raw"><code>l21\n`);
    expect(html).toEndWith(`l45</code></pre></details></div>`);
    expect(pre(text, { over: 0 })).not.toContain("<details");
    expect(lineCount("a\nb\n")).toBe(2);
  });
  test("line numbers are drawn from data attributes (never copied)", () => {
    expect(numberLines("a\nb", 7)).toEqual({ html: `<span class=ln data-n="7"></span>a\n<span class=ln data-n="8"></span>b\n`, width: 2 });
  });
  test("Claude's numbered Read output", () => {
    expect(splitNumbered("   99→a\n  100→\tb\n\nnote")).toEqual({ numbers: [99, 100], code: "a\n\tb", tail: "note" });
    expect(splitNumbered("plain")).toBeUndefined();
  });
});

describe("diffs", () => {
  test("hunks with line numbers, op colours and counts", () => {
    const html = fileEditHtml({
      path: "src/a.ts",
      change: "update",
      added: 1,
      removed: 1,
      hunks: [{ oldStart: 10, oldLines: 2, newStart: 10, newLines: 2, lines: [{ op: " ", text: "let a = 1;" }, { op: "-", text: "b()" }, { op: "+", text: "c()" }] }],
    });
    expect(html).toContain(`<code class="path">src/a.ts</code>`);
    expect(html).toContain(`<span class="plus">+1</span> <span class="minus">−1</span>`);
    expect(html).toContain(`<span class="dl hk">@@ -10,2 +10,2 @@\n</span>`);
    expect(html).toContain(`<span class="dl ctx"><span class=ln data-n="10"></span><span class=ln data-n="10"></span><span class=op> </span><span class=k>let</span> a = <span class=n>1</span>;\n</span>`);
    expect(html).toContain(`<span class="dl del"><span class=ln data-n="11"></span><span class=ln data-n=""></span><span class=op>-</span>b()\n</span>`);
    expect(html).toContain(`<span class="dl add"><span class=ln data-n=""></span><span class=ln data-n="11"></span><span class=op>+</span>c()\n</span>`);
  });
  test("unknown positions: no numbers; long diffs collapse", () => {
    const lines = Array.from({ length: 100 }, (_, i) => ({ op: "+" as const, text: `x${i}` }));
    const html = fileEditHtml({ path: "f.txt", change: "create", added: 100, removed: 0, hunks: [{ oldStart: 0, oldLines: 0, newStart: 0, newLines: 100, lines }] });
    expect(html).toContain(`<span class="dl add"><span class=op>+</span>x0\n</span>`); // no empty gutters
    expect(fileEditHtml({ path: "f", change: "update", added: 0, removed: 0, hunks: [] }, { header: false })).not.toContain(`class="fh"`);
    expect(html).toContain(`<summary data-more="50">show all 100 lines</summary>`);
    expect(html).toContain(`<span class="badge new">new</span>`);
  });
});

describe("notice runs", () => {
  test("three or more notices of one kind in a row fold into one line with a count; fewer stay as they are", async () => {
    const { turnHtml } = await import("../../src/render/turn.ts");
    const notice = (i: number, subtype = "api_error") => ({ kind: "notice" as const, id: `n${i}`, level: "error" as const, subtype, text: `API error (ConnectionRefused), retry ${i}/10` });
    const ctx = { imageSrc: () => "", assets: { mode: "inline" as const } } as never;
    const folded = turnHtml({ index: 0, id: "t", blocks: [notice(1), notice(2), notice(3), notice(4)] }, ctx);
    expect(folded.match(/class="blk notice/g)).toHaveLength(1);
    expect(folded).toContain("api_error ×4");
    expect(folded).toContain("retry 4/10");
    expect(folded.match(/<li>/g)).toHaveLength(4);
    const kept = turnHtml({ index: 0, id: "t", blocks: [notice(1), notice(2), notice(3, "other")] }, ctx);
    expect(kept.match(/class="blk notice/g)).toHaveLength(3);
    expect(kept).not.toContain("×");
  });
});
