/**
 * Vendor tokens recognised by their prefix: the kinds secretlint's recommended preset detects
 * (`@secretlint/secretlint-rule-preset-recommend`: npm, Slack, SendGrid, Shopify, GitLab, Grafana,
 * 1Password, HashiCorp Vault, Vercel, Databricks, Docker, Figma, Groq, Hugging Face, Linear,
 * Notion, ...) and the ones its preset leaves out that sessions show (PyPI, Stripe test keys and
 * webhook secrets, Slack app tokens and webhook URLs, Azure storage keys). Each rule is a prefix
 * and a body long enough that a word or an identifier in code cannot be one.
 */
import type { SecretRule } from "./rules.ts";

const B = String.raw`(?<![A-Za-z0-9_-])`; // no token character before
const E = String.raw`(?![A-Za-z0-9_-])`; // none after

const hasDigit = (s: string) => /[0-9]/.test(s);

interface Prefixed {
  kind: string;
  body: string;
  validator?: (s: string) => boolean;
}

/** One rule for every prefixed token: one pre-check and one scan instead of one per vendor. */
function prefixedRule(tokens: readonly Prefixed[], hint: RegExp): SecretRule {
  const body = tokens.map((t, i) => `(?<t${i}>${t.body})`).join("|");
  const which = (m: RegExpExecArray) => tokens.findIndex((_, i) => m.groups?.[`t${i}`] !== undefined);
  return {
    kind: "token",
    rare: true,
    pattern: new RegExp(`${B}(?:${body})${E}`, "g"),
    hint,
    kindOf: (m) => tokens[which(m)]?.kind ?? "token",
    validator: (s, m) => tokens[which(m)]?.validator?.(s) ?? true,
  };
}

const PREFIXED: readonly Prefixed[] = [
  { kind: "npm-token", body: "npm_[A-Za-z0-9]{36}", validator: hasDigit },
  { kind: "pypi-token", body: "pypi-[A-Za-z0-9_-]{40,}" },
  { kind: "huggingface-token", body: "hf_[A-Za-z0-9]{30,}", validator: (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)) },
  { kind: "gitlab-token", body: "gl(?:pat|dt|ptt|rt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,128}", validator: hasDigit },
  { kind: "docker-token", body: "dckr_pat_[A-Za-z0-9_-]{27,}" },
  { kind: "sendgrid-key", body: String.raw`SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}` },
  { kind: "slack-token", body: "xapp-[0-9]-[A-Za-z0-9-]{10,}|xox[oe]-[A-Za-z0-9-]{10,}", validator: hasDigit },
  { kind: "stripe-key", body: "(?:sk|rk)_test_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}", validator: hasDigit },
  { kind: "groq-key", body: "gsk_[A-Za-z0-9]{52}" },
  { kind: "linear-key", body: "lin_(?:api|oauth)_[A-Za-z0-9_]{32,128}" },
  { kind: "notion-token", body: "ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}", validator: hasDigit },
  { kind: "shopify-token", body: "shp(?:pa|ca|at|ss)_[A-Fa-f0-9]{32,64}" },
  { kind: "grafana-token", body: "glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}" },
  { kind: "1password-token", body: "ops_ey[A-Za-z0-9+/=]{100,1280}" },
  { kind: "vault-token", body: String.raw`hv[sbr]\.[A-Za-z0-9_-]{90,300}` },
  { kind: "vercel-token", body: "vc[pirak]_[A-Za-z0-9]{20,60}", validator: hasDigit },
  { kind: "databricks-token", body: "dapi[A-Fa-f0-9]{32}(?:-[0-9])?" },
  { kind: "figma-token", body: "fig[dhu]_[A-Za-z0-9_-]{40,200}" },
];

/** The kinds the prefixed-token rule reports. */
export const TOKEN_KINDS: readonly string[] = [...new Set(PREFIXED.map((t) => t.kind))];

export const TOKEN_RULES: readonly SecretRule[] = [
  // The hint stops only at `_` `-` `.` and looks behind for a prefix: several times faster than
  // trying a dozen prefixes at every letter of ordinary text.
  prefixedRule(
    PREFIXED,
    /_(?<=npm_|hf_|dckr_|k_test_|whsec_|gsk_|lin_|ntn_|secret_|shp[a-z]{2}_|glc_|glsa_|ops_|vc[pirak]_|fig[dhu]_)|-(?<=pypi-|gl[a-z]+-|xapp-|xox[oe]-)|\.(?<=SG\.|hv[sbr]\.)|dapi/,
  ),
  {
    kind: "slack-webhook",
    rare: true,
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_\/-]{20,}/g,
    hint: /hooks\.slack\.com/,
  },
  {
    // Azure storage / service bus connection strings: `AccountKey=<base64>`, `SharedAccessKey=...`
    kind: "azure-key",
    rare: true,
    pattern: /(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=(?<secret>[A-Za-z0-9+\/%]{20,}={0,2})/dg,
    validator: (s) => hasDigit(s) && /[A-Za-z]/.test(s),
    hint: /=(?<=AccountKey=|sig=)|SharedAccess/,
  },
];
