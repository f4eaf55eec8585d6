/**
 * The planted secrets: one of every kind panko hides (every kind secretlint's recommended preset
 * detects, and every shape issue 7 lists), each as the text it would sit in (`shape`) and the part
 * that must never be served (`secret`). Built at run time from a seeded generator: no literal
 * secret is in the repository.
 */
import { mix } from "./samples.ts";

export interface Planted {
  name: string;
  /** The text as it appears in a session (a line of a file, a command, a header). */
  shape: string;
  /** What must not be served, in full or as any 16-character piece. */
  secret: string;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = "0123456789abcdef";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A PEM private key: header, `lines` base64 lines of 64, footer. The secret is the body. */
export function pemKey(seed: number, lines = 6, type = "OPENSSH"): { text: string; body: string[] } {
  const body = Array.from({ length: lines }, (_, i) => mix(64, seed * 31 + i, B64));
  const head = "-----BEGIN " + type + " PRIVATE" + " KEY-----";
  const foot = "-----END " + type + " PRIVATE" + " KEY-----";
  return { text: [head, ...body, foot].join("\n"), body };
}

export function plantedSecrets(): Planted[] {
  const p: Planted[] = [];
  const add = (name: string, secret: string, shape = secret) => p.push({ name, shape, secret });
  let seed = 100;
  const m = (n: number, alphabet?: string) => mix(n, seed++, alphabet);

  const awsId = "AKIA" + m(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  const awsSecret = m(40, B64);
  p.push({ name: "aws credentials file", shape: `[default]\naws_access_key_id = ${awsId}\naws_secret_access_key = ${awsSecret}\nregion = eu-west-1`, secret: awsSecret });
  add("aws access key id", awsId, `export AWS_ACCESS_KEY_ID=${awsId}`);
  const gh = "ghp_" + m(36);
  add("github classic token", gh, `git remote set-url origin https://x:${gh}@github.com/acme/app.git`);
  add("github fine-grained token", "github_pat_" + m(22) + "_" + m(59));
  add("anthropic key", "sk-ant-api03-" + m(93) + "AA");
  add("openai project key", "sk-proj-" + m(74) + "T3Blbk" + "FJ" + m(74));
  add("slack bot token", "xoxb-" + m(12, HEX.slice(0, 10)) + "-" + m(12, HEX.slice(0, 10)) + "-" + m(24));
  add("slack app token", "xapp-1-" + "A" + m(10, UPPER) + "-" + m(13, HEX.slice(0, 10)) + "-" + m(64, HEX));
  const hook = "T" + m(10, UPPER) + "/B" + m(10, UPPER) + "/" + m(24);
  p.push({ name: "slack webhook url", shape: "curl -X POST https://hooks.slack" + ".com/services/" + hook, secret: hook });
  add("stripe live key", "sk_" + "live_" + m(24));
  add("stripe test key", "sk_" + "test_" + m(24));
  add("stripe webhook secret", "whsec_" + m(32));
  add("google api key", "AIza" + m(35));
  add("npm token", "npm_" + m(36), `//registry.npmjs.org/:_authToken=npm_${"x".slice(1)}`);
  p[p.length - 1].shape = `//registry.npmjs.org/:_authToken=${p[p.length - 1].secret}`;
  add("pypi token", "pypi-" + "AgEIcHlwaS5vcmc" + m(60));
  p.push({ name: ".pypirc", shape: `[pypi]\nusername = __token__\npassword = ${p[p.length - 1].secret}`, secret: p[p.length - 1].secret });
  add("hugging face token", "hf_" + m(34, ALPHA));
  add("gitlab token", "glpat-" + m(20));
  add("docker hub token", "dckr_pat_" + m(27));
  add("sendgrid key", "SG." + m(22) + "." + m(43));
  add("groq key", "gsk_" + m(52));
  add("linear key", "lin_api_" + m(40));
  add("notion token", "ntn_" + m(11, "0123456789") + m(35));
  add("shopify token", "shpat_" + m(32, HEX));
  add("grafana cloud token", "glc_" + m(60));
  add("grafana service account token", "glsa_" + m(32) + "_" + m(8, HEX));
  add("1password service token", "ops_ey" + m(200, B64));
  add("vault token", "hvs." + m(95));
  add("vercel token", "vcp_" + m(40));
  add("databricks token", "dapi" + m(32, HEX));
  add("figma token", "figd_" + m(40));
  const jwtHead = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  const jwt = `${jwtHead}.${Buffer.from(JSON.stringify({ sub: m(12), iat: 1700000000 })).toString("base64url")}.${m(43)}`;
  add("jwt", jwt, `curl -H "X-Session: ${jwt}" https://api.example.com`);
  const pct = m(8) + "%40" + m(6) + "%2F" + m(4);
  p.push({ name: "url password with percent-escapes", shape: `DATABASE_URL=postgres://app:${pct}@db.internal:5432/app`, secret: pct });
  const mongo = m(20);
  p.push({ name: "mongodb connection string", shape: `mongodb+srv://admin:${mongo}@cluster0.example.net/db`, secret: mongo });
  const bearer = m(40);
  p.push({ name: "bearer token", shape: `curl -H "Authorization: Bearer ${bearer}" https://api.example.com/v1`, secret: bearer });
  const basic = Buffer.from("deploy:" + m(20)).toString("base64");
  p.push({ name: "basic auth header", shape: `Authorization: Basic ${basic}`, secret: basic });
  const dockerAuth = Buffer.from("robot:" + m(24)).toString("base64");
  p.push({ name: "docker config.json auth", shape: `{"auths": {"registry.example.com": {"auth": "${dockerAuth}"}}}`, secret: dockerAuth });
  const azure = m(86, B64) + "==";
  p.push({ name: "azure storage key", shape: `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${azure};EndpointSuffix=core.windows.net`, secret: azure });
  const curlPw = m(18);
  p.push({ name: "curl -u", shape: `curl -u admin:${curlPw} https://ci.example.com/api`, secret: curlPw });
  const mysqlPw = m(16);
  p.push({ name: "mysql -p", shape: `mysql -uroot -p${mysqlPw} -h db.internal app`, secret: mysqlPw });
  const netrc = m(20);
  p.push({ name: ".netrc", shape: `machine api.example.com\n  login deploy\n  password ${netrc}`, secret: netrc });
  const rclone = m(32);
  p.push({ name: "rclone config", shape: `[backup]\ntype = sftp\nhost = files.example.com\nuser = me\npass = ${rclone}`, secret: rclone });
  const ini = m(28);
  p.push({ name: "ini with spaces", shape: `[service]\napi_token = ${ini}\ntimeout = 30`, secret: ini });
  for (const name of ["DB_PASS", "MYSQL_PWD", "REDIS_AUTH", "PRIVATE_KEY", "ENCRYPTION_KEY", "JWT_SIGNING_KEY", "SENDGRID_KEY", "CREDENTIALS", "GITHUB_TOKEN", "CLIENT_SECRET"]) {
    const v = m(32);
    p.push({ name: `.env ${name}`, shape: `${name}=${v}`, secret: v });
  }
  const appKey = m(44, B64);
  p.push({ name: ".env APP_KEY", shape: `APP_KEY=base64:${appKey}`, secret: appKey });
  const jsonPw = m(24);
  p.push({ name: "json password", shape: `{"username": "svc", "password": "${jsonPw}"}`, secret: jsonPw });
  const key = pemKey(7);
  for (const [i, line] of key.body.entries()) p.push({ name: `private key line ${i + 1}`, shape: i === 0 ? key.text : "", secret: line });
  const gcp = pemKey(8, 4, "");
  const gcpJson = JSON.stringify({ type: "service_account", project_id: "acme", private_key: gcp.text.replace("BEGIN  ", "BEGIN ").replace("END  ", "END ") + "\n" });
  p.push({ name: "gcp service account json", shape: gcpJson, secret: gcp.body[1] });
  return p.filter((x) => x.secret.length > 0);
}

/** Every planted shape, one after another (blank line between), as one text. */
export function plantedText(): string {
  return plantedSecrets()
    .map((x) => x.shape)
    .filter(Boolean)
    .join("\n\n");
}

/** The pieces that must not appear: each secret whole, and every 16-character piece of it. */
export function leaks(served: string, planted: Planted[] = plantedSecrets()): string[] {
  const found: string[] = [];
  for (const x of planted) {
    if (served.includes(x.secret)) {
      found.push(`${x.name}: whole`);
      continue;
    }
    for (let i = 0; i + 16 <= x.secret.length; i++) {
      const piece = x.secret.slice(i, i + 16);
      if (served.includes(piece)) {
        found.push(`${x.name}: piece ${JSON.stringify(piece)}`);
        break;
      }
    }
  }
  return found;
}
