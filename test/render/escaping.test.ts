/**
 * Every string of a session reaches the page escaped: an attacker who controls a transcript (a
 * shared session is somebody else's file) must not get markup, handlers or links that run.
 */
import { describe, expect, test } from "bun:test";
import { inlineImageSrc, renderPage, renderTurnHtml } from "../../src/render/page.ts";
import type { Block, Session } from "../../src/sessions/model.ts";
import { session, tool } from "./fixture.ts";
import { findUnsafe, readStream, served } from "./helpers.ts";

const ATTACKS = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `'><svg onload=alert(1)>`,
  `</script><script>alert(1)</script>`,
  `</style><style>*{display:none}</style>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  `<a href="javascript:alert(1)">x</a>`,
  `[md link](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox) ![img](javascript:alert(1))`,
  `<https://ok.example> <javascript:alert(1)>`,
  `<base href="//evil.example/"><meta http-equiv="refresh" content="0;url=//evil.example">`,
  `<object data="x"></object><embed src="x"><form action="//evil"><input onfocus=alert(1) autofocus>`,
  `<div style="position:fixed;inset:0">cover</div>`,
  `<!-- unterminated comment`,
  `javascript:alert(1)`,
  `\u2028\u2029 ]]> {{constructor}}`,
].join("\n");
const X = ATTACKS;

function hostile(): Session {
  const sub = session([[{ kind: "prompt", id: "sp", text: X }, { kind: "text", id: "st", text: X }, tool(X, { [X]: X }, { text: X, isError: true })]], { title: X });
  const blocks: Block[] = [
    { kind: "prompt", id: X, text: X, timestamp: X },
    { kind: "text", id: "t", text: X, model: X },
    { kind: "text", id: "t2", text: "```" + X + "\n" + X + "\n```\n\n`" + X + "`\n\n| " + X + " |\n|---|\n| " + X + " |" },
    { kind: "thinking", id: "th", text: X },
    { kind: "image", id: "i1", mediaType: `image/png" onerror="alert(1)`, data: `AAAA" onerror="alert(1)` },
    { kind: "image", id: "i2", mediaType: "image/png", url: "javascript:alert(1)" },
    { kind: "image", id: "i3", mediaType: X, url: X },
    tool("Bash", { command: X, description: X, workdir: X }, { text: `\x1b[31m${X}\x1b[0m`, meta: { exit_code: X } }),
    tool("exec_command", { cmd: [X, "-lc", X] }, { text: X }),
    tool("Read", { file_path: X, offset: X, limit: X }, { text: `     1→${X}\n     2→${X}\n<system-reminder>${X}</system-reminder>` }),
    tool("Edit", { file_path: X }, { text: X, isError: true }, { edits: [{ path: X, movePath: X, change: "move", added: 1, removed: 1, hunks: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 1, lines: [{ op: "-", text: X }, { op: "+", text: X }, { op: " ", text: X }] }] }] }),
    tool("Write", { file_path: `${X}.ts`, content: X }, { text: X }),
    tool("apply_patch", X, { text: X }),
    tool("TodoWrite", { todos: [{ content: X, status: X }, { content: X, status: "completed" }] }, { text: X }),
    tool("update_plan", { plan: [{ step: X, status: "in_progress" }], explanation: X }, { text: X }),
    tool("Grep", { pattern: X, path: X, glob: X, type: X, output_mode: X }, { text: X }),
    tool("Glob", { pattern: X }, { text: X }),
    tool("WebSearch", { query: X }, { text: X }),
    tool("WebFetch", { url: "javascript:alert(1)", prompt: X }, { text: X }),
    tool("WebFetch", { url: X }, { text: X }),
    tool("Task", { description: X, prompt: X, subagent_type: X }, { text: X }, { subAgent: sub }),
    tool(`mcp__${X}__${X}`, { [X]: [X] }, { text: X }),
    tool(X, X, { text: X, images: [{ kind: "image", id: X, mediaType: X, data: X }] }),
    tool("ExitPlanMode", { plan: X }, { text: X }),
    tool("AskUserQuestion", { questions: [{ question: X, options: [{ label: X, description: X }] }] }, { text: X }),
    { kind: "command", id: "c", name: X, args: X, output: X },
    { kind: "compaction", id: "k", summary: X, trigger: X },
    { kind: "notice", id: "n", level: X as "error", subtype: X, text: X, timestamp: X },
    { kind: "notice", id: "n2", level: "info", subtype: X, text: `${X}\n${X}` },
    { kind: "unknown", id: "u", recordType: X, raw: { [X]: X } },
    { kind: X as "unknown", id: X } as unknown as Block,
  ];
  const s = session([blocks, [{ kind: "prompt", id: "p2", text: X }]], {
    id: X,
    title: X,
    project: X,
    gitBranch: X,
    version: X,
    models: [X, X],
    usage: { [X]: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 1, cacheCreationTokens: 1 } },
    startedAt: X,
    endedAt: X,
    source: X as "claude",
  });
  s.turns[1].abandoned = true;
  s.turns[1].timestamp = X;
  return s;
}

describe("escaping", () => {
  test("served page: no element, handler, style or link from the session can run", async () => {
    const { html } = await readStream(renderPage(hostile(), { ...served, eventsUrl: `/tok/events"><script>`, downloadUrl: `/tok/dl" onclick="x` }));
    expect(await findUnsafe(html, "served")).toEqual([]);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<svg onload");
    expect(html).not.toContain("</script><script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("inline page: the same, with images as data: URIs only when they are base64", async () => {
    const { html } = await readStream(renderPage(hostile(), { assets: { mode: "inline" }, imageSrc: inlineImageSrc }));
    expect(await findUnsafe(html, "inline")).toEqual([]);
    expect(html).not.toContain(`onerror="alert(1)"`);
  });

  test("a turn pushed live is as safe as the page", async () => {
    const s = hostile();
    const html = renderTurnHtml(s.turns[0], s, served);
    const found = (await findUnsafe(`<html><head><script src="/tok/panko.js"></script></head><body>${html}</body></html>`, "served")).filter((f) => f.tag !== "style");
    expect(found).toEqual([]);
    expect(JSON.stringify({ html })).not.toContain("</script"); // safe inside a JSON event too
  });

  test("markdown links: only http(s), mailto and # stay links", async () => {
    const s = session([[{ kind: "text", id: "t", text: "[a](https://a.example/x?y=1&z=2) [b](mailto:me@x.example) [c](#turn-1) [d](javascript:alert(1)) [e](JAVASCRIPT:alert(1)) [f](data:text/html,x) [g](file:///etc/passwd) [h](/relative) [i](//evil.example)" }]]);
    const html = renderTurnHtml(s.turns[0], s, served);
    expect(html).toContain(`<a href="https://a.example/x?y=1&amp;z=2"`);
    expect(html).toContain(`<a href="mailto:me@x.example"`);
    expect(html).toContain(`<a href="#turn-1">c</a>`);
    for (const t of ["d", "e", "f", "g", "h", "i"]) expect(html).toContain(`<span class="badlink" title="link removed">${t}</span>`);
    expect(html.match(/<a /g)?.length).toBe(4); // three kept links + the permalink
  });
});

test("the checker itself catches what it looks for", async () => {
  const bad = `<html><head><script src="/tok/panko.js"></script></head><body><a href="javascript:x" onclick="1" style="color:red">x</a><img src="data:text/html,x"><iframe></iframe><script>1</script></body></html>`;
  const problems = (await findUnsafe(bad, "served")).map((f) => f.problem);
  expect(problems).toEqual(["href=javascript:x", "event handler onclick", "inline style attribute", "src=data:text/html,x", "forbidden element", "script src=null", "2 scripts"]);
});
