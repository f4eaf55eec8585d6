/** WebSearch results as links + Markdown, WebFetch answers as Markdown, and the fallbacks. */
import { describe, expect, test } from "bun:test";
import { renderTurnHtml } from "../../src/render/page.ts";
import { session, tool } from "./fixture.ts";
import { findUnsafe, served } from "./helpers.ts";

const render = (b: ReturnType<typeof tool>) => {
  const s = session([[b]]);
  return renderTurnHtml(s.turns[0], s, served);
};

const searchText = (links: unknown, prose: string) =>
  `Web search results for query: "bun markdown"\n\nLinks: ${JSON.stringify(links)}\n\n${prose}\n\nREMINDER: You MUST include the sources above in your response to the user using markdown hyperlinks.`;

describe("WebSearch", () => {
  test("links become a list, the prose Markdown, the note for the model a quiet reminder", () => {
    const html = render(
      tool("WebSearch", { query: "bun markdown" }, {
        text: searchText(
          [
            { title: "Bun docs", url: "https://bun.sh/docs/api/markdown" },
            { title: "Other", url: "ftp://files.example/x" },
          ],
          "## Summary\n\nBun has **a** parser.(no content)It is fast.",
        ),
      }),
    );
    expect(html).toContain(`<ol class="wlinks"><li><a href="https://bun.sh/docs/api/markdown" rel="noopener noreferrer nofollow" target="_blank">Bun docs</a><span class="wu">bun.sh/docs/api/markdown</span></li>`);
    expect(html).toContain(`<li><span>Other</span><span class="wu">ftp://files.example/x</span></li>`); // not a link
    expect(html).toContain("<h2>Summary</h2>");
    expect(html).toContain("<strong>a</strong>");
    expect(html).not.toContain("(no content)");
    expect(html).toContain(`<details class="reminder"><summary>system reminder</summary><pre>REMINDER: You MUST include`);
    expect(html).not.toContain("Web search results for query");
  });

  test("a result of another shape is shown as text", () => {
    for (const text of ["Results: ...", `Web search results for query: "x"\n\nLinks: [not json\n\nprose`, `Web search results for query: "x"\n\nLinks: [{"title":"t"}]\n\nprose`]) {
      const html = render(tool("WebSearch", { query: "x" }, { text }));
      expect(html).toContain(`class="out cpy result wrap"`);
      expect(html).not.toContain("wlinks");
    }
  });

  test("errors stay as text", () => {
    const html = render(tool("WebSearch", { query: "x" }, { text: searchText([{ title: "a", url: "https://a.example" }], "p"), isError: true }));
    expect(html).not.toContain("wlinks");
  });

  test("hostile titles, URLs and prose cannot run", async () => {
    const X = `"><img src=x onerror=alert(1)><script>alert(1)</script>`;
    const html = render(
      tool("WebSearch", { query: X }, {
        text: searchText(
          [
            { title: X, url: "javascript:alert(1)" },
            { title: X, url: `https://a.example/"><script>` },
            { title: X, url: "data:text/html,<script>alert(1)</script>" },
          ],
          `${X}\n\n[x](javascript:alert(1)) <script>alert(2)</script>`,
        ),
      }),
    );
    const found = (await findUnsafe(`<html><head><script src="/tok/panko.js"></script></head><body>${html}</body></html>`, "served")).filter((f) => f.tag !== "style");
    expect(found).toEqual([]);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain(`href="javascript`);
    expect(html).not.toContain(`href="data:`);
  });
});

describe("WebFetch", () => {
  test("the URL, the prompt and the answer as Markdown", () => {
    const html = render(tool("WebFetch", { url: "https://bun.sh/docs", prompt: "Summarise" }, { text: "# Docs\n\nBun is *fast*." }));
    expect(html).toContain(`<a href="https://bun.sh/docs" rel="noopener noreferrer nofollow" target="_blank">https://bun.sh/docs</a>`);
    expect(html).toContain(`<p class="note">Summarise</p>`);
    expect(html).toContain("<h1>Docs</h1>");
    expect(html).toContain("<em>fast</em>");
  });

  test("a long answer is collapsed at a paragraph break, never inside a code fence", () => {
    const text = ["# Title", "", "```", ...Array.from({ length: 20 }, (_, i) => `code ${i}`), "", "```", "", ...Array.from({ length: 30 }, (_, i) => `para ${i}\n`)].join("\n");
    const html = render(tool("WebFetch", { url: "https://a.example" }, { text }));
    expect(html).toContain(`<details class="more">`);
    const visible = html.slice(0, html.indexOf(`<details class="more">`));
    expect(visible).toContain("<h1>Title</h1>");
    expect(visible).toContain("code 19"); // the fence is not split: shown whole, the rest collapsed
    expect(visible).not.toContain("para 0");
  });

  test("errors are shown as text", () => {
    const html = render(tool("WebFetch", { url: "https://a.example" }, { text: "Request failed with status code 404", isError: true }));
    expect(html).toContain(`class="out cpy result bad wrap"`);
  });
});
