/**
 * Shell commands: Claude Bash, Codex exec_command / shell / local_shell. The command, then its
 * output. The `$ ` prompt is drawn by CSS, so copying the command copies the command alone.
 */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { esc } from "../escape.ts";
import { highlight } from "../highlight.ts";
import { pre } from "../output.ts";
import { frame, inputOf, isObj, resultHtml, str } from "./frame.ts";

export function commandOf(block: ToolBlock): string {
  if (typeof block.input === "string") return block.input;
  const input = inputOf(block);
  const c = input.command ?? input.cmd;
  if (Array.isArray(c)) {
    // Codex shell: ["bash", "-lc", "script"] -> the script.
    const parts = c.map(String);
    if (parts.length === 3 && /(^|\/)(ba|z)?sh$/.test(parts[0]) && /^-l?c$/.test(parts[1])) return parts[2];
    return parts.map((p) => (/^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`)).join(" ");
  }
  return str(c) ?? "";
}

function exitCode(meta: unknown): number | undefined {
  if (!isObj(meta)) return undefined;
  const m = isObj(meta.metadata) ? meta.metadata : meta;
  const c = m.exit_code ?? m.exitCode;
  return typeof c === "number" ? c : undefined;
}

export function renderBash(block: ToolBlock, ctx: Ctx): string {
  const input = inputOf(block);
  const command = commandOf(block);
  const desc = str(input.description);
  const cwd = str(input.workdir) ?? str(input.cwd);
  const code = exitCode(block.result?.meta);
  const bg = input.run_in_background === true ? `<span class="badge">background</span>` : "";
  const exit = code !== undefined && code !== 0 ? `<span class="badge bad">exit ${code}</span>` : "";
  const cmdHtml = pre(`<span class=pr></span>${highlight(command, "sh")}`, { cls: "cmd", over: 12, head: 8 });
  const cwdHtml = cwd ? `<div class="cwd">in <code>${esc(cwd)}</code></div>` : "";
  return frame(block, {
    kind: "bash",
    label: block.name,
    arg: desc ? esc(desc) : undefined,
    extra: bg + exit,
    body: cwdHtml + cmdHtml + resultHtml(block.result),
  }, ctx);
}
