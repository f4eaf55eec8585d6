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

function prefixed(kind: string, body: string, hint: RegExp, validator?: SecretRule["validator"]): SecretRule {
  return { kind, pattern: new RegExp(`${B}(?:${body})${E}`, "g"), hint, validator };
}

export const TOKEN_RULES: readonly SecretRule[] = [
  prefixed("npm-token", "npm_[A-Za-z0-9]{36}", /npm_/, (s) => hasDigit(s)),
  prefixed("pypi-token", "pypi-[A-Za-z0-9_-]{40,}", /pypi-/),
  prefixed("huggingface-token", "hf_[A-Za-z0-9]{30,}", /hf_/, (s) => /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3))),
  prefixed("gitlab-token", "gl(?:pat|dt|ptt|rt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,128}", /gl[a-z]+-/, (s) => hasDigit(s)),
  prefixed("docker-token", "dckr_pat_[A-Za-z0-9_-]{27,}", /dckr_pat_/),
  prefixed("sendgrid-key", String.raw`SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}`, /SG\./),
  prefixed("slack-token", "xapp-[0-9]-[A-Za-z0-9-]{10,}|xox[oe]-[A-Za-z0-9-]{10,}", /xapp-|xox[oe]-/, (s) => hasDigit(s)),
  {
    kind: "slack-webhook",
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_\/-]{20,}/g,
    hint: /hooks\.slack\.com/,
  },
  prefixed("stripe-key", "(?:sk|rk)_test_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}", /k_test_|whsec_/, (s) => hasDigit(s)),
  prefixed("groq-key", "gsk_[A-Za-z0-9]{52}", /gsk_/),
  prefixed("linear-key", "lin_(?:api|oauth)_[A-Za-z0-9_]{32,128}", /lin_/),
  prefixed("notion-token", "ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}", /ntn_|secret_/, (s) => hasDigit(s)),
  prefixed("shopify-token", "shp(?:pa|ca|at|ss)_[A-Fa-f0-9]{32,64}", /shp/),
  prefixed("grafana-token", "glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}", /gl(?:c|sa)_/),
  prefixed("1password-token", "ops_ey[A-Za-z0-9+/=]{100,1280}", /ops_ey/),
  prefixed("vault-token", String.raw`hv[sbr]\.[A-Za-z0-9_-]{90,300}`, /hv[sbr]\./),
  prefixed("vercel-token", "vc[pirak]_[A-Za-z0-9]{20,60}", /vc[pirak]_/, (s) => hasDigit(s)),
  prefixed("databricks-token", "dapi[A-Fa-f0-9]{32}(?:-[0-9])?", /dapi/),
  prefixed("figma-token", "fig[dhu]_[A-Za-z0-9_-]{40,200}", /fig[dhu]_/),
  {
    // Azure storage / service bus connection strings: `AccountKey=<base64>`, `SharedAccessKey=...`
    kind: "azure-key",
    pattern: /(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=(?<secret>[A-Za-z0-9+\/%]{20,}={0,2})/dg,
    validator: (s) => hasDigit(s) && /[A-Za-z]/.test(s),
    hint: /AccountKey=|SharedAccess|sig=/,
  },
];

/** Every hint of the rules above, for the global pre-check. */
export const TOKEN_HINTS = String.raw`npm_|pypi-|hf_|gl[a-z]+-|dckr_pat_|SG\.|xapp-|xox[oe]-|hooks\.slack\.com|k_test_|whsec_|gsk_|lin_|ntn_|secret_|shp|glc_|glsa_|ops_ey|hv[sbr]\.|vc[pirak]_|dapi|fig[dhu]_|AccountKey=|SharedAccess|sig=`;
