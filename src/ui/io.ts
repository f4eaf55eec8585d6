/**
 * Where the interactive flow reads keys and draws: the terminal, or streams a test injects
 * (clack's prompts take `input` / `output`). Also the rule that decides whether panko may prompt.
 */
import type { Readable, Writable } from "node:stream";

export interface PromptIo {
  input: Readable;
  output: Writable;
}

export function terminalPromptIo(): PromptIo {
  return { input: process.stdin, output: process.stdout };
}

/** Columns of the output (80 when it does not say). */
export function columnsOf(output: Writable): number {
  const c = (output as { columns?: number }).columns;
  return typeof c === "number" && c > 0 ? c : 80;
}

/** CI is set when it has any value but an empty one, "0" or "false". */
export function inCI(env: Record<string, string | undefined>): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** May panko prompt? Only with a terminal on both stdin and stdout, outside CI. */
export function canPrompt(t: { isTTY: boolean; stdinIsTTY: boolean; env: Record<string, string | undefined> }): boolean {
  return t.isTTY && t.stdinIsTTY && !inCI(t.env);
}

/** What `panko` alone says when it may not prompt. */
export const NOT_INTERACTIVE =
  "panko: no terminal to prompt in; use `panko list`, `panko share SESSION` or `panko --help` to see every command\n";
