import { describe, expect, test } from "bun:test";
import { markdownTranscriptChunks, renderMarkdownTranscript } from "../../src/render/markdown.ts";
import { allKinds, longOutput, session } from "./fixture.ts";

describe("renderMarkdownTranscript", () => {
  test("a readable transcript: header, turns, speakers, tools, diffs, todos", () => {
    const md = renderMarkdownTranscript(allKinds());
    expect(md).toStartWith("# Fixture session\n\n- Source: Claude Code 2.1.11, session `sess-1`\n- Project: `/home/me/project`\n- Branch: `main`\n");
    expect(md).toContain("- Tokens: 2.62M in (cache included), 34k out\n- Changes: 3 files, +3 −2\n");
    expect(md).toContain("## Turn 1 · 2026-01-21 15:30 UTC\n\n**User**\n\nPlease fix the bug in `parse.ts`\nand run the tests\n\n");
    expect(md).toContain("**Assistant**\n\n> _Thinking:_\n> Let me think about the parser first.\n\n");
    expect(md).toContain("**Tool: Bash** `Run the tests` — error\n\n```sh\nbun test --bail\n```\n\nOutput:\n\n```\npass 3 tests\nfail 1 test\n```\n");
    expect(md).toContain("```diff\n--- /home/me/project/src/parse.ts\n+++ /home/me/project/src/parse.ts\n@@ -1,3 +1,3 @@\n export function parse() {\n-  return 42;\n+  return 43;\n }\n```");
    expect(md).toContain("- [x] Read the parser\n- [ ] Fix the bug (in progress)\n- [ ] Run tests\n");
    expect(md).toContain("**Tool: Read** `/home/me/project/src/parse.ts`\n\nOutput:\n\n```\nexport function parse() {\n  return 42;\n}\n```"); // numbers and reminders gone
    expect(md).toContain("**Tool: create_issue (MCP github)**");
    expect(md).toContain("> **User**\n>\n> Find the config files"); // the sub-agent, quoted
    expect(md).toContain("## Turn 3 (rewound by the user)");
    expect(md).toContain("> **Conversation compacted** (manual)\n> The user asked to fix **parse.ts**.");
    expect(md).toContain(longOutput);
    expect(md).toEndWith("Done.\n\n## Turn 3 (rewound by the user) · 2026-01-21 15:30 UTC\n\n**User**\n\na rewound prompt\n\n**Assistant**\n\nrewound answer\n");
  });

  test("options: no thinking, cut outputs, no sub-agents", () => {
    const md = renderMarkdownTranscript(allKinds(), { thinking: false, maxOutputLines: 5, subAgents: false });
    expect(md).not.toContain("_Thinking:_");
    expect(md).toContain("line 5\n… (115 more lines cut)\n```");
    expect(md).not.toContain("line 6\n");
    expect(md).not.toContain("> Find the config files");
    expect(md).toContain("```text\nLook for config files\n```"); // the instructions instead
  });

  test("fences grow past backticks inside the content", () => {
    const s = allKinds();
    s.turns[0].blocks = [{ kind: "tool", id: "x", toolUseId: "x", name: "Bash", input: { command: "echo '```'" }, result: { text: "````\nx", images: [], isError: false } }];
    const md = renderMarkdownTranscript(s);
    expect(md).toContain("````sh\necho '```'\n````");
    expect(md).toContain("`````\n````\nx\n`````");
  });

  test("streams one chunk per turn after the header", () => {
    expect([...markdownTranscriptChunks(allKinds())].length).toBe(4);
  });
});

describe("Markdown headings", () => {
  test("a prompt's (and its IDE context's) headings never read as the transcript's own", () => {
    const s = session([
      [{ kind: "prompt", id: "p1", text: "## Turn 7\n# Big\nplain\n===\n```\n# comment in a fence\n```", context: "# Context from my IDE setup:\n\n## Active file: a.ts" }, { kind: "text", id: "t1", text: "ok" }],
      [{ kind: "prompt", id: "p2", text: "second" }],
    ]);
    const md = renderMarkdownTranscript(s);
    let fenced = false;
    const headings: string[] = [];
    for (const line of md.split("\n")) {
      if (/^(`{3,}|~{3,})/.test(line)) fenced = !fenced;
      else if (!fenced && /^ {0,3}(> )*#{1,6}(\s|$)/.test(line)) headings.push(line);
    }
    expect(headings.map((h) => h.replace(/ · .*/, ""))).toEqual([`# ${s.title}`, "## Turn 1", "## Turn 2"]);
    expect(md).toContain("\\## Turn 7"); // kept, as text
    expect(md).toContain("# comment in a fence");
  });
});
