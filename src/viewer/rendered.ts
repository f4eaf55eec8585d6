/**
 * One render of the page, shared by every visitor of the same session state: the render runs on
 * its own (as fast as the renderer yields, whoever reads), its chunks are kept, and each visitor's
 * stream sends them as they come. Eight visitors arriving together cost one render, and a later
 * visitor of an unchanged session costs only the sending.
 */
import { log } from "../log.ts";
import type { Session } from "../sessions/model.ts";

export class RenderedPage {
  readonly session: Session;
  readonly chunks: Uint8Array[] = [];
  #done = false;
  #failed = false;
  #waiting = new Set<() => void>();

  constructor(session: Session, source: ReadableStream<Uint8Array>) {
    this.session = session;
    void this.#drain(source.getReader());
  }

  /** The render broke off (the next visitor renders again). */
  get failed(): boolean {
    return this.#failed;
  }

  async #drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.chunks.push(value);
        this.#notify();
      }
    } catch (e) {
      log.error("viewer: rendering the page failed", e);
      this.#failed = true;
    } finally {
      this.#done = true;
      this.#notify();
    }
  }

  #notify(): void {
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    for (const wake of waiting) wake();
  }

  /** A visitor's copy: every chunk so far at once, then each as it is rendered. */
  stream(): ReadableStream<Uint8Array> {
    let i = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        while (i >= this.chunks.length && !this.#done) await new Promise<void>((resolve) => this.#waiting.add(resolve));
        if (i < this.chunks.length) c.enqueue(this.chunks[i++]!);
        else c.close();
      },
    });
  }
}
