/**
 * `panko` with no arguments. With a terminal on stdin and stdout (and no CI) it runs the
 * interactive flow; otherwise it never prompts: one line naming the non-interactive commands,
 * exit code 2.
 */
import type { Io } from "../cli/io.ts";
import { runFlow } from "./flow.ts";
import { NOT_INTERACTIVE, canPrompt, terminalPromptIo } from "./io.ts";
import { processInterrupts } from "./interrupts.ts";
import { realDeps } from "./real-deps.ts";

export async function runInteractive(io: Io): Promise<number> {
  if (!canPrompt(io)) {
    io.err(NOT_INTERACTIVE);
    return 2;
  }
  const interrupts = processInterrupts();
  try {
    return await runFlow(realDeps(interrupts, io.env, io.cwd), terminalPromptIo());
  } finally {
    interrupts.dispose();
  }
}
