/**
 * The secret rules: what the privacy pass looks for before anything leaves the machine.
 *
 * Each rule is `{kind, pattern, validator?}`. A match is replaced by `[REDACTED:<kind>]`. When the
 * pattern has a named group whose name starts with `secret` (e.g. `secret`, `secretQ`), only that
 * group is hidden and the rest of the match (a variable name, a URL's user and host) is kept.
 * The validator, when present, sees the text that would be hidden and the whole match, and can
 * veto a match that is not plausibly a secret (a placeholder, a code reference, prose).
 *
 * Kinds (the marker is `[REDACTED:<kind>]`):
 *
 * | kind              | what                                                                   |
 * |-------------------|------------------------------------------------------------------------|
 * | private-key       | `-----BEGIN ... PRIVATE KEY-----` through `-----END ... PRIVATE KEY-----` (or to the end of the base64 body when the END line is missing, or the header alone on its line); a patch section adding a key file (key-files.ts) |
 * | jwt               | three base64url segments whose header (`eyJ...`) decodes to a JSON object |
 * | aws-access-key    | AWS access key ids: `AKIA` / `ASIA` + 16 upper-case letters or digits   |
 * | github-token      | `ghp_` `gho_` `ghu_` `ghs_` `ghr_` + 36+ chars; fine-grained `github_pat_...` |
 * | anthropic-key     | `sk-ant-...`                                                             |
 * | openai-key        | `sk-...`, `sk-proj-...`, `sk-svcacct-...`, `sk-admin-...` (20+ chars with a digit) |
 * | slack-token       | `xoxb-` `xoxa-` `xoxp-` `xoxr-` `xoxs-` tokens                          |
 * | stripe-key        | live secret / restricted keys: `sk_live_...`, `rk_live_...`            |
 * | google-api-key    | `AIza` + 35 chars                                                       |
 * | url-password      | `scheme://user:PASSWORD@host`: the password is hidden, user and host kept |
 * | bearer-token      | `Bearer <token>` (also after `Authorization:`) with a token-ish value  |
 * | secret-assignment | `NAME=value`, `NAME: value`, `"name": "value"` where NAME names a secret |
 * | aws-secret-key    | `aws_secret_access_key = <40 chars>` in any spacing or quoting           |
 * | (vendor tokens)   | npm, PyPI, Hugging Face, GitLab, Docker Hub, SendGrid, Slack app, Stripe test / webhook, Groq, Linear, Notion, Shopify, Grafana, 1Password, Vault, Vercel, Databricks, Figma (token-rules.ts) |
 * | slack-webhook     | `https://hooks.slack.com/services/...`                                  |
 * | azure-key         | `AccountKey=...`, `SharedAccessKey=...`, `sig=...`                       |
 * | credential, netrc-password, basic-auth, docker-auth, cli-password | credential files and commands (credential-rules.ts) |
 * | custom            | a user's `--redact-pattern` (see user-patterns.ts)                      |
 *
 * Assignments (`secret-assignment`), the rule most exposed to false positives, are decided so:
 * - NAME qualifies when one of its words (split on `_`, `-` and camelCase) is or ends with
 *   `secret`, `token`, `password`, `passwd`, `apikey`, or is `api` followed by `key`
 *   (`GITHUB_TOKEN`, `client_secret`, `apiKey`, `X-Api-Key`, `DB_PASSWORD`, `authtoken`). Plurals and
 *   longer words do not (`tokens`, `max_tokens`, `tokenizer`, `secrets`), nor names whose last word
 *   says the value is about the secret rather than the secret (`token_type`, `token_count`,
 *   `password_file`, `token_url`, `secret_name`, ...).
 * - A quoted value (`"..."`, `'...'`, `` `...` ``) is hidden with any spacing around `=` / `:`,
 *   except an empty one, a placeholder, or one containing whitespace (a message such as
 *   `password: "Password is required"`).
 * - A bare value is hidden only in the forms config files and shells write: `NAME=value` (no spaces,
 *   env files, query strings, `--flag=value`) and `NAME: value` (YAML, HTTP headers). `token = x`
 *   with spaces, `:=`, is code, and a bare value there is a variable, not a literal.
 * - A bare value that reads as code is kept: a call or index (`getToken()`, `os.environ["X"]`),
 *   a member chain (`process.env.API_KEY`, `args.password`), a variable reference (`$GITHUB_TOKEN`,
 *   `${{ secrets.X }}`, `%TOKEN%`), a literal (`null`, `true`, `string`, `undefined`), a number, an
 *   identifier that itself names a secret (`token=token`, `password: newPassword`), and after `:` a
 *   plain word with no digit or symbol (`token: string`, `token: TokenType`).
 * - Code shapes are kept: `==`/`===`/`=>` (comparisons, arrows), a bare key with no space after
 *   its colon (a minified object literal: `{token:\`passed\`}`), a colon with a space before it (a
 *   ternary), a literal followed by `|` (a type union), a bare identifier ended by `,` `}` `)`
 *   inside an object literal (`{ token: parent2 }`), a value starting with an operator (`!0`).
 * - Values shorter than 4 characters (`t.token=p`, `tokenValue = "0"`) and values with non-ASCII
 *   characters (translated messages) are kept.
 * - Placeholders are kept: `<...>`, `{{...}}`, `your-api-key`, `ghp_xxxxxxxxxxxx`, `****`, `...`,
 *   and stand-ins made of the words they name (`mock-token`, `newPassword`, `token2`).
 *   `const token = getToken()` is therefore untouched, and so is `password=` with nothing after it.
 */

import { CREDENTIAL_RULES } from "./credential-rules.ts";
import { isKeyFilePath } from "./key-files.ts";
import { TOKEN_KINDS, TOKEN_RULES } from "./token-rules.ts";

export interface SecretRule {
  /** Short kebab-case name used in the marker `[REDACTED:<kind>]` and in the counts. */
  kind: string;
  /** Must carry the `g` flag (and `d` when it has a `secret*` group). */
  pattern: RegExp;
  /** Returns false to keep a match that is not plausibly a secret. */
  validator?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * Cheap case-insensitive pre-check: the rule runs on a text only when this matches. Optional;
   * without it the pattern runs on every text that passed the global pre-check.
   */
  hint?: RegExp;
  /**
   * A fast global regex for a word the match must contain (a keyword of the name). When given, the
   * pattern is not run over the whole text: it is tried only at the start of the word around each
   * anchor hit (or at a quote just before it), which keeps patterns that could start anywhere
   * (a variable name) linear and cheap.
   */
  anchor?: RegExp;
  /**
   * A rule keyed on a rare literal (a vendor prefix, a PEM header): it runs only on texts that the
   * rare pre-check (`RARE_PRECHECK`, the union of these rules' hints) matches, so the many texts
   * that pass the global pre-check only for a common word (`token`, `key =`) skip its hint test.
   */
  rare?: boolean;
  /** For a rule that covers several kinds (prefixed tokens): the kind of this match. */
  kindOf?: (match: RegExpExecArray) => string;
}

export const REDACTED_PREFIX = "[REDACTED:";

export function marker(kind: string): string {
  return `${REDACTED_PREFIX}${kind}]`;
}

// ---------------------------------------------------------------------------------------------
// helpers for validators

const hasDigit = (s: string) => /[0-9]/.test(s);
const hasLower = (s: string) => /[a-z]/.test(s);
const hasUpper = (s: string) => /[A-Z]/.test(s);
const hasLetter = (s: string) => /[A-Za-z]/.test(s);

/** A random-looking token: letters and digits, or mixed case that does not read as CamelCase words. */
export function looksRandom(s: string): boolean {
  if (hasDigit(s) && hasLetter(s)) return true;
  if (s.length >= 24 && hasUpper(s) && hasLower(s) && !/^(?:[A-Z]?[a-z]+[._-]?)+$/.test(s)) return true;
  return false;
}

/** Placeholders and obvious non-values shown in docs and examples. */
export function isPlaceholder(v: string): boolean {
  if (v.length === 0) return true;
  if (v.startsWith(REDACTED_PREFIX)) return true;
  if (/^[<\[{(]/.test(v)) return true; // <token>, [secret], {{ x }}, {token}
  if (/^[$%]/.test(v)) return true; // $VAR, ${VAR}, %VAR%, %s
  if (/x{6,}|X{6,}|\*{3,}|\.{3}|…|•{3,}/.test(v)) return true; // ghp_xxxxxxxx, ****, ...
  if (/^(?:your|my|the|some|insert|enter|replace)[-_ ]/i.test(v)) return true; // your-api-key
  if (/^(?:redacted|hidden|placeholder|changeme|example|dummy|none|null|nil|undefined|true|false|secret|token|password|passwd|api[-_]?key)$/i.test(v))
    return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// JWT

function decodeBase64Url(seg: string): string | undefined {
  try {
    return Buffer.from(seg, "base64url").toString("utf8");
  } catch {
    return undefined;
  }
}

function isJwt(token: string): boolean {
  const header = decodeBase64Url(token.slice(0, token.indexOf(".")));
  if (!header) return false;
  try {
    const h = JSON.parse(header);
    return typeof h === "object" && h !== null && !Array.isArray(h) && ("alg" in h || "typ" in h || "kid" in h || "enc" in h);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// assignments

const KEYWORDS = ["secret", "token", "password", "passwd", "apikey"];

/** Last words that say the value is about a secret (its type, size, location), not the secret. */
const NON_SECRET_LAST_WORDS = new Set([
  "type", "types", "count", "counts", "limit", "limits", "usage", "length", "len", "size", "file", "files", "path",
  "paths", "dir", "url", "uri", "endpoint", "name", "names", "env", "var", "field", "fields", "label", "hint",
  "prompt", "placeholder", "required", "min", "max", "expiry", "expires", "expiration", "ttl", "at", "in",
  "id", "ids", "arn", "ref", "policy", "mode", "format", "header", "param", "key_name", "version", "strength",
  "hash", "hashed", "salt", "rounds", "index", "idx", "budget", "cost", "rate", "regex", "pattern", "scope",
  "scopes", "provider", "command", "cmd", "prefix", "kind", "store", "manager", "source", "location",
]);

/** Split a name into lower-case words on `_`, `-`, `.` and camelCase boundaries. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])/g, "$1 $2")
    .split(/[\s_.\-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function wordIsKeyword(w: string): boolean {
  return KEYWORDS.some((k) => w === k || w.endsWith(k));
}

/** Names already decided: a session repeats the same few keys and variable names many times. */
const secretNameCache = new Map<string, boolean>();

/** Does this variable / key name name a secret? (see the header comment) */
export function isSecretName(name: string): boolean {
  let known = secretNameCache.get(name);
  if (known === undefined) {
    if (secretNameCache.size >= 4096) secretNameCache.clear();
    known = decideSecretName(name);
    secretNameCache.set(name, known);
  }
  return known;
}

function decideSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  let found = false;
  for (let i = 0; i < words.length; i++) {
    if (wordIsKeyword(words[i]) || (words[i].endsWith("api") && words[i + 1] === "key")) found = true;
  }
  if (!found) return false;
  const last = words[words.length - 1];
  if (NON_SECRET_LAST_WORDS.has(last) && !wordIsKeyword(last)) return false;
  return true;
}

/**
 * An identifier whose own words name a secret: `token`, `newPassword`, `api_key`, `token2` (a
 * reference to a variable), or a kebab-case stand-in such as `mock-token`.
 */
function isSecretNamedIdentifier(v: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(v)) return false;
  const words = nameWords(v);
  return words.some((w, i) => KEYWORDS.includes(w) || (w === "api" && words[i + 1] === "key"));
}

/** Shorter values are flags and minified variables (`t.token=p`, `tokenValue = "0"`), not secrets. */
const MIN_VALUE_LENGTH = 4;

const CODE_LITERALS = /^(?:string|number|boolean|bool|int|str|any|unknown|object|bytes|buffer|optional|required|none|null|nil|undefined|true|false|void)$/i;

/** A quoted literal after a secret name: hidden unless empty, a placeholder, a message or a reference. */
function isQuotedSecretValue(secret: string): boolean {
  if (secret.length < MIN_VALUE_LENGTH) return false;
  if (isPlaceholder(secret)) return false;
  if (/[^\x21-\x7e]/.test(secret)) return false; // whitespace (a message) or non-ASCII (translated text)
  if (!/[A-Za-z0-9]/.test(secret)) return false; // punctuation caught between two string literals
  if (isSecretNamedIdentifier(secret) && secret.length <= 24) return false; // "password" -> "newPassword"
  return true;
}

/**
 * For structured data (a parsed tool input, a JSON record): is `value`, held under the key `name`,
 * a secret by the assignment rule? `{"password": "hunter2"}` is, `{"max_tokens": "4096"}` is not.
 */
export function isSecretAssignmentValue(name: string, value: string): boolean {
  return isSecretName(name) && isQuotedSecretValue(value);
}

function validateAssignment(secret: string, m: RegExpExecArray): boolean {
  const g = m.groups ?? {};
  const name = g.name ?? "";
  if (!isSecretName(name)) return false;
  if (isPlaceholder(secret)) return false;
  const sep = g.sep ?? "";
  // `{token:\`passed\`}`, `password:!0`: a bare key with no space after the colon is a (minified)
  // object literal in code; YAML and headers put a space there, JSON quotes the key.
  if (sep === ":" && !g.q) return false;
  if (/^[ \t]+:(?!=)/.test(sep)) return false; // `cond ? token : other`: a ternary, not a key
  const after = m.input.charAt(m.index + m[0].length);
  if (after === "|") return false; // `type TokenStatus = "Success"|"Failed"`: a union of literals
  if (g.secretQ !== undefined || g.secretQ2 !== undefined || g.secretQ3 !== undefined) {
    return isQuotedSecretValue(secret);
  }
  // bare value
  if (secret.length < MIN_VALUE_LENGTH) return false;
  if (/^[!?=|&+*\/^~.:%]/.test(secret)) return false; // an operator: `t.errorToken=!0`
  if (/[^\x21-\x7e]/.test(secret)) return false;
  const colon = sep.includes(":");
  if (!colon && sep !== "=") return false; // `token = x`, `token := x`: code
  if (colon && sep.includes("=")) return false;
  const next = after;
  if (next === "(" || next === "[" || next === "<") return false; // a call, an index, a generic
  if (/^-?\d+(?:\.\d+)?[,;]?$/.test(secret)) return false; // a number: a count, a port, an id
  if (CODE_LITERALS.test(secret.replace(/[,;]$/, ""))) return false;
  if (/^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+[,;]?$/.test(secret)) return false; // process.env.X, args.password
  if (isSecretNamedIdentifier(secret.replace(/[,;]$/, ""))) return false; // token=token, password: newPassword
  if (colon && /^[A-Za-z]+[,;]?$/.test(secret)) return false; // token: string, token: TokenType
  // `{ token: parent2, kind: 3 }`: an identifier ended by `,` `}` `)` is a variable in an object literal
  if (colon && /^[A-Za-z_$][\w$]*$/.test(secret) && /^[ \t]*[,})]/.test(m.input.slice(m.index + m[0].length, m.index + m[0].length + 8)))
    return false;
  return true;
}

// The name: a word that may carry `-` (X-Api-Key), not preceded by a name character (`.` allowed
// before, so `config.api_key = "..."` matches at `api_key`). Optionally quoted (JSON, dicts).
// Then `=`, `:`, `:=` with optional spaces, then a quoted value or a bare one.
const ASSIGNMENT = new RegExp(
  String.raw`(?<![A-Za-z0-9_$]|[A-Za-z0-9]-)(?<q>["']?)(?<name>[A-Za-z_][A-Za-z0-9_-]{0,80})\k<q>(?<sep>[ \t]*(?::=|=(?![=>])|:)[ \t]*)` +
    String.raw`(?:"(?<secretQ>[^"\\\n]*)"|'(?<secretQ2>[^'\\\n]*)'|` + "`" + String.raw`(?<secretQ3>[^` + "`" + String.raw`\\\n]*)` + "`" +
    String.raw`|(?<secretB>[^\s"'` + "`" + String.raw`&,;<>(){}\[\]\\]+))`,
  "gd",
);

// ---------------------------------------------------------------------------------------------
// the rules, in the order they run (most specific first, so a later rule sees the earlier markers)

const B = String.raw`(?<![A-Za-z0-9_-])`; // no token character before
const E = String.raw`(?![A-Za-z0-9_-])`; // none after

export const DEFAULT_RULES: readonly SecretRule[] = [
  {
    // The header, then through the END line, or to the end of the base64 body when the END line is
    // missing, or the header alone on its line (a key cut by an edit still says what follows it is a key).
    kind: "private-key",
    rare: true,
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?<body>[\s\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|(?=[\r\n]|\\[nr]|$)(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\[nrt])*)/g,
    hint: /PRIVATE KEY/,
  },
  {
    // A patch (Codex apply_patch) that adds or updates a key file: every line of that file's section.
    kind: "private-key",
    rare: true,
    pattern: /^\*\*\* (?:Add|Update) File: (?<path>[^\n]+)\n(?<secret>(?:(?!\*\*\* )[^\n]*(?:\n|$))+)/dgm,
    validator: (_s, m) => isKeyFilePath(m.groups?.path),
    hint: /\*\*\* (?:Add|Update) File: /,
  },
  {
    kind: "jwt",
    rare: true,
    pattern: new RegExp(`${B}eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*${E}`, "g"),
    validator: isJwt,
    hint: /eyJ/,
  },
  {
    kind: "aws-access-key",
    rare: true,
    pattern: /(?<![A-Za-z0-9])(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    hint: /A(?:3T|KIA|GPA|IDA|ROA|IPA|NPA|NVA|SIA)/,
  },
  {
    // `aws_secret_access_key = wJalr...` in any spacing or quoting (secretlint's AWS rule).
    kind: "aws-secret-key",
    pattern: /(?<q>["']?)(?:aws_?)?secret_?access_?key\k<q>[ \t]*(?::|=>|=)[ \t]*["']?(?<secret>[A-Za-z0-9\/+=]{40})(?![A-Za-z0-9\/+=])/dgi,
    hint: /secret_?access_?key/i,
  },
  ...TOKEN_RULES,
  {
    kind: "github-token",
    rare: true,
    pattern: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${E}`, "g"),
    hint: /_(?<=gh[pousr]_|github_)/, // (punctuation first: see DEFAULT_PRECHECK)
  },
  {
    kind: "anthropic-key",
    rare: true,
    pattern: new RegExp(`${B}sk-ant-[A-Za-z0-9_-]{20,}${E}`, "g"),
    hint: /-(?<=sk-)ant-/,
  },
  {
    kind: "openai-key",
    rare: true,
    pattern: new RegExp(`${B}sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}${E}`, "g"),
    validator: (s) => hasDigit(s) && hasLetter(s.slice(3)) && !isPlaceholder(s.slice(3)),
    hint: /-(?<=sk-)/,
  },
  {
    kind: "slack-token",
    rare: true,
    pattern: new RegExp(`${B}xox[baprs]-[A-Za-z0-9-]{10,}${E}`, "g"),
    validator: (s) => hasDigit(s),
    hint: /-(?<=xox[baprs]-)/,
  },
  {
    kind: "stripe-key",
    rare: true,
    pattern: new RegExp(`${B}[sr]k_live_[A-Za-z0-9]{10,}${E}`, "g"),
    hint: /_(?<=k_)live_/,
  },
  {
    kind: "google-api-key",
    rare: true,
    pattern: new RegExp(`${B}AIza[A-Za-z0-9_-]{35}${E}`, "g"),
    hint: /AIza/,
  },
  {
    kind: "url-password",
    // not inside a scheme (`mongodb+srv`), but a patch's `+` before a line is fine
    pattern: /(?<![A-Za-z0-9.-]|[A-Za-z0-9.-]\+)[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:@\/?#"'<>`]*:(?<secret>[^\s@\/?#"'<>`]+)@(?=[A-Za-z0-9\[])/dg,
    validator: (s) => s.length >= 3 && !isPlaceholder(s) && !/^(?:pass|pwd|passw(?:or)?d|secret)$/i.test(s),
    hint: /:\/\/[^\s\/?#"'<>`@]{1,256}@/,
  },
  {
    kind: "bearer-token",
    pattern: /(?<![A-Za-z0-9])[Bb](?:earer|EARER)[ \t]+(?<secret>[A-Za-z0-9._~+\/-]{16,}=*)(?![A-Za-z0-9._~+\/=-])/dg,
    validator: (s) => looksRandom(s) && !isPlaceholder(s),
    hint: /bearer/i,
  },
  {
    kind: "secret-assignment",
    pattern: ASSIGNMENT,
    validator: validateAssignment,
    // a keyword followed by a lower-case letter (`tokens`, `tokenizer`, `secrets`) cannot end a word
    hint: /[Ss]ecret(?![a-z])|SECRET|[Tt]oken(?![a-z])|TOKEN|[Pp]assw|PASSW|[Aa]pi.?[Kk]ey|API.?KEY/,
    anchor: /[Ss]ecret(?![a-z])|SECRET|[Tt]oken(?![a-z])|TOKEN|[Pp]assw|PASSW|[Aa]pi[_-]?[Kk]ey|API[_-]?KEY/g,
  },
  ...CREDENTIAL_RULES,
];

/** The kinds the default rules can report, plus `custom`. */
export const SECRET_KINDS: readonly string[] = [...new Set([...DEFAULT_RULES.flatMap((r) => (r.kindOf ? TOKEN_KINDS : [r.kind])), "custom"])];

/**
 * A cheap pre-check over the union of all default hints: a text it does not match cannot hold a
 * default-rule secret and is returned as is.
 */
export const DEFAULT_PRECHECK = new RegExp(
  [
    // rare literals: PEM headers, patches of key files, vendor prefixes (a hint of each rule, with
    // the ones another alternative covers left out: `secret_` and `secret_access_key` by `secret`,
    // `AccountKey=` by the credential alternative, `password ` by `passw`)
    String.raw`PRIVATE KEY|\*\*\* (?:Add|Update) File: |eyJ|A(?:3T|KIA|GPA|IDA|ROA|IPA|NPA|NVA|SIA|Iza)`,
    // (written punctuation first, the prefix in a look-behind: a scan that stops only at `_` `-` `.`
    // is several times faster than one that tries a dozen prefixes at every letter)
    String.raw`_(?<=gh[pousr]_|github_|k_live_|k_test_|whsec_|npm_|hf_|gl[a-z]+_|dckr_|gsk_|lin_|ntn_|shp[a-z]{2}_|ops_|vc[pirak]_|fig[dhu]_)|-(?<=sk-|xox[a-z]-|xapp-|pypi-|gl[a-z]+-)|\.(?<=SG\.|hv[sbr]\.)|dapi`,
    String.raw`hooks\.slack\.com|SharedAccess|=(?<=sig=)|m(?:ysql|ariadb)`,
    // common shapes: a password in a URL, auth headers, names that name a secret, command-line flags
    String.raw`:\/\/[^\s\/?#"'<>\x60@]{1,256}@|[Bb]earer|BEARER|[Bb]asic[ \t]|[Ss]ecret(?![a-z])|SECRET|[Tt]oken(?![a-z])|TOKEN|[Pp]assw|PASSW|[Aa]pi.?[Kk]ey|API.?KEY`,
    String.raw`[=:](?<=(?:[Pp]ass|PASS|[Pp]wd|PWD|[Pp][Ww]|[Aa]uth|AUTH|[Kk]ey|KEY|[Cc]redentials?|CREDENTIALS?|[Cc]reds|CREDS)["']?[ \t]*[=:])|-(?<=[ \t]-)(?:u|-user|-proxy-user)[ \t=]`,
  ].join("|"),
);

/** The union of the rare rules' hints (see `SecretRule.rare`). */
export const RARE_PRECHECK = new RegExp(
  DEFAULT_RULES.filter((r) => r.rare)
    .map((r) => {
      if (!r.hint || r.hint.flags.includes("i")) throw new Error(`rare rule ${r.kind} needs a case-sensitive hint`);
      return r.hint.source;
    })
    .join("|"),
);
