/** Test helpers: read a page stream, and check HTML structurally for anything that could run. */
import type { ImageBlock } from "../../src/sessions/model.ts";
import type { RenderOptions } from "../../src/render/context.ts";

export async function readStream(stream: ReadableStream<Uint8Array>): Promise<{ html: string; chunks: number }> {
  const decoder = new TextDecoder();
  let html = "";
  let chunks = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) {
    html += decoder.decode(c, { stream: true });
    chunks++;
  }
  return { html: html + decoder.decode(), chunks };
}

export const served: RenderOptions = {
  assets: { mode: "served", base: "/tok/" },
  imageSrc: (img: ImageBlock) => `/tok/images/${img.id}`,
};

export interface Finding {
  tag: string;
  problem: string;
}

const SAFE_URL = /^(https?:\/\/|mailto:|#|\/tok\/|data:image\/png;base64,[A-Za-z0-9+/=]+$)/i;

/**
 * Every element and attribute that could execute or load something the renderer did not put
 * there on purpose. `allowed` lists what the page itself legitimately has (its script and style).
 */
export async function findUnsafe(html: string, mode: "served" | "inline"): Promise<Finding[]> {
  const found: Finding[] = [];
  let scripts = 0;
  let styles = 0;
  const PANKO_INPUTS = new Set(["find-q", "f-thinking", "f-tools", "f-subagents", "f-wrap"]);
  const rewriter = new HTMLRewriter().on("*", {
    element(el) {
      const tag = el.tagName.toLowerCase();
      if (tag === "script") {
        scripts++;
        const src = el.getAttribute("src");
        if (mode === "served" && src !== "/tok/panko.js") found.push({ tag, problem: `script src=${src}` });
      }
      if (tag === "style") styles++;
      if (["iframe", "object", "embed", "base", "form", "frame", "frameset", "applet", "foreignobject", "textarea", "math"].includes(tag)) found.push({ tag, problem: "forbidden element" });
      if (tag === "meta" && (el.getAttribute("http-equiv") ?? "").toLowerCase() === "refresh") found.push({ tag, problem: "meta refresh" });
      // panko's own links: its stylesheet and favicon (served), the favicon as an SVG data: URI (inline).
      const href = el.getAttribute("href") ?? "";
      const ownLink = href === "/tok/panko.css" || href === "/tok/favicon.svg" || (el.getAttribute("rel") === "icon" && href.startsWith("data:image/svg+xml,"));
      if (tag === "link" && !ownLink) found.push({ tag, problem: `link ${href}` });
      // panko's own controls: the find box and the view panel's checkboxes; any other input came from the session.
      if (tag === "input" && !PANKO_INPUTS.has(el.getAttribute("id") ?? "")) found.push({ tag, problem: "input" });
      for (const [name, value] of el.attributes) {
        const n = name.toLowerCase();
        if (n.startsWith("on")) found.push({ tag, problem: `event handler ${name}` });
        if (n === "style") found.push({ tag, problem: "inline style attribute" });
        if (n === "srcdoc" || n === "formaction" || n === "action") found.push({ tag, problem: name });
        if (["href", "src", "xlink:href", "poster", "background", "data"].includes(n) && !SAFE_URL.test(value) && !(tag === "link" && ownLink)) found.push({ tag, problem: `${name}=${value}` });
      }
    },
  });
  await rewriter.transform(new Response(html)).text();
  if (mode === "served" && scripts !== 1) found.push({ tag: "script", problem: `${scripts} scripts` });
  if (mode === "inline" && scripts !== 1) found.push({ tag: "script", problem: `${scripts} scripts` });
  if (mode === "served" && styles !== 0) found.push({ tag: "style", problem: `${styles} style elements` });
  if (mode === "inline" && styles !== 1) found.push({ tag: "style", problem: `${styles} style elements` });
  return found;
}
