/**
 * The flow's prompts: @clack/prompts bound to one PromptIo, with a cancelled prompt (Escape or
 * Ctrl+C) returned as `null` so every step can say "go back" in one comparison.
 */
import * as clack from "@clack/prompts";
import { columnsOf, type PromptIo } from "./io.ts";
import { runSpinner, type SpinOutcome } from "./spinner.ts";

export interface Choice<V> {
  value: V;
  label: string;
  hint?: string;
  disabled?: boolean;
}

const plain = (l: string) => l;

export class Ui {
  constructor(readonly io: PromptIo) {}

  private get streams() {
    return { input: this.io.input, output: this.io.output };
  }

  /** Columns of the terminal. */
  get columns(): number {
    return columnsOf(this.io.output);
  }

  /**
   * Columns an option label of `select` may take without wrapping: clack wraps an option at the
   * terminal's width less the bar before it, measured with its colour codes (13 characters), and
   * the radio symbol takes 2 more.
   */
  get optionColumns(): number {
    return Math.max(20, this.columns - 16);
  }

  /** Rows of the terminal (24 when it does not say). */
  get rows(): number {
    const r = (this.io.output as { rows?: number }).rows;
    return typeof r === "number" && r > 0 ? r : 24;
  }

  intro(title: string): void {
    clack.intro(title, this.streams);
  }

  outro(message: string): void {
    clack.outro(message, this.streams);
  }

  /** A boxed note; lines are kept as given (QR codes must not be dimmed). */
  note(message: string, title = ""): void {
    clack.note(message, title, { ...this.streams, format: plain });
  }

  info(message: string): void {
    clack.log.info(message, this.streams);
  }

  success(message: string): void {
    clack.log.success(message, this.streams);
  }

  warn(message: string): void {
    clack.log.warn(message, this.streams);
  }

  error(message: string): void {
    clack.log.error(message, this.streams);
  }

  async select<V>(message: string, options: Choice<V>[], initialValue?: V): Promise<V | null> {
    const v = await clack.select<V>({ ...this.streams, message, options: options as clack.Option<V>[], initialValue, maxItems: this.maxItems() });
    return clack.isCancel(v) ? null : (v as V);
  }

  async autocomplete<V>(opts: {
    message: string;
    options: Choice<V>[];
    filter: (search: string, option: Choice<V>) => boolean;
    initialValue?: V;
    placeholder?: string;
  }): Promise<V | null> {
    const v = await clack.autocomplete<V>({
      ...this.streams,
      message: opts.message,
      options: opts.options as clack.Option<V>[],
      filter: opts.filter as (search: string, option: clack.Option<V>) => boolean,
      initialValue: opts.initialValue,
      placeholder: opts.placeholder,
      maxItems: this.maxItems(),
    });
    return clack.isCancel(v) ? null : (v as V);
  }

  async confirm(message: string, initialValue = false): Promise<boolean | null> {
    const v = await clack.confirm({ ...this.streams, message, initialValue });
    return clack.isCancel(v) ? null : v;
  }

  async text(opts: { message: string; initialValue?: string; placeholder?: string; validate?: (v: string) => string | undefined }): Promise<string | null> {
    const v = await clack.text({
      ...this.streams,
      message: opts.message,
      initialValue: opts.initialValue,
      placeholder: opts.placeholder,
      validate: opts.validate ? (value) => opts.validate!(value ?? "") : undefined,
    });
    return clack.isCancel(v) ? null : v;
  }

  async password(message: string): Promise<string | null> {
    const v = await clack.password({ ...this.streams, message });
    return clack.isCancel(v) ? null : v;
  }

  /** Runs `work` under a spinner with the elapsed time; Escape or Ctrl+C abandons it. */
  spin<T>(message: string, work: (signal: AbortSignal) => Promise<T>): Promise<SpinOutcome<T>> {
    return runSpinner(this.io, message, work);
  }

  /** Options shown at once: what fits the terminal with the prompt's own lines. */
  private maxItems(): number {
    return Math.max(5, Math.min(15, this.rows - 8));
  }
}
