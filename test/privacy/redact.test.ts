import { describe, expect, test } from "bun:test";
import { PankoError } from "../../src/errors.ts";
import {
  buildRules,
  collectRedactions,
  formatRedactionSummary,
  parseExtraPattern,
  redactJsonl,
  redactLine,
  redactSession,
  redactText,
} from "../../src/privacy/redact.ts";
import { marker } from "../../src/privacy/rules.ts";
import { emptyStats, emptyUsage, type Session, type ToolBlock } from "../../src/sessions/model.ts";
import { SAMPLES as S, randomBytes } from "./samples.ts";

const IMAGE_DATA = Buffer.from(randomBytes(200_000, 42)).toString("base64");
/** base64 "image" data that contains a github-token-shaped run: must still not be touched. */
const TRAP_DATA = IMAGE_DATA.slice(0, 1000) + " " + S.githubClassic + " " + IMAGE_DATA.slice(1000, 2000);

function subAgent(): Session {
  return {
    id: "agent-sub",
    source: "claude",
    path: "/tmp/x/subagents/agent-a1.jsonl",
    title: "sub agent " + S.githubRefresh,
    models: ["claude-x"],
    usage: { "claude-x": emptyUsage() },
    stats: emptyStats(),
    agentId: "a1",
    turns: [
      {
        index: 0,
        id: "s-u1",
        blocks: [
          { kind: "prompt", id: "s-p", text: "use key " + S.anthropic },
          { kind: "text", id: "s-t", text: "found AWS key " + S.awsSessionKey },
        ],
      },
    ],
  };
}

function buildSession(): Session {
  const tool: ToolBlock = {
    kind: "tool",
    id: "toolu_1",
    toolUseId: "toolu_1",
    name: "Bash",
    input: {
      command: "curl -H 'Authorization: Bearer " + S.bearer + "' https://api.x.com",
      env: { GITHUB_TOKEN: S.githubOauth, nested: [{ deeper: "key " + S.google }], count: 3, ok: true, none: null },
      password: S.password,
    },
    result: {
      text: "export STRIPE=" + S.stripeSecret,
      isError: false,
      images: [
        { kind: "image", id: "img-r", mediaType: "image/png", data: TRAP_DATA },
        { kind: "image", id: "img-u", mediaType: "image/png", url: "https://cdn.x.com/i.png?token=" + S.password },
      ],
      meta: { stdout: "jwt=" + S.jwt, stderr: "", list: ["AKIA-free", S.slack], n: 1 },
    },
    edits: [
      {
        path: "/srv/app/" + S.githubServer + "/config.env",
        change: "move",
        movePath: "/srv/app/" + S.githubUser + ".env",
        added: 1,
        removed: 1,
        hunks: [
          {
            oldStart: 1,
            oldLines: 1,
            newStart: 1,
            newLines: 1,
            lines: [
              { op: "-", text: "DB_PASSWORD=" + S.password },
              { op: "+", text: "DB_URL=postgres://app:" + S.urlPassword + "@db:5432/app" },
              { op: " ", text: "PORT=8080" },
            ],
          },
        ],
      },
    ],
    subAgent: subAgent(),
  };
  return {
    id: "sess-1",
    source: "claude",
    path: "/home/u/.claude/projects/p/sess-1.jsonl",
    title: "deploy with " + S.githubClassic,
    project: "/home/u/" + S.githubFineGrained,
    gitBranch: "fix/" + S.awsAccessKey,
    pullRequest: { number: 7, url: "https://github.com/o/r/pull/7?token=" + S.githubClassic, repository: "o/r" },
    version: "2.0.0",
    startedAt: "2025-01-01T00:00:00Z",
    models: ["claude-x"],
    usage: { "claude-x": { inputTokens: 10, outputTokens: 20, cacheReadTokens: 0, cacheCreationTokens: 0 } },
    stats: { ...emptyStats(), malformedLines: 1, malformed: [{ line: 3, error: "bad json near " + S.openaiLegacy }] },
    turns: [
      {
        index: 0,
        id: "u1",
        timestamp: "2025-01-01T00:00:00Z",
        blocks: [
          { kind: "prompt", id: "p1", text: "my key is " + S.openaiProject },
          { kind: "command", id: "c1", name: "/login", args: "--token " + S.githubOauth, output: "api_key: " + S.password },
          { kind: "thinking", id: "th1", text: "the user pasted " + S.privateKey },
          { kind: "text", id: "t1", text: "I will use " + S.stripeRestricted, model: "claude-x" },
          { kind: "image", id: "i1", mediaType: "image/png", data: IMAGE_DATA },
          { kind: "image", id: "i2", mediaType: "image/png", url: "https://u:" + S.urlPassword + "@img.x.com/a.png" },
          tool,
          { kind: "notice", id: "n1", level: "error", subtype: "api_error", text: "401 for key " + S.anthropic },
          { kind: "compaction", id: "cp1", summary: "earlier the user set SECRET=" + S.password, trigger: "auto", preTokens: 1000 },
          {
            kind: "unknown",
            id: "x1",
            recordType: "future-thing",
            raw: { type: "future-thing", deep: { list: ["a", { token: S.password }], s: "sk " + S.openaiLegacy }, img: { type: "base64", media_type: "image/png", data: TRAP_DATA } },
          },
        ],
      },
    ],
  };
}

/** Every string in a value, with its path. */
function strings(v: unknown, path = "$", out: [string, string][] = []): [string, string][] {
  if (typeof v === "string") out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) strings(x, `${path}.${k}`, out);
  return out;
}

const ALL_SECRETS = Object.values(S);

describe("redactSession", () => {
  test("replaces secrets in every field a viewer can serve", () => {
    const input = buildSession();
    const { session, counts, total } = redactSession(input);

    // No sample secret survives anywhere, except inside base64 image data (not scanned by design).
    for (const [path, s] of strings(session)) {
      if (s === IMAGE_DATA || s === TRAP_DATA) continue;
      for (const secret of ALL_SECRETS) {
        if (s.includes(secret)) throw new Error(`secret survived at ${path}: ${s.slice(0, 120)}`);
      }
    }

    const t = session.turns[0].blocks;
    expect(session.title).toBe("deploy with " + marker("github-token"));
    expect(session.project).toBe("/home/u/" + marker("github-token"));
    expect(session.gitBranch).toBe("fix/" + marker("aws-access-key"));
    expect(session.pullRequest).toEqual({ number: 7, url: "https://github.com/o/r/pull/7?token=" + marker("github-token"), repository: "o/r" });
    expect(session.stats.malformed[0].error).toBe("bad json near " + marker("openai-key"));
    expect(t[0]).toMatchObject({ kind: "prompt", text: "my key is " + marker("openai-key") });
    expect(t[1]).toMatchObject({ kind: "command", name: "/login", args: "--token " + marker("github-token"), output: "api_key: " + marker("secret-assignment") });
    expect(t[2]).toMatchObject({ kind: "thinking", text: "the user pasted " + marker("private-key") });
    expect(t[3]).toMatchObject({ kind: "text", text: "I will use " + marker("stripe-key") });
    expect(t[5]).toMatchObject({ kind: "image", url: "https://u:" + marker("url-password") + "@img.x.com/a.png" });
    expect(t[7]).toMatchObject({ kind: "notice", text: "401 for key " + marker("anthropic-key") });
    expect(t[8]).toMatchObject({ kind: "compaction", summary: "earlier the user set SECRET=" + marker("secret-assignment"), trigger: "auto" });

    const tool = t[6] as ToolBlock;
    expect(tool.input).toEqual({
      command: "curl -H 'Authorization: Bearer " + marker("bearer-token") + "' https://api.x.com",
      env: { GITHUB_TOKEN: marker("github-token"), nested: [{ deeper: "key " + marker("google-api-key") }], count: 3, ok: true, none: null },
      password: marker("secret-assignment"),
    });
    expect(tool.result!.text).toBe("export STRIPE=" + marker("stripe-key"));
    expect(tool.result!.images[1].url).toBe("https://cdn.x.com/i.png?token=" + marker("secret-assignment"));
    expect(tool.result!.meta).toEqual({ stdout: "jwt=" + marker("jwt"), stderr: "", list: ["AKIA-free", marker("slack-token")], n: 1 });
    const edit = tool.edits![0];
    expect(edit.path).toBe("/srv/app/" + marker("github-token") + "/config.env");
    expect(edit.movePath).toBe("/srv/app/" + marker("github-token") + ".env");
    expect(edit.hunks[0].lines).toEqual([
      { op: "-", text: "DB_PASSWORD=" + marker("secret-assignment") },
      { op: "+", text: "DB_URL=postgres://app:" + marker("url-password") + "@db:5432/app" },
      { op: " ", text: "PORT=8080" },
    ]);
    const sub = tool.subAgent!;
    expect(sub.title).toBe("sub agent " + marker("github-token"));
    expect(sub.turns[0].blocks[0]).toMatchObject({ text: "use key " + marker("anthropic-key") });
    expect(sub.turns[0].blocks[1]).toMatchObject({ text: "found AWS key " + marker("aws-access-key") });

    const raw = (t[9] as { raw: any }).raw;
    expect(raw.deep).toEqual({ list: ["a", { token: marker("secret-assignment") }], s: "sk " + marker("openai-key") });
    expect(raw.type).toBe("future-thing");

    expect(counts).toEqual({
      "github-token": 8,
      "aws-access-key": 2,
      "openai-key": 3,
      "anthropic-key": 2,
      "stripe-key": 2,
      "private-key": 1,
      "google-api-key": 1,
      "bearer-token": 1,
      "secret-assignment": 6,
      "url-password": 2,
      jwt: 1,
      "slack-token": 1,
    });
    expect(total).toBe(30);
    expect(formatRedactionSummary(counts)).toStartWith("hid 30 secrets: 8 github-token, 6 secret-assignment, 3 openai-key");
  });

  test("the IDE context kept beside a Codex prompt is redacted like the prompt", () => {
    const input: Session = { ...buildSession(), turns: [{ index: 0, id: "t", blocks: [{ kind: "prompt", id: "p", text: "fix it", context: `## Active file: .env\nTOKEN=${S.githubClassic}` }] }] };
    const { session, total } = redactSession(input);
    const p = session.turns[0].blocks[0] as { text: string; context?: string };
    expect(p.context).not.toContain(S.githubClassic);
    expect(p.context).toContain("## Active file: .env");
    expect(p.text).toBe("fix it");
    expect(total).toBeGreaterThan(0);
  });

  test("base64 image data survives byte for byte (blocks, tool result images, unknown raw)", () => {
    const { session } = redactSession(buildSession());
    const t = session.turns[0].blocks;
    expect((t[4] as { data?: string }).data).toBe(IMAGE_DATA);
    const tool = t[6] as ToolBlock;
    expect(tool.result!.images[0].data).toBe(TRAP_DATA);
    expect((t[9] as { raw: any }).raw.img.data).toBe(TRAP_DATA);
  });

  test("the input session is untouched and the result is a new object", () => {
    const input = buildSession();
    const before = structuredClone(input);
    const { session } = redactSession(input);
    expect(input).toEqual(before);
    expect(session).not.toBe(input);
    expect(session.turns[0]).not.toBe(input.turns[0]);
    expect((session.turns[0].blocks[6] as ToolBlock).input).not.toBe((input.turns[0].blocks[6] as ToolBlock).input);
  });

  test("what holds nothing to hide is shared with the input, not copied", () => {
    const clean: ToolBlock = { kind: "tool", id: "toolu_c", toolUseId: "toolu_c", name: "Read", input: { file_path: "/srv/a.txt" }, result: { text: "hello world, nothing here", isError: false, images: [], meta: { lines: ["one line", "two lines"] } } };
    const input = buildSession();
    input.turns.push({ ...input.turns[0], index: input.turns.length, blocks: [{ kind: "text", id: "t-c", text: "plain prose" }, clean] });
    const before = structuredClone(input);
    const { session } = redactSession(input);
    expect(input).toEqual(before);
    const last = session.turns[session.turns.length - 1];
    expect(last).toBe(input.turns[input.turns.length - 1]);
    expect(last.blocks[1]).toBe(clean);
    expect(session.turns[0]).not.toBe(input.turns[0]);
  });

  test("structure is kept: ids, kinds, timestamps, usage, path, optional fields stay absent", () => {
    const input = buildSession();
    const { session } = redactSession(input);
    expect(session.id).toBe(input.id);
    expect(session.path).toBe(input.path);
    expect(session.usage).toEqual(input.usage);
    expect(session.turns[0].blocks.map((b) => `${b.kind}:${b.id}`)).toEqual(input.turns[0].blocks.map((b) => `${b.kind}:${b.id}`));
    expect("url" in session.turns[0].blocks[4]).toBe(false);
    expect("endedAt" in session).toBe(false);
    expect(Object.keys(session).sort()).toEqual(Object.keys(input).sort());
  });

  test("a clean session reports nothing", () => {
    const clean: Session = { ...subAgent(), title: "hello", turns: [{ index: 0, id: "u", blocks: [{ kind: "prompt", id: "p", text: "fix the tests" }] }] };
    const r = redactSession(clean);
    expect(r.total).toBe(0);
    expect(r.counts).toEqual({});
    expect(r.session).toEqual(clean);
  });

  test("custom patterns (--redact-pattern) are hidden as custom", () => {
    const s = buildSession();
    s.turns[0].blocks.push({ kind: "text", id: "t9", text: "deploying to acme-prod-db-17 and ACME-PROD-DB-3" });
    const { session, counts } = redactSession(s, { extraPatterns: [parseExtraPattern("/acme-prod-db-\\d+/i")] });
    expect(session.turns[0].blocks.at(-1)).toMatchObject({ text: `deploying to ${marker("custom")} and ${marker("custom")}` });
    expect(counts.custom).toBe(2);
  });
});

describe("redactLine (the /download route)", () => {
  const record = (content: unknown) => JSON.stringify({ type: "user", uuid: "u-1", message: { role: "user", content } });

  test("hides secrets and stays valid JSON, keys kept", () => {
    const line = record([{ type: "text", text: `key "${S.githubClassic}"\nand DB_PASSWORD=${S.password}\\n` }]);
    const r = redactLine(line);
    const parsed = JSON.parse(r.line);
    expect(parsed.message.content[0].text).toBe(`key "${marker("github-token")}"\nand DB_PASSWORD=${marker("secret-assignment")}\\n`);
    expect(r.counts).toEqual({ "github-token": 1, "secret-assignment": 1 });
    expect(r.line).not.toContain(S.githubClassic);
    expect(r.line).not.toContain(S.password);
  });

  test("a secret next to JSON escapes does not break the line", () => {
    for (const around of ['"', "\\", "\\\"", "\n", "\u2028", "é", "\t"]) {
      const line = record(`${around}${S.awsAccessKey}${around}password=${S.password} ${around}`);
      const r = redactLine(line);
      expect(() => JSON.parse(r.line)).not.toThrow();
      expect(JSON.parse(r.line).message.content).toBe(`${around}${marker("aws-access-key")}${around}password=${marker("secret-assignment")} ${around}`);
    }
  });

  test("secrets under secret-named keys of the record are hidden (as in text)", () => {
    const line = JSON.stringify({ type: "assistant", toolUseResult: { api_key: S.password, input_tokens: 12, token_type: "bearer" } });
    const r = redactLine(line);
    expect(JSON.parse(r.line).toolUseResult).toEqual({ api_key: marker("secret-assignment"), input_tokens: 12, token_type: "bearer" });
  });

  test("a line with nothing to hide is returned byte for byte", () => {
    const line = '{"type":"user",  "message":{"content":"the token count: 12","usage":{"input_tokens":1.0}}}';
    expect(redactLine(line)).toEqual({ line, counts: {} });
  });

  test("base64 image data in a raw record is kept byte for byte", () => {
    const line = record([
      { type: "image", source: { type: "base64", media_type: "image/png", data: TRAP_DATA } },
      { type: "text", text: S.githubClassic },
    ]);
    const r = redactLine(line);
    const parsed = JSON.parse(r.line);
    expect(parsed.message.content[0].source.data).toBe(TRAP_DATA);
    expect(parsed.message.content[1].text).toBe(marker("github-token"));
    expect(r.counts).toEqual({ "github-token": 1 });
  });

  test("codex data: URLs are kept", () => {
    const url = "data:image/png;base64," + TRAP_DATA;
    const line = JSON.stringify({ type: "response_item", payload: { content: [{ type: "input_image", image_url: url }, { type: "input_text", text: S.githubClassic }] } });
    const parsed = JSON.parse(redactLine(line).line);
    expect(parsed.payload.content[0].image_url).toBe(url);
    expect(parsed.payload.content[1].text).toBe(marker("github-token"));
  });

  test("a malformed line is redacted as text", () => {
    const r = redactLine(`{"type":"user","message":"${S.githubClassic}`);
    expect(r.line).toBe(`{"type":"user","message":"${marker("github-token")}`);
  });

  test("redactJsonl over a whole file keeps line endings and line count", () => {
    const text = [record("hi"), record(S.githubClassic), "", record("bye " + S.jwt)].join("\r\n") + "\r\n";
    const r = redactJsonl(text);
    expect(r.text.split("\r\n").length).toBe(text.split("\r\n").length);
    expect(r.counts).toEqual({ "github-token": 1, jwt: 1 });
    for (const l of r.text.split("\r\n").filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
  });

  test("custom patterns apply to lines too", () => {
    const r = redactLine(record("host acme-prod-db-1"), { extraPatterns: [parseExtraPattern("acme-prod-db-\\d+")] });
    expect(JSON.parse(r.line).message.content).toBe("host " + marker("custom"));
  });
});

describe("parseExtraPattern", () => {
  test("plain source and /source/flags", () => {
    expect(parseExtraPattern("acme_[0-9]+").test("x acme_12")).toBe(true);
    const re = parseExtraPattern("/ACME_[0-9]+/i");
    expect(re.flags).toContain("i");
    expect(redactText("acme_42", [{ kind: "custom", pattern: re }]).text).toBe(marker("custom"));
  });

  test("a named group `secret` hides only that part", () => {
    const r = redactText("user=bob pin=4821", buildRules({ extraPatterns: [parseExtraPattern("pin=(?<secret>\\d+)")] }));
    expect(r.text).toBe("user=bob pin=" + marker("custom"));
  });

  test("invalid patterns are usage errors with a clear message", () => {
    for (const bad of ["(unclosed", "[a-", "*x", "", "a*", "/x/q"]) {
      let err: unknown;
      try {
        parseExtraPattern(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PankoError);
      expect((err as PankoError).code).toBe("usage");
      expect((err as PankoError).message).toContain("--redact-pattern");
    }
  });
});

describe("a text seen twice in one pass", () => {
  // The walk answers a repeat from what it found the first time: it must still be hidden, counted
  // and placed at each place it sits, as whole text and as a value cut into lines.
  function repeated(): Session {
    const text = "deploy with GITHUB_TOKEN=" + S.githubOauth + " and then run the migrations";
    const patch = ["-old line", "+key = " + S.google, " unchanged context line"];
    const tool = (id: string): ToolBlock => ({ kind: "tool", id, toolUseId: id, name: "Bash", input: { command: text }, result: { text, isError: false, images: [], meta: { structuredPatch: [{ lines: patch }] } } });
    return {
      ...buildSession(),
      turns: [
        { index: 0, blocks: [{ kind: "prompt", id: "p1", text }, tool("t1")] } as Session["turns"][number],
        { index: 1, blocks: [{ kind: "prompt", id: "p2", text }, tool("t2")] } as Session["turns"][number],
      ],
    };
  }

  test("is hidden, counted and placed every time", () => {
    const s = repeated();
    const none = redactSession({ ...s, turns: [] });
    const once = redactSession({ ...s, turns: s.turns.slice(0, 1) });
    const twice = redactSession(s);
    const inTurns = (r: typeof once, kind: string) => (r.counts[kind] ?? 0) - (none.counts[kind] ?? 0);
    const flat = JSON.stringify(twice.session.turns);
    expect(flat).not.toContain(S.githubOauth);
    expect(flat).not.toContain(S.google);
    for (const kind of ["github-token", "google-api-key"]) {
      expect(inTurns(once, kind)).toBeGreaterThan(0);
      expect(inTurns(twice, kind)).toBe(2 * inTurns(once, kind));
    }
    const { hits } = collectRedactions(s);
    const turns = hits.filter((h) => h.value === S.githubOauth).map((h) => `${h.turn}.${h.block} ${h.field}`);
    expect(turns.filter((t) => t.startsWith("2."))).toEqual(turns.filter((t) => t.startsWith("1.")).map((t) => "2" + t.slice(1)));
    expect(new Set(turns.map((t) => t.split(" ")[0]))).toEqual(new Set(["1.1", "1.2", "2.1", "2.2"]));
  });
});
