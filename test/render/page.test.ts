import { describe, expect, test } from "bun:test";
import { ASSETS, assetHash } from "../../src/render/assets.ts";
import { inlineImageSrc, renderMetaEvent, renderPage, renderPageChunks, renderTurnHtml, renderTurnsEvent } from "../../src/render/page.ts";
import { allKinds, session, tool } from "./fixture.ts";
import { findUnsafe, readStream, served } from "./helpers.ts";

describe("renderPage", () => {
  test("renders every block kind and every tool renderer", async () => {
    const { html } = await readStream(renderPage(allKinds(), served));
    const expectations: [string, string][] = [
      ["prompt", `class="blk prompt cpy"`],
      ["image", `<img src="/tok/images/img1"`],
      ["lazy image", `loading="lazy"`],
      ["thinking collapsed", `<details class="blk thinking cpy"><summary>Thinking`],
      ["encrypted thinking", "encrypted by the provider"],
      ["markdown", "<ol><li>read</li>"],
      ["highlighted code", "<span class=k>const</span>"],
      ["table", `<div class="table"><table><thead>`],
      ["bash", `class="blk tool k-bash err"`],
      ["ansi", `<span class="af2">pass</span>`],
      ["exec_command", "in <code>/tmp</code>"],
      ["read gutter", `<span class=ln data-n="2"></span>`],
      ["system reminder", `<details class="reminder"><summary>system reminder</summary>`],
      ["edit diff", `<span class="dl add"><span class=ln data-n=""></span><span class=ln data-n="2"></span><span class=op>+</span>`],
      ["new file", `<span class="badge new">new</span>`],
      ["move", "a.txt → b.txt"],
      ["todo", `<li class="st-in_progress"><span class="ico" title="in_progress">◐</span>`],
      ["grep", "<code>parse\\(</code>"],
      ["web search", "<q>bun markdown api</q>"],
      ["web fetch link", `<a href="https://bun.sh/docs" rel="noopener noreferrer nofollow" target="_blank">`],
      ["sub-agent", `<details class="subagent"><summary>Sub-agent transcript`],
      ["sub-agent blocks", "Find the config files"],
      ["mcp", `<span class="tn">create_issue</span><span class="ta"><span class="badge">MCP</span> <span class="muted">github</span>`],
      ["generic json", `<span class=a>&quot;alpha&quot;</span>`],
      ["plan", `<div class="md plan"><h1>Plan</h1>`],
      ["question", "Which one?"],
      ["result image", `<div class="imgs"><a class="img"`],
      ["long output collapsed", `<summary data-more="100">show all 120 lines</summary>`],
      ["no result", `<span class="badge">no result</span>`],
      ["command", "<code>/compact keep it short</code>"],
      ["compaction", `<details class="blk compaction"><summary>Conversation compacted`],
      ["notice", `<div class="blk notice lv-error"><span class="nst">api_error</span> Overloaded (529)`],
      ["multi-line notice collapsed", `<details class="blk notice lv-warning">`],
      ["unknown", `<details class="blk unknown"><summary>Unrecognised record <code>future-record</code>`],
      ["abandoned", `<section class="turn abandoned" id="turn-2"`],
      ["rewound collapsed", `<details class="rewound">`],
      ["permalink", `<a class="pl" href="#turn-1"`],
      ["time", `<time class="ts" datetime="2026-01-21T15:30:00.000Z">2026-01-21 15:30 UTC</time>`],
      ["copy", `<button class="copy" type="button" data-copy`],
      ["outline", `<li><a href="#turn-0"><span class="on">1</span><span class="lb">Please fix the bug in `],
      ["header tokens", `<span class="nw">1.2k in</span> · <span class="nw">34k out</span> · <span class="nw">2.50M cache read</span> · <span class="nw">120k cache write</span>`],
      ["header changes", `<dt>Changes</dt><dd>3 files · <span class="counts"><span class="plus">+3</span> <span class="minus">−2</span></span></dd>`],
      ["duration", "1h 15m"],
      ["counts", "2 prompts · 3 messages · 19 tool calls (+1 in 1 sub-agent)"],
    ];
    for (const [what, needle] of expectations) expect({ what, found: html.includes(needle) }).toEqual({ what, found: true });
  });

  test("served mode links the assets and has no inline script or style", async () => {
    const { html } = await readStream(renderPage(allKinds(), { ...served, eventsUrl: "/tok/events", downloadUrl: "/tok/download" }));
    expect(html).toContain(`<link rel="stylesheet" href="/tok/panko.css"><script src="/tok/panko.js"></script>`);
    expect(html).toContain(`<body data-events="/tok/events">`);
    expect(html).toContain(`href="/tok/download" download`);
    expect(html).not.toContain("<style");
    expect(html).not.toMatch(/<script>/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(await findUnsafe(html, "served")).toEqual([]);
  });

  test("inline mode is self-contained, with a hash CSP for its own assets", async () => {
    const { html } = await readStream(renderPage(allKinds(), { assets: { mode: "inline" }, imageSrc: inlineImageSrc }));
    expect(html).toContain(`<style>${ASSETS["panko.css"].body}</style>`);
    expect(html).toContain(`<script>${ASSETS["panko.js"].body}</script>`);
    expect(html).toContain(`script-src '${assetHash("panko.js")}'`);
    expect(html).toContain(`src="data:image/png;base64,`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!bun\.sh)/); // nothing loads from elsewhere
    expect(await findUnsafe(html, "inline")).toEqual([]);
  });

  test("assets cannot break out of their inline elements and load nothing remote", () => {
    expect(ASSETS["panko.js"].body.toLowerCase()).not.toContain("</script");
    expect(ASSETS["panko.css"].body.toLowerCase()).not.toContain("</style");
    expect(ASSETS["panko.css"].body).not.toMatch(/url\(|@import/);
    expect(ASSETS["panko.js"].body).not.toMatch(/https?:\/\//);
    expect(ASSETS["panko.css"].type).toStartWith("text/css");
    expect(ASSETS["panko.js"].type).toStartWith("text/javascript");
  });

  test("streams: several chunks for a big session, rendered lazily as they are pulled", async () => {
    const big = session(Array.from({ length: 400 }, (_, i) => [{ kind: "prompt" as const, id: `p${i}`, text: `prompt ${i}` }, tool("Bash", { command: "echo" }, { text: "x".repeat(2000) })]));
    const { html, chunks } = await readStream(renderPage(big, served));
    expect(chunks).toBeGreaterThan(5);
    expect(html).toEndWith("</html>\n");
    expect(html.match(/<section class="turn"/g)?.length).toBe(400);
    // The first chunk comes before the turns are rendered.
    const it = renderPageChunks(big, served)[Symbol.iterator]();
    const first = it.next().value as string;
    expect(first).toContain(`<div id="turns">`);
    expect(first).not.toContain(`id="turn-0"`);
  });

  test("an empty session still renders a page", async () => {
    const { html } = await readStream(renderPage(session([]), served));
    expect(html).toContain("This session has no turns yet.");
  });

  test("the linked pull request is a fact: a link when it is http(s), text otherwise", async () => {
    const pr = { ...session([]), pullRequest: { number: 12, url: "https://github.com/o/r/pull/12", repository: "o/r" } };
    const { html } = await readStream(renderPage(pr, served));
    expect(html).toContain(`<dt>Pull request</dt><dd><a href="https://github.com/o/r/pull/12" rel="noopener noreferrer">o/r#12</a></dd>`);
    const bad = { ...pr, pullRequest: { ...pr.pullRequest, url: "javascript:alert(1)" } };
    const page = (await readStream(renderPage(bad, served))).html;
    expect(page).toContain("<dt>Pull request</dt><dd>o/r#12</dd>");
    expect(page).not.toContain("javascript:");
  });

  test("renderTurnHtml and the live events", () => {
    const s = allKinds();
    const html = renderTurnHtml(s.turns[1], s, served);
    expect(html).toStartWith(`<section class="turn" id="turn-1" data-label="/compact keep it short">`);
    const ev = renderTurnsEvent(s.turns[1], s, served);
    expect(ev).toStartWith("event: turn\ndata: ");
    expect(ev).toEndWith("\n\n");
    expect(JSON.parse(ev.split("\n")[1].slice(6))).toEqual({ index: 1, html });
    const meta = renderMetaEvent(s);
    expect(JSON.parse(meta.split("\n")[1].slice(6))).toEqual({ turns: 3, title: "Fixture session", endedAt: "2026-01-21T16:45:30.000Z" });
  });

  test("the client script implements the live update contract", () => {
    const js = ASSETS["panko.js"].body;
    for (const needle of [`getAttribute("data-events")`, `new EventSource(url)`, `addEventListener("turn"`, `addEventListener("meta"`, `"turn-" + index`, "replaceWith", "atBottom()"]) {
      expect(js).toContain(needle);
    }
  });
});

describe("sub-agent facts", () => {
  test("count tool calls as sessionCounts does: the agent's own (placeholders left out), nested ones apart, with plurals", async () => {
    const nested = session([[tool("Read", { file_path: "/a" }, { text: "x" }), tool("Grep", { pattern: "y" }, { text: "" })]], { id: "agent-2" });
    const sub = session(
      [
        [
          tool("Task", { prompt: "go deeper" }, { text: "done" }, { subAgent: nested }),
          tool("unknown", null, { text: "orphan result" }, { placeholder: true }),
        ],
      ],
      { id: "agent-1" },
    );
    const main = session([[tool("Task", { prompt: "look around", description: "look" }, { text: "report" }, { subAgent: sub })]]);
    const { html } = await readStream(renderPage(main, served));
    expect(html).toContain("1 tool call (+2 in 1 sub-agent)");
    expect(html).not.toContain("4 tool calls");
  });
});
