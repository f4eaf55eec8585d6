import { describe, expect, test } from "bun:test";
import { customRule, formatRedactionSummary, redactText } from "../../src/privacy/redact.ts";
import { DEFAULT_RULES, SECRET_KINDS, isSecretName, marker } from "../../src/privacy/rules.ts";
import { TOKEN_KINDS } from "../../src/privacy/token-rules.ts";
import { SAMPLES as S, mix, randomBytes } from "./samples.ts";

/** Redacts `text` and expects exactly `expected`, with one hit of `kind`. */
function expectOne(text: string, expected: string, kind: string) {
  const r = redactText(text);
  expect(r.text).toBe(expected);
  expect(r.counts).toEqual({ [kind]: 1 });
}

function expectUntouched(text: string) {
  const r = redactText(text);
  expect(r.counts).toEqual({});
  expect(r.text).toBe(text);
}

describe("rules: each kind is found and replaced by its marker", () => {
  const whole: [string, string, string][] = [
    ["aws access key (AKIA)", S.awsAccessKey, "aws-access-key"],
    ["aws session key (ASIA)", S.awsSessionKey, "aws-access-key"],
    ["github classic ghp_", S.githubClassic, "github-token"],
    ["github gho_", S.githubOauth, "github-token"],
    ["github ghu_", S.githubUser, "github-token"],
    ["github ghs_", S.githubServer, "github-token"],
    ["github ghr_", S.githubRefresh, "github-token"],
    ["github fine-grained", S.githubFineGrained, "github-token"],
    ["anthropic", S.anthropic, "anthropic-key"],
    ["openai legacy", S.openaiLegacy, "openai-key"],
    ["openai project", S.openaiProject, "openai-key"],
    ["slack", S.slack, "slack-token"],
    ["stripe sk_live_", S.stripeSecret, "stripe-key"],
    ["stripe rk_live_", S.stripeRestricted, "stripe-key"],
    ["google api key", S.google, "google-api-key"],
    ["jwt", S.jwt, "jwt"],
    ["private key block", S.privateKey, "private-key"],
  ];
  for (const [name, secret, kind] of whole) {
    test(name, () => {
      expectOne(`before ${secret} after`, `before ${marker(kind)} after`, kind);
      // also at the very start/end and inside quotes and JSON
      expectOne(secret, marker(kind), kind);
      expectOne(`"${secret}"`, `"${marker(kind)}"`, kind);
    });
  }

  test("private key without its END line (truncated output) still hides the body", () => {
    const cut = S.privateKey.slice(0, S.privateKey.indexOf("-----END"));
    const r = redactText("key:\n" + cut);
    expect(r.counts).toEqual({ "private-key": 1 });
    expect(r.text).toBe("key:\n" + marker("private-key"));
  });

  test("bearer token: the token is hidden, the scheme kept", () => {
    expectOne(`Authorization: Bearer ${S.bearer}`, `Authorization: Bearer ${marker("bearer-token")}`, "bearer-token");
    expectOne(`curl -H "authorization: bearer ${S.bearer}" x`, `curl -H "authorization: bearer ${marker("bearer-token")}" x`, "bearer-token");
  });

  test("a JWT sent as a bearer token is counted once, as a jwt", () => {
    expectOne(`Authorization: Bearer ${S.jwt}`, `Authorization: Bearer ${marker("jwt")}`, "jwt");
  });

  test("url with a password: user and host kept", () => {
    const p = S.urlPassword;
    expectOne(`postgres://admin:${p}@db.internal:5432/app`, `postgres://admin:${marker("url-password")}@db.internal:5432/app`, "url-password");
    expectOne(`git clone https://oauth2:${p}@gitlab.com/a/b.git`, `git clone https://oauth2:${marker("url-password")}@gitlab.com/a/b.git`, "url-password");
    expectOne(`redis://:${p}@localhost:6379`, `redis://:${marker("url-password")}@localhost:6379`, "url-password");
  });

  test("a token in a URL's password is one hit of the token's kind", () => {
    expectOne(`https://x:${S.githubClassic}@github.com/o/r`, `https://x:${marker("github-token")}@github.com/o/r`, "github-token");
  });

  describe("assignments: the value is hidden, the name kept", () => {
    const M = marker("secret-assignment");
    const p = S.password;
    const cases: [string, string][] = [
      [`DB_PASSWORD=${p}`, `DB_PASSWORD=${M}`],
      [`export API_KEY=${p}`, `export API_KEY=${M}`],
      [`export API_KEY="${p}"`, `export API_KEY="${M}"`],
      [`MY_SECRET='${p}'`, `MY_SECRET='${M}'`],
      [`password: ${p}`, `password: ${M}`],
      [`  client_secret: "${p}"`, `  client_secret: "${M}"`],
      [`{"apiKey": "${p}", "user": "bob"}`, `{"apiKey": "${M}", "user": "bob"}`],
      [`{'access_token': '${p}'}`, `{'access_token': '${M}'}`],
      [`X-Api-Key: ${p}`, `X-Api-Key: ${M}`],
      [`api-key=${p}`, `api-key=${M}`],
      [`APIKEY=${p}`, `APIKEY=${M}`],
      [`GITLAB_PASSWD=${p}`, `GITLAB_PASSWD=${M}`],
      [`const apiKey = "${p}";`, `const apiKey = "${M}";`],
      [`API_TOKEN = '${p}'`, `API_TOKEN = '${M}'`],
      [`mysql --password=${p} db`, `mysql --password=${M} db`],
      [`https://api.x.com/v1?access_token=${p}&page=2`, `https://api.x.com/v1?access_token=${M}&page=2`],
      [`spring.datasource.password=${p}`, `spring.datasource.password=${M}`],
      [`JWT_SECRET=supersecretvalue`, `JWT_SECRET=${M}`],
      [`AUTHTOKEN=${p}`, `AUTHTOKEN=${M}`],
    ];
    for (const [input, output] of cases) test(input, () => expectOne(input, output, "secret-assignment"));

    test("a known token under a secret name is one hit of the token's kind", () => {
      expectOne(`GITHUB_TOKEN=${S.githubClassic}`, `GITHUB_TOKEN=${marker("github-token")}`, "github-token");
      expectOne(`OPENAI_API_KEY="${S.openaiProject}"`, `OPENAI_API_KEY="${marker("openai-key")}"`, "openai-key");
    });
  });

  test("several secrets in one text are all counted", () => {
    const r = redactText(`a ${S.githubClassic} b ${S.githubOauth} c ${S.awsAccessKey}\nDB_PASSWORD=${S.password}`);
    expect(r.counts).toEqual({ "github-token": 2, "aws-access-key": 1, "secret-assignment": 1 });
    expect(r.text).not.toContain(S.githubClassic);
    expect(r.text).not.toContain(S.password);
  });

  test("every default kind is documented in SECRET_KINDS", () => {
    for (const r of DEFAULT_RULES) if (!r.kindOf) expect(SECRET_KINDS).toContain(r.kind);
    for (const k of TOKEN_KINDS) expect(SECRET_KINDS).toContain(k);
    expect(SECRET_KINDS).toContain("custom");
    expect(new Set(SECRET_KINDS).size).toBe(SECRET_KINDS.length);
  });
});

describe("rules: look-alikes survive untouched", () => {
  const hex = (n: number, seed: number) => mix(n, seed, "0123456789abcdef");
  const lookAlikes: [string, string][] = [
    ["uuid", `session 0ccf1a04-1b4c-43b6-8aa5-79e41db43a68 resumed`],
    ["git sha", `commit ${hex(40, 1)}`],
    ["sha256", `sha256:${hex(64, 2)}`],
    ["npm integrity", `"integrity": "sha512-${Buffer.from(randomBytes(64, 3)).toString("base64")}"`],
    ["prose: password", "the password field is required"],
    ["prose: token count", "token count: 123"],
    ["prose: tokens", "This prompt used 12,000 tokens. The secret to good tests is isolation."],
    ["prose: api key", "Set your API key in the settings page, then paste the token into the form."],
    ["prose: bearer", "The bearer of this letter is a friend."],
    ["url without password", "see https://user@example.com/path?q=1 and https://example.com:8080/a@b"],
    ["ssh remote", "git@github.com:owner/repo.git"],
    ["empty password=", "password="],
    ["empty password= then more", "curl 'https://x.com/login?user=bob&password=&next=/'"],
    ["empty quoted", `{"password": ""}`],
    ["function call", "const token = getToken()"],
    ["function call, tight", "f(token=get_token())"],
    ["python kwargs", "client = Client(api_key=api_key, token=token)"],
    ["python environ", `token = os.environ.get("GITHUB_TOKEN")`],
    ["python environ index", `api_key = os.environ["OPENAI_API_KEY"]`],
    ["python if", "    if not token:\n        raise ValueError()"],
    ["env var reference $", "echo $GITHUB_TOKEN"],
    ["env var reference ${}", "GITHUB_TOKEN=${GITHUB_TOKEN}"],
    ["env var assigned a reference", "export API_KEY=$OPENAI_API_KEY"],
    ["process.env", "const key = process.env.API_KEY"],
    ["process.env assignment", "apiKey: process.env.API_KEY,"],
    ["github actions", "token: ${{ secrets.GITHUB_TOKEN }}"],
    ["ts type annotation", "function f(token: string, password: string | undefined) {}"],
    ["ts generic", "token: Promise<string>"],
    ["object shorthand value", "return { token: newToken, password: hashedPassword };"],
    ["usage json", `"usage": {"input_tokens": 1234, "output_tokens": 56, "max_tokens": 4096}`],
    ["tokenizer", "tokenizer: gpt2"],
    ["token type", "token_type: bearer"],
    ["password file", "password_file: /run/secrets/db"],
    ["placeholder x", "export GITHUB_TOKEN=ghp_xxxxxxxxxxxx"],
    ["placeholder your-", "export API_KEY=your-api-key"],
    ["placeholder angle", "Authorization: Bearer <token>"],
    ["placeholder stars", "Token: gho_************************************"],
    ["bearer template", "headers: { Authorization: `Bearer ${token}` }"],
    ["bearer env", `-H "Authorization: Bearer $GITHUB_TOKEN"`],
    ["bearer f-string", `"Authorization": f"Bearer {token}",`],
    ["validation message", `password: "Password is required",`],
    ["label", `<label for="password">Password</label>`],
    ["url placeholder password", "postgres://user:password@localhost/db"],
    ["url env password", "postgres://user:$PGPASSWORD@localhost/db"],
    ["kebab css class", "sk-loading-spinner-wrapper-element"],
    ["secrets module", "nonce = secrets.token_hex(4)"],
    ["aws inside a longer word", "XAKIA" + "ABCDEFGHIJKLMNOPQ"],
    ["eyJ but not a jwt", "eyJhbGciOiJIUzI1Ni.notbase64json.abcdefghijk"],
    ["private key header alone", "if (pem.startsWith('-----BEGIN " + "PRIVATE KEY-----')) {"],
    // code lines the credential-file rule met in node_modules (typescript, zod, playwright-core)
    ["credential: a call", "        token = scanner2.scan();"],
    ["credential: a generic type", "  key: SyncParseReturnType<any>;"],
    ["credential: an index", "        auth: match2[2],"],
    ["credential: a member in an object literal", "          httpCredentials: options.httpCredentials,"],
    ["credential: a method chain", "  progressToken: ProgressTokenSchema.optional(),"],
    ["credential: a regex match", "      key = arg2.match(/^--no-(.+)/)[1];"],
    ["credential: a template", "        opts.auth = `${parsedUrl.username}:${parsedUrl.password}`;"],
    ["credential: websocket nonce header", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="],
    ["credential: a constant", "    SOCKS5_CUSTOM_AUTH_START = SOCKS5_CUSTOM_AUTH_START;"],
    ["cli: curl -u placeholder", "curl -u user:pass https://example.com"],
    ["cli: mysql -p prompt", "mysql -u root -p mydb"],
    // minified and ordinary code met when scanning node_modules for false positives
    ["minified member assignment", "(t.token=p,t.localState=t.local);r.addToken=wn;t.errorToken=!0"],
    ["minified comparison", "t.lastToken==`def`||t.prevToken===null||n.tokenTypeOverrides===void 0"],
    ["minified object literal", "{regex:E,token:`linkified`},{email:!0,password:!0,range:!0}"],
    ["object literal variable", "return { kind: 3, token: parent2, identifier: void 0 };"],
    ["variable with digit", "const { contextToken: contextToken2, previousToken: previousToken2 } = info;"],
    ["ternary", "x = cond ? tagToken : anchor2 ?? tagToken;"],
    ["short literal", `tokenValue = "0x" + tokenValue; tokenValue = "0";`],
    ["stand-in value", `route.fulfill({ body: JSON.stringify({ token: 'mock-token' }) });`],
    ["type union", `export type OriginTrialTokenStatus = "Success"|"NotSupported";`],
    ["translated message", `"d_a_1_to_match_the_0_token_here_1007": "分析器预期在此处找到与“{0}”标记匹配的“{1}”。",`],
    ["arrow function", "const f = token => token.trim()"],
  ];
  for (const [name, text] of lookAlikes) test(name, () => expectUntouched(text));

  test("base64 image data (random bytes, several seeds)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const b64 = Buffer.from(randomBytes(48_000, seed)).toString("base64");
      expectUntouched(b64);
      expectUntouched(`data:image/png;base64,${b64}`);
    }
  });

  test("markers are not re-redacted by later rules", () => {
    const once = redactText(`API_KEY=${S.githubClassic} url=https://u:${S.urlPassword}@h`).text;
    expectUntouched(once);
  });
});

describe("isSecretName", () => {
  test("names that name a secret", () => {
    for (const n of ["GITHUB_TOKEN", "token", "accessToken", "client_secret", "SECRET_KEY_BASE", "apiKey", "api_key", "X-Api-Key", "APIKEY", "DB_PASSWORD", "passwd", "authtoken", "openaiApiKey"])
      expect(isSecretName(n)).toBe(true);
  });
  test("names that do not", () => {
    for (const n of ["tokens", "max_tokens", "tokenizer", "token_type", "tokenCount", "secrets", "password_file", "token_url", "secret_name", "keyboard", "monkey", "user"])
      expect(isSecretName(n)).toBe(false);
  });
});

describe("custom rules and summary", () => {
  test("a custom rule hides whole matches as custom", () => {
    const r = redactText("ship to acme-internal-42 and acme-internal-7", [...DEFAULT_RULES, customRule(/acme-internal-\d+/)]);
    expect(r.text).toBe(`ship to ${marker("custom")} and ${marker("custom")}`);
    expect(r.counts).toEqual({ custom: 2 });
  });

  test("a custom rule runs even where the default pre-check finds nothing", () => {
    const r = redactText("hello world", [customRule(/world/i)]);
    expect(r.text).toBe(`hello ${marker("custom")}`);
  });

  test("formatRedactionSummary", () => {
    expect(formatRedactionSummary({})).toBe("no secrets found");
    expect(formatRedactionSummary({ jwt: 0 })).toBe("no secrets found");
    expect(formatRedactionSummary({ "aws-access-key": 1, "github-token": 2 })).toBe("hid 3 secrets: 2 github-token, 1 aws-access-key");
    expect(formatRedactionSummary({ jwt: 1 })).toBe("hid 1 secret: 1 jwt");
  });
});

describe("speed", () => {
  test("ordinary text pays little: 20 MB of prose and code in well under a few seconds", () => {
    const para =
      "The agent read src/index.ts and ran `bun test` (12 pass, 0 fail); the token count was 1234.\n" +
      "const result = await fetch(url, { headers }); if (!result.ok) throw new Error(String(result.status));\n";
    const text = para.repeat(Math.ceil(20_000_000 / para.length));
    const t = performance.now();
    const r = redactText(text);
    const ms = performance.now() - t;
    expect(r.counts).toEqual({});
    expect(ms).toBeLessThan(3000);
  });
});
