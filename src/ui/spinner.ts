/**
 * A spinner with the elapsed time, drawn like clack's, that listens to the flow's own input:
 * Escape or Ctrl+C abandons the work (its signal aborts) and the flow goes back a step. (clack's
 * spinner reads process.stdin itself and exits the process on Ctrl+C, which would end the flow.)
 */
import { emitKeypressEvents } from "node:readline";
import { styleText } from "node:util";
import { S_BAR, S_STEP_CANCEL, S_STEP_ERROR, S_STEP_SUBMIT, unicode } from "@clack/prompts";
import type { PromptIo } from "./io.ts";

export type SpinOutcome<T> = { ok: true; value: T; ms: number } | { ok: false; cancelled: true } | { ok: false; cancelled: false; error: unknown };

const FRAMES = unicode ? ["◒", "◐", "◓", "◑"] : ["•", "o", "O", "0"];

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s >= 60 ? `[${Math.floor(s / 60)}m ${s % 60}s]` : `[${s}s]`;
}

type KeyInput = PromptIo["input"] & { isTTY?: boolean; setRawMode?(mode: boolean): void };

export async function runSpinner<T>(io: PromptIo, message: string, work: (signal: AbortSignal) => Promise<T>): Promise<SpinOutcome<T>> {
  const out = io.output;
  const input = io.input as KeyInput;
  const controller = new AbortController();
  const started = performance.now();
  let frame = 0;
  const draw = () => {
    out.write(`\r\x1b[2K${styleText("magenta", FRAMES[frame++ % FRAMES.length])}  ${message} ${styleText("dim", elapsed(performance.now() - started))}`);
  };
  let cancel!: () => void;
  const cancelled = new Promise<"cancelled">((resolve) => (cancel = () => resolve("cancelled")));
  const onKey = (_: string | undefined, key: { name?: string; ctrl?: boolean; sequence?: string } | undefined) => {
    if (key?.name === "escape" || (key?.ctrl && key.name === "c") || key?.sequence === "\x03") cancel();
  };

  out.write(`${styleText("gray", S_BAR)}\n\x1b[?25l`);
  emitKeypressEvents(input);
  if (input.isTTY) input.setRawMode?.(true);
  input.on("keypress", onKey);
  input.resume();
  draw();
  const timer = setInterval(draw, 100);
  const finish = (symbol: string, text: string) => {
    clearInterval(timer);
    input.off("keypress", onKey);
    if (input.isTTY) input.setRawMode?.(false);
    input.pause();
    out.write(`\r\x1b[2K${symbol}  ${text} ${styleText("dim", elapsed(performance.now() - started))}\n\x1b[?25h`);
  };

  const running = work(controller.signal).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const first = await Promise.race([running, cancelled]);
  if (first === "cancelled") {
    controller.abort();
    finish(styleText("red", S_STEP_CANCEL), `${message} (cancelled)`);
    return { ok: false, cancelled: true };
  }
  if (first.ok) {
    finish(styleText("green", S_STEP_SUBMIT), message);
    return { ok: true, value: first.value, ms: performance.now() - started };
  }
  finish(styleText("red", S_STEP_ERROR), `${message} (failed)`);
  return { ok: false, cancelled: false, error: first.error };
}
