/**
 * Generates the list benchmark tree: 3,000 sessions shaped like real archives, deterministic.
 *
 *   bun scripts/bench/gen-tree.ts <dir> [--count 3000] [--giant 3]
 *
 * Writes <dir>/home/.claude/projects/<project>/<uuid>.jsonl (Claude Code, ~80%, with a few
 * `<uuid>/subagents/agent-*.jsonl` and old flat `agent-*.jsonl` files that must not be listed) and
 * <dir>/home/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl (Codex, ~20%).
 *
 * Sizes follow the distribution of real archives: median 105 KB, p90 650 KB, p99 5.4 MB (log-linear
 * between those quantiles, up to 40 MB), plus `--giant` files near 90 MB. Records come from a small
 * set of templates of the real formats: prompts, assistant messages streamed over several lines that
 * share `message.id` (thinking, text, tool_use), tool results of varied size, progress lines,
 * file-history snapshots, occasional base64 images (giant lines) and summary records.
 */
import { closeSync, mkdirSync, openSync, utimesSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const KB = 1024;
const MB = 1024 * KB;

/** Deterministic PRNG (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUANTILES: [number, number][] = [
  [0, 3 * KB],
  [0.5, 105 * KB],
  [0.9, 650 * KB],
  [0.99, 5.4 * MB],
  [1, 40 * MB],
];

/** Size at quantile u, log-linear between the points above. */
export function sizeAt(u: number): number {
  for (let i = 1; i < QUANTILES.length; i++) {
    const [u1, s1] = QUANTILES[i];
    const [u0, s0] = QUANTILES[i - 1];
    if (u <= u1) {
      const f = (u - u0) / (u1 - u0);
      return Math.round(Math.exp(Math.log(s0) + f * (Math.log(s1) - Math.log(s0))));
    }
  }
  return QUANTILES[QUANTILES.length - 1][1];
}

function uuid(r: () => number): string {
  const h = () => Math.floor(r() * 16).toString(16);
  const part = (n: number) => Array.from({ length: n }, h).join("");
  return `${part(8)}-${part(4)}-4${part(3)}-a${part(3)}-${part(12)}`;
}

const WORDS = "the a session file build test parse render tunnel share index cache query prompt model tool result edit write read bash grep glob fix bug add refactor type error async await function const return import export module".split(" ");
function words(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(" ");
}
function filler(r: () => number, bytes: number): string {
  let s = "";
  while (s.length < bytes) s += words(r, 12) + "\\n";
  return s.slice(0, bytes);
}
const B64 = "iVBORw0KGgoAAAANSUhEUgAAB4AAAAQ4CAIAAABnsVYUAAAACXBIWXMAAA7EAAAOxAGVKw4bAAAgAElEQVR4nOzdd3wUVdfA8ZmdmZ";
function base64(bytes: number): string {
  return B64.repeat(Math.ceil(bytes / B64.length)).slice(0, bytes);
}

const TOOLS = ["Bash", "Read", "Edit", "Write", "Grep", "Glob", "TodoWrite", "WebFetch", "Task"];
const MODELS = ["claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"];

class Writer {
  private fd: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  written = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  line(s: string) {
    this.pending.push(s, "\n");
    this.pendingBytes += s.length + 1;
    this.written += s.length + 1; // templates are ASCII
    if (this.pendingBytes > 4 * MB) this.flush();
  }
  flush() {
    if (this.pending.length) writeSync(this.fd, this.pending.join(""));
    this.pending = [];
    this.pendingBytes = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

function claudeSession(path: string, target: number, r: () => number, sessionId: string, project: string, t0: number) {
  const w = new Writer(path);
  let t = t0;
  const ts = () => new Date((t += Math.floor(r() * 20_000) + 500)).toISOString();
  const base = () =>
    `"isSidechain":false,"userType":"external","cwd":${JSON.stringify(project)},"sessionId":"${sessionId}","version":"2.1.15","gitBranch":"main"`;
  let parent: string | null = null;
  const uid = () => uuid(r);
  w.line(`{"type":"file-history-snapshot","messageId":"${uid()}","snapshot":{"messageId":"${uid()}","trackedFileBackups":{},"timestamp":"${new Date(t).toISOString()}"},"isSnapshotUpdate":false}`);
  let turn = 0;
  const model = MODELS[Math.floor(r() * MODELS.length)];
  const images = target > 2 * MB;
  while (w.written < target) {
    let u = uid();
    const prompt = turn === 0 ? `Please ${words(r, 8)}` : words(r, 5 + Math.floor(r() * 30));
    w.line(`{"parentUuid":${JSON.stringify(parent)},${base()},"type":"user","message":{"role":"user","content":${JSON.stringify(prompt)}},"uuid":"${u}","timestamp":"${ts()}"}`);
    parent = u;
    if (r() < 0.1) {
      u = uid();
      w.line(`{"parentUuid":"${parent}",${base()},"type":"user","message":{"role":"user","content":"<command-name>/clear</command-name>\\n<command-message>clear</command-message>\\n<command-args></command-args>"},"isMeta":false,"uuid":"${u}","timestamp":"${ts()}"}`);
      parent = u;
    }
    const steps = 1 + Math.floor(r() * 6);
    for (let s = 0; s < steps && w.written < target; s++) {
      const msgId = `msg_01${uid().replace(/-/g, "").slice(0, 22)}`;
      const head = (content: string) =>
        `{"parentUuid":"${parent}",${base()},"message":{"model":"${model}","id":"${msgId}","type":"message","role":"assistant","content":[${content}],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":${Math.floor(r() * 5000)},"cache_read_input_tokens":${Math.floor(r() * 50000)},"output_tokens":${Math.floor(r() * 900)},"service_tier":"standard"}},"requestId":"req_011${uid().slice(0, 20)}","type":"assistant","uuid":"${(u = uid())}","timestamp":"${ts()}"}`;
      if (r() < 0.6) {
        w.line(head(`{"type":"thinking","thinking":"${filler(r, 200 + Math.floor(r() * 1500))}","signature":"${base64(300)}"}`));
        parent = u;
      }
      w.line(head(`{"type":"text","text":"${filler(r, 80 + Math.floor(r() * 600))}"}`));
      parent = u;
      const tool = TOOLS[Math.floor(r() * TOOLS.length)];
      const toolId = `toolu_01${uid().replace(/-/g, "").slice(0, 22)}`;
      const input = tool === "Write" ? `{"file_path":"/src/x.ts","content":"${filler(r, 500 + Math.floor(r() * 6000))}"}` : `{"command":"${words(r, 6)}","description":"${words(r, 4)}"}`;
      w.line(head(`{"type":"tool_use","id":"${toolId}","name":"${tool}","input":${input}}`));
      parent = u;
      if (r() < 0.3) {
        w.line(`{"parentUuid":"${parent}",${base()},"type":"progress","data":{"type":"hook_progress","hookEvent":"PreToolUse","hookName":"PreToolUse:${tool}","command":"callback"},"toolUseID":"${toolId}","parentToolUseID":"${toolId}","uuid":"${uid()}","timestamp":"${ts()}"}`);
      }
      const room = Math.max(0, target - w.written - 1500);
      const imageBytes = 300 * KB + Math.floor(r() * 1.5 * MB);
      const big = images && r() < 0.012 && imageBytes < room;
      const outBytes = big ? 0 : Math.min(room, Math.floor(Math.exp(r() * Math.log(60 * KB))));
      const content = big
        ? `[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"${base64(imageBytes)}"}}]`
        : `"${filler(r, outBytes)}"`;
      w.line(`{"parentUuid":"${parent}",${base()},"type":"user","message":{"role":"user","content":[{"tool_use_id":"${toolId}","type":"tool_result","content":${content},"is_error":false}]},"uuid":"${(u = uid())}","timestamp":"${ts()}","toolUseResult":{"stdout":"${filler(r, Math.min(outBytes, 2000))}","stderr":"","interrupted":false}}`);
      parent = u;
    }
    turn++;
    if (turn % 40 === 0) w.line(`{"type":"summary","summary":"${words(r, 5)}","leafUuid":"${parent}"}`);
  }
  w.close();
}

function codexSession(path: string, target: number, r: () => number, id: string, project: string, t0: number) {
  const w = new Writer(path);
  let t = t0;
  const ts = () => new Date((t += Math.floor(r() * 20_000) + 500)).toISOString();
  w.line(`{"timestamp":"${ts()}","type":"session_meta","payload":{"id":"${id}","timestamp":"${new Date(t).toISOString()}","cwd":${JSON.stringify(project)},"originator":"codex_cli_rs","cli_version":"0.63.0","instructions":null,"source":"cli","model_provider":"openai","git":{"commit_hash":"${uuid(r).replace(/-/g, "")}","branch":"main"}}}`);
  w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<environment_context>\\n  <cwd>${project}</cwd>\\n</environment_context>"}]}}`);
  while (w.written < target) {
    w.line(`{"timestamp":"${ts()}","type":"turn_context","payload":{"cwd":${JSON.stringify(project)},"approval_policy":"on-request","sandbox_policy":{"type":"workspace-write"},"model":"gpt-5-codex","effort":"medium","summary":"auto"}}`);
    const prompt = words(r, 5 + Math.floor(r() * 25));
    w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"${prompt}"}]}}`);
    w.line(`{"timestamp":"${ts()}","type":"event_msg","payload":{"type":"user_message","message":"${prompt}","images":[]}}`);
    const steps = 1 + Math.floor(r() * 6);
    for (let s = 0; s < steps && w.written < target; s++) {
      w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"reasoning","summary":[{"type":"summary_text","text":"${words(r, 12)}"}],"content":null,"encrypted_content":"${base64(800 + Math.floor(r() * 3000))}"}}`);
      const callId = `call_${uuid(r).replace(/-/g, "").slice(0, 24)}`;
      w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\\"command\\":[\\"bash\\",\\"-lc\\",\\"${words(r, 4)}\\"]}","call_id":"${callId}"}}`);
      const room = Math.max(0, target - w.written - 1500);
      w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"function_call_output","call_id":"${callId}","output":"{\\"output\\":\\"${filler(r, Math.min(room, Math.floor(Math.exp(r() * Math.log(40 * KB)))))}\\",\\"metadata\\":{\\"exit_code\\":0}}"}}`);
    }
    const answer = filler(r, 100 + Math.floor(r() * 800));
    w.line(`{"timestamp":"${ts()}","type":"event_msg","payload":{"type":"agent_message","message":"${answer}"}}`);
    w.line(`{"timestamp":"${ts()}","type":"response_item","payload":{"type":"message","role":"assistant","content":[{"type":"output_text","text":"${answer}"}]}}`);
  }
  w.close();
}

export function generateTree(dir: string, count = 3000, giant = 3): { files: number; bytes: number } {
  const r = rng(42);
  const homeDir = join(dir, "home");
  const claudeRoot = join(homeDir, ".claude", "projects");
  const codexRoot = join(homeDir, ".codex", "sessions");
  const regular = count - giant;
  const sizes: number[] = [];
  // Quantiles over the whole count, so the giant files are the top of the distribution.
  for (let i = 0; i < regular; i++) sizes.push(sizeAt((i + 0.5) / count));
  for (let i = 0; i < giant; i++) sizes.push(88 * MB + i * MB);
  // Deterministic shuffle so sizes are spread over projects and sources.
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [sizes[i], sizes[j]] = [sizes[j], sizes[i]];
  }
  const projects = Array.from({ length: 40 }, (_, i) => `/home/dev/src/project-${i}`);
  let bytes = 0;
  const t0 = Date.parse("2025-06-01T00:00:00Z");
  sizes.forEach((size, i) => {
    const project = projects[i % projects.length];
    const start = t0 + i * 3_600_000;
    const id = uuid(r);
    let path: string;
    if (i % 5 === 4) {
      const d = new Date(start);
      const folder = join(codexRoot, String(d.getUTCFullYear()), String(d.getUTCMonth() + 1).padStart(2, "0"), String(d.getUTCDate()).padStart(2, "0"));
      mkdirSync(folder, { recursive: true });
      path = join(folder, `rollout-${d.toISOString().slice(0, 19).replace(/:/g, "-")}-${id}.jsonl`);
      codexSession(path, size, r, id, project, start);
    } else {
      const folder = join(claudeRoot, project.replace(/[^a-zA-Z0-9]/g, "-"));
      mkdirSync(folder, { recursive: true });
      path = join(folder, `${id}.jsonl`);
      claudeSession(path, size, r, id, project, start);
      if (i % 50 === 0) {
        const sub = join(folder, id, "subagents");
        mkdirSync(sub, { recursive: true });
        claudeSession(join(sub, "agent-a1b2c3d.jsonl"), 20 * KB, r, id, project, start);
        claudeSession(join(folder, `agent-${id.slice(0, 8)}.jsonl`), 10 * KB, r, id, project, start);
      }
    }
    const when = new Date(start + 3_600_000);
    utimesSync(path, when, when);
    bytes += size;
  });
  return { files: sizes.length, bytes };
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    options: { count: { type: "string", default: "3000" }, giant: { type: "string", default: "3" } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  if (!dir) {
    console.error("usage: bun scripts/bench/gen-tree.ts <dir> [--count 3000] [--giant 3]");
    process.exit(2);
  }
  const started = performance.now();
  const { files, bytes } = generateTree(dir, Number(values.count), Number(values.giant));
  console.log(`generated ${files} sessions, ${(bytes / MB).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s under ${dir}`);
}
