/**
 * Drives the interactive flow through clack's injectable streams: a fake keyboard (a PassThrough
 * read by readline's keypress decoder, as a terminal is) and a screen that records what is drawn.
 * `waitFor` waits (event-driven, generous timeout) until text appears after what was already seen.
 */
import { PassThrough, Writable } from "node:stream";
import type { PromptIo } from "../../src/ui/io.ts";

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[=>]/g;

export class FakeTerminal {
  readonly input = new PassThrough();
  private chunks: string[] = [];
  private text = "";
  private seen = 0;
  private waiters: (() => void)[] = [];
  readonly output: Writable;

  constructor(columns = 110, rows = 40) {
    const self = this;
    this.output = new Writable({
      write(chunk, _enc, done) {
        const s = String(chunk);
        self.chunks.push(s);
        self.text += s.replace(ANSI, "");
        for (const w of self.waiters.splice(0)) w();
        done();
      },
    });
    Object.assign(this.output, { columns, rows });
  }

  get io(): PromptIo {
    return { input: this.input, output: this.output };
  }

  /** Everything drawn so far, without escape sequences. */
  screen(): string {
    return this.text;
  }

  /** Everything written, escape sequences included. */
  raw(): string {
    return this.chunks.join("");
  }

  /** Waits until `what` appears after the text already matched; returns the text up to its end. */
  async waitFor(what: string | RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.seen);
      const m = typeof what === "string" ? (rest.includes(what) ? { index: rest.indexOf(what), length: what.length } : null) : (() => {
        const r = what.exec(rest);
        return r ? { index: r.index, length: r[0].length } : null;
      })();
      if (m) {
        const upTo = rest.slice(0, m.index + m.length);
        this.seen += m.index + m.length;
        return upTo;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${String(what)}; screen ends with:\n${this.text.slice(-1500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  type(text: string): void {
    this.input.write(text);
  }

  enter(): void {
    this.input.write("\r");
  }

  down(n = 1): void {
    for (let i = 0; i < n; i++) this.input.write("\x1b[B");
  }

  /** Escape: a lone ESC byte, which readline reports as `escape` once its escape timeout passes. */
  escape(): void {
    this.input.write("\x1b");
  }

  ctrlC(): void {
    this.input.write("\x03");
  }
}
