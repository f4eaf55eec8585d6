/**
 * A small server-side syntax highlighter: comments, strings, numbers, keywords and literals (plus
 * keys, tags, variables and diff lines where a language has them) for the languages agents
 * print most.
 *
 * Why not a real grammar engine (shiki, highlight.js, prism)? They weigh hundreds of KB to MBs,
 * would have to be compiled into the binary, and run slowly on the megabytes of tool output a big
 * session holds. A transcript reader needs "code looks like code", not perfect scopes: one regex
 * per language, run once with a sticky scan, gets that at tens of MB/s and degrades gracefully
 * (a wrong guess is a token left uncoloured, never lost or unescaped text).
 *
 * Output is escaped HTML; spans never cross a newline, so callers may split the result into lines
 * (line numbers, collapsed outputs) without breaking markup.
 */
import { esc } from "./escape.ts";

/** Above this size code is escaped but not coloured: the reader will not scan it by eye anyway. */
export const HIGHLIGHT_MAX = 200_000;

interface Spec {
  re: RegExp;
  /** Class per capture group, 1-based; "w" marks the word group (keyword/literal lookup). */
  groups: string[];
  kw?: Set<string>;
  lit?: Set<string>;
  /** Keywords compared in lower case (SQL). */
  ci?: boolean;
}

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const DQ = String.raw`"(?:[^"\\\n]|\\.)*"?`;
const SQ = String.raw`'(?:[^'\\\n]|\\.)*'?`;
const BT = String.raw`\x60(?:[^\x60\\]|\\[\s\S])*\x60?`;
const NUM = String.raw`\b(?:0[xXbBoO][\da-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)[a-zA-Z]*\b`;
const WORD = String.raw`[A-Za-z_$][\w$]*`;
const BLOCK = String.raw`\/\*[\s\S]*?(?:\*\/|$)`;

function cLike(kw: string, lit: string, extraStrings = "", lineComment = String.raw`\/\/[^\n]*`): Spec {
  return {
    re: new RegExp(`(${BLOCK}|${lineComment})|(${extraStrings}${DQ}|${SQ})|(${NUM})|(${WORD})`, "g"),
    groups: ["c", "s", "n", "w"],
    kw: words(kw),
    lit: words(lit),
  };
}

const JS_KW =
  "break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return super switch this throw try typeof var void while with yield async await of static get set as from type interface enum implements private protected public readonly declare namespace abstract keyof infer satisfies";
const JS_LIT = "true false null undefined NaN Infinity";

const SPECS: Record<string, Spec> = {
  js: cLike(JS_KW, JS_LIT, `${BT}|`),
  py: {
    re: new RegExp(`(#[^\\n]*)|([rbfuRBFU]{0,2}(?:"""[\\s\\S]*?(?:"""|$)|'''[\\s\\S]*?(?:'''|$)|${DQ}|${SQ}))|(${NUM})|(@?${WORD})`, "g"),
    groups: ["c", "s", "n", "w"],
    kw: words(
      "and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case print",
    ),
    lit: words("True False None self cls"),
  },
  go: cLike(
    "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var",
    "true false nil iota",
    `${BT}|`,
  ),
  rust: cLike(
    "as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return static struct super trait type unsafe use where while",
    "true false None Some Ok Err self Self",
  ),
  c: cLike(
    "auto break case char const continue default do double else enum extern float for goto if int long register return short signed sizeof static struct switch typedef union unsigned void volatile while class public private protected new delete this throw try catch final finally import package extends implements interface namespace using template typename virtual override bool var val fun func let def end",
    "true false null nullptr NULL nil",
  ),
  sh: {
    re: new RegExp(`((?:^|(?<=[\\s;|&(]))#[^\\n]*)|(${DQ}|'[^']*'?)|(\\$\\{[^}\\n]*\\}?|\\$[\\w@#?*!$-])|(${NUM})|([A-Za-z_][\\w.-]*)`, "gm"),
    groups: ["c", "s", "v", "n", "w"],
    kw: words(
      "if then else elif fi case esac for while until do done in function return exit local export readonly set unset shift break continue source alias echo cd sudo cat grep sed awk ls rm cp mv mkdir git npm bun bunx npx node python python3 pip curl make",
    ),
    lit: words("true false"),
  },
  json: {
    re: new RegExp(`("(?:[^"\\\\\\n]|\\\\.)*"(?=\\s*:))|(${DQ})|(-?${NUM})|(${WORD})`, "g"),
    groups: ["a", "s", "n", "w"],
    lit: words("true false null"),
  },
  yaml: {
    // The key's lookbehind is bounded: unbounded, it rescanned the indentation at every position.
    re: new RegExp(`((?:^|(?<=\\s))#[^\\n]*)|((?<=^[ \\t]{0,64}(?:- )?)[\\w.\\/"'-]+(?=:(?:\\s|$)))|(${DQ}|${SQ})|(${NUM})|(${WORD})`, "gm"),
    groups: ["c", "a", "s", "n", "w"],
    lit: words("true false null yes no on off"),
  },
  html: {
    // The last group eats the rest of a word whose attribute lookahead failed, so that the scan
    // goes on after it instead of retrying the word from each of its characters (quadratic).
    re: /(<!--[\s\S]*?(?:-->|$))|(<\/?[A-Za-z][\w:.-]*|\/?>)|("[^"\n]*"|'[^'\n]*')|([\w:-]+(?==))|([\w:-]+)/g,
    groups: ["c", "t", "s", "a", "w"],
  },
  css: {
    // As for html: the last group eats a word that is no property, keeping the scan linear.
    re: new RegExp(`(${BLOCK})|(${DQ}|${SQ})|(#[\\da-fA-F]{3,8}\\b|-?\\d*\\.?\\d+(?:px|em|rem|vh|vw|%|s|ms|fr|ch|deg)?\\b)|([\\w-]+(?=\\s*:[^:]))|(@[\\w-]+|!important)|([\\w-]+)`, "g"),
    groups: ["c", "s", "n", "a", "k", "w"],
  },
  sql: {
    re: new RegExp(`(--[^\\n]*|${BLOCK})|(${SQ}|${DQ})|(${NUM})|(${WORD})`, "g"),
    groups: ["c", "s", "n", "w"],
    kw: words(
      "select from where and or not insert into values update set delete create table index view drop alter add column primary key foreign references join left right inner outer full on as group by order having limit offset union all distinct case when then else end is in like between exists begin commit rollback transaction pragma with returning default unique check if replace integer text real blob varchar int boolean",
    ),
    lit: words("null true false"),
    ci: true,
  },
  md: {
    // A link's text and target stop at the next bracket / parenthesis: a line of many `[` is linear.
    re: /(^#{1,6} [^\n]*)|(\x60\x60\x60[^\n]*|\x60[^\x60\n]+\x60)|(\*\*[^*\n]+\*\*)|(^\s*(?:[-*+]|\d+\.) )|(\[[^[\]\n]*\]\([^()\n]*\))/gm,
    groups: ["k", "s", "b", "n", "a"],
  },
  ruby: cLike(
    "alias and begin break case class def defined do else elsif end ensure for if in module next not or redo rescue retry return self super then undef unless until when while yield require attr_accessor puts",
    "true false nil",
    "",
    "#[^\\n]*",
  ),
};
SPECS.toml = { ...SPECS.yaml, re: new RegExp(`(#[^\\n]*)|(^[ \\t]*[\\w.\\/"-]+(?=\\s*=)|^\\[[^\\]\\n]*\\])|(${DQ}|${SQ})|(${NUM})|(${WORD})`, "gm") };

const ALIASES: Record<string, string> = {
  js: "js", javascript: "js", jsx: "js", mjs: "js", cjs: "js", ts: "js", typescript: "js", tsx: "js", mts: "js", cts: "js",
  py: "py", python: "py", python3: "py", pyi: "py",
  go: "go", golang: "go",
  rs: "rust", rust: "rust",
  c: "c", h: "c", cpp: "c", "c++": "c", cc: "c", hpp: "c", java: "c", kt: "c", kotlin: "c", swift: "c", cs: "c", csharp: "c", scala: "c", dart: "c", zig: "c", php: "c",
  sh: "sh", bash: "sh", zsh: "sh", shell: "sh", console: "sh", shellscript: "sh", fish: "sh", ps1: "sh", powershell: "sh",
  json: "json", jsonc: "json", json5: "json", jsonl: "json", ndjson: "json", geojson: "json",
  yaml: "yaml", yml: "yaml",
  toml: "toml", ini: "toml", cfg: "toml", conf: "toml",
  html: "html", htm: "html", xml: "html", svg: "html", vue: "html", svelte: "html", xhtml: "html", plist: "html",
  css: "css", scss: "css", less: "css",
  sql: "sql", sqlite: "sql", psql: "sql", mysql: "sql",
  diff: "diff", patch: "diff", udiff: "diff",
  md: "md", markdown: "md", mdx: "md",
  rb: "ruby", ruby: "ruby", rake: "ruby", gemfile: "ruby",
};

/** The highlighter's name for a language or file extension, or undefined when it has none. */
const langCache = new Map<string, string | undefined>();

export function normalizeLang(lang: string | undefined): string | undefined {
  if (!lang) return undefined;
  if (langCache.has(lang)) return langCache.get(lang);
  const key = lang.trim().toLowerCase().split(/[\s{,]/)[0];
  const name = Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined;
  if (langCache.size < 1000) langCache.set(lang, name);
  return name;
}

const FILE_NAMES: Record<string, string> = { dockerfile: "sh", makefile: "sh", ".bashrc": "sh", ".zshrc": "sh", gemfile: "ruby" };

/** Guesses the language from a file path's extension. */
export function langFromPath(path: string | undefined): string | undefined {
  if (!path) return undefined;
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (Object.hasOwn(FILE_NAMES, base)) return FILE_NAMES[base];
  const dot = base.lastIndexOf(".");
  return dot < 0 ? undefined : normalizeLang(base.slice(dot + 1));
}

/** Wraps escaped text in a span per line, so no span crosses a newline. */
function span(cls: string, text: string): string {
  if (text.indexOf("\n") < 0) return `<span class=${cls}>${esc(text)}</span>`;
  return text
    .split("\n")
    .map((part) => (part ? `<span class=${cls}>${esc(part)}</span>` : ""))
    .join("\n");
}

function highlightDiff(code: string): string {
  return code
    .split("\n")
    .map((line) => {
      const c = line[0];
      if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ") || line.startsWith("index ")) return line ? span("m", line) : "";
      if (c === "+") return span("i", line);
      if (c === "-") return span("d", line);
      if (line.startsWith("@@")) return span("h", line);
      return esc(line);
    })
    .join("\n");
}

/**
 * Highlights `code` in language `lang` (a name or alias); returns escaped HTML. Unknown
 * languages and code above HIGHLIGHT_MAX come back escaped only.
 */
export function highlight(code: string, lang: string | undefined): string {
  const name = normalizeLang(lang);
  if (!name || code.length > HIGHLIGHT_MAX) return esc(code);
  if (name === "diff") return highlightDiff(code);
  const spec = SPECS[name];
  if (!spec) return esc(code);
  const re = spec.re;
  re.lastIndex = 0;
  let out = "";
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code)) !== null) {
    const tok = m[0];
    if (tok === "") {
      re.lastIndex++;
      continue;
    }
    let gi = 1;
    while (gi < m.length && m[gi] === undefined) gi++;
    let cls = spec.groups[gi - 1];
    if (cls === "w") {
      const key = spec.ci ? tok.toLowerCase() : tok;
      cls = spec.kw?.has(key) ? "k" : spec.lit?.has(key) ? "l" : "";
      if (!cls) continue; // plain identifier: leave it in the gap, escaped with its neighbours
    }
    if (m.index > last) out += esc(code.slice(last, m.index));
    out += span(cls, tok);
    last = m.index + tok.length;
  }
  if (last < code.length) out += esc(code.slice(last));
  return out;
}
