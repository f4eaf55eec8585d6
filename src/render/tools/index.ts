/** Picks the renderer for a tool call by its name (one small file per kind of tool). */
import type { ToolBlock } from "../../sessions/model.ts";
import type { Ctx } from "../context.ts";
import { renderAgent } from "./agent.ts";
import { renderBash } from "./bash.ts";
import { renderEdit } from "./edit.ts";
import { renderGeneric } from "./generic.ts";
import { renderImageGeneration } from "./image-gen.ts";
import { renderMcp } from "./mcp.ts";
import { renderPlan } from "./plan.ts";
import { renderQuestion } from "./question.ts";
import { renderRead } from "./read.ts";
import { renderSearch } from "./search.ts";
import { renderTodo } from "./todo.ts";
import { renderWeb } from "./web.ts";

type Renderer = (block: ToolBlock, ctx: Ctx) => string;

const BY_NAME: Record<string, Renderer> = {
  Bash: renderBash,
  BashOutput: renderGeneric,
  exec_command: renderBash,
  shell: renderBash,
  local_shell: renderBash,
  container_exec: renderBash,
  Read: renderRead,
  read_file: renderRead,
  Edit: renderEdit,
  MultiEdit: renderEdit,
  Write: renderEdit,
  NotebookEdit: renderEdit,
  apply_patch: renderEdit,
  TodoWrite: renderTodo,
  update_plan: renderTodo,
  Grep: renderSearch,
  Glob: renderSearch,
  LS: renderSearch,
  WebSearch: renderWeb,
  WebFetch: renderWeb,
  web_search: renderWeb,
  image_generation: renderImageGeneration,
  Task: renderAgent,
  Agent: renderAgent,
  spawn_agent: renderAgent,
  ExitPlanMode: renderPlan,
  AskUserQuestion: renderQuestion,
};

export function renderTool(block: ToolBlock, ctx: Ctx): string {
  const r = Object.hasOwn(BY_NAME, block.name) ? BY_NAME[block.name] : block.name.startsWith("mcp__") ? renderMcp : block.subAgent ? renderAgent : renderGeneric;
  // A file change the parser turned into diffs is drawn as one, whatever the tool was called.
  if (r === renderGeneric && block.edits?.length) return renderEdit(block, ctx);
  return r(block, ctx);
}
