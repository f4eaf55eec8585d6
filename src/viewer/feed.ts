/**
 * Live updates for the pages of one viewer: server-sent event streams and the polling fallback.
 *
 * Event stream (`events`): `hello` {generation, turns} goes out at once on connect (a page that does
 * not see it within a few seconds is behind a proxy that buffers the stream, e.g. a Cloudflare quick
 * tunnel, and switches to polling). Then, for a page rendered at an older generation, the turns that
 * changed since, and on every change: `turn` {index, html}, then `meta` {turns, title, endedAt,
 * generation} with id `generation:turns` (what a reconnecting EventSource sends back as
 * Last-Event-ID). `reset` {generation} when the file was rewritten: the page reloads. `end` when the
 * viewer stops.
 *
 * Each client has a queue of turn indexes, not of rendered HTML: the stream's pull renders the next
 * slice (at most SLICE_BYTES or SLICE_MS) only when the client has read what it was sent, so an idle
 * or slow client holds at most about one slice in memory, whatever the session's size. Rendered
 * turns are cached per generation, so ten clients cost one render of a changed turn.
 *
 * Polling (`updates?g=G`): the same turns as JSON, sliced the same way (see `poll`).
 */
import type { Session } from "../sessions/model.ts";
import type { LiveSession, Update } from "./live.ts";
import { sseComment, sseEvent, sseRetry } from "./sse.ts";

/** A slice of catch-up stops after this many bytes of turn HTML... */
export const SLICE_BYTES = 256 * 1024;
/** ...or after this long rendering. */
const SLICE_MS = 30;

/** One turn's HTML (never throws: a turn that fails to render comes back as an error section). */
export type TurnHtml = (session: Session, index: number) => string;

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  queue: Set<number>;
  meta: boolean;
  reset: boolean;
  wake?: () => void;
  closed: boolean;
}

export interface PollAnswer {
  /** Send this back as `g` on the next poll. */
  generation: number;
  /** More turns are waiting: poll again at once with `after` (and `at`). */
  more: boolean;
  after?: number;
  at?: number;
  reset?: boolean;
  turns: { index: number; html: string }[];
  meta: MetaData;
}

export interface MetaData {
  turns: number;
  title: string;
  endedAt?: string;
  generation: number;
  /** The session file is gone: the page shows the last state it had. */
  gone: boolean;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LiveFeed {
  #held: LiveSession;
  #turnHtml: TurnHtml;
  #clients = new Set<Client>();
  #unsubscribe: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heartbeatMs: number;
  #cache = new Map<number, string>();
  #cacheFor: Session | undefined;

  constructor(held: LiveSession, turnHtml: TurnHtml, opts: { heartbeatMs?: number } = {}) {
    this.#held = held;
    this.#turnHtml = turnHtml;
    this.#heartbeatMs = opts.heartbeatMs ?? 15000;
  }

  get size(): number {
    return this.#clients.size;
  }

  #html(index: number): string {
    const s = this.#held.session;
    if (this.#cacheFor !== s) {
      this.#cache.clear();
      this.#cacheFor = s;
    }
    let html = this.#cache.get(index);
    if (html === undefined) {
      html = this.#turnHtml(s, index);
      // Only the latest generation's turns are kept, and only a bounded number of them.
      if (this.#cache.size >= 256) this.#cache.clear();
      this.#cache.set(index, html);
    }
    return html;
  }

  meta(): MetaData {
    const s = this.#held.session;
    return { turns: s.turns.length, title: s.title, endedAt: s.endedAt, generation: this.#held.generation, gone: this.#held.gone };
  }

  #metaEvent(): Uint8Array {
    const m = this.meta();
    return sseEvent("meta", m, `${m.generation}:${m.turns}`);
  }

  /**
   * A new event stream for a page that stands at generation `g` (undefined: a page that needs no
   * catch-up, e.g. one that only wants what comes next).
   */
  open(g: number | undefined, signal?: AbortSignal): ReadableStream<Uint8Array> {
    const client: Client = { controller: undefined!, queue: new Set(), meta: false, reset: false, closed: false };
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          client.controller = c;
          c.enqueue(sseRetry(2000));
          c.enqueue(sseEvent("hello", { generation: this.#held.generation, turns: this.#held.session.turns.length, gone: this.#held.gone }));
          this.#add(client);
          if (g !== undefined) this.#enqueueChanges(client, this.#held.changesSince(g));
          void this.#held.refresh(); // pick up anything written since the page was rendered
        },
        pull: async () => {
          await yieldToLoop();
          while (!client.closed && !client.reset && client.queue.size === 0 && !client.meta) {
            await new Promise<void>((resolve) => (client.wake = resolve));
          }
          client.wake = undefined;
          if (client.closed) return;
          this.#sendSlice(client);
        },
        cancel: () => this.#drop(client, false),
      },
      { highWaterMark: SLICE_BYTES, size: (chunk) => chunk?.byteLength ?? 0 },
    );
    signal?.addEventListener("abort", () => this.#drop(client, true), { once: true });
    return stream;
  }

  #enqueueChanges(client: Client, changes: number[] | "reset"): void {
    if (changes === "reset") {
      client.reset = true;
      client.queue.clear();
    } else if (changes.length) {
      for (const i of changes) client.queue.add(i);
      client.meta = true;
    }
    client.wake?.();
  }

  #sendSlice(client: Client): void {
    const c = client.controller;
    try {
      if (client.reset) {
        client.reset = false;
        client.meta = false;
        c.enqueue(sseEvent("reset", { generation: this.#held.generation }));
        return;
      }
      const started = performance.now();
      let bytes = 0;
      const order = [...client.queue].sort((a, b) => a - b);
      const n = this.#held.session.turns.length;
      for (const i of order) {
        client.queue.delete(i);
        if (i >= n) continue;
        const chunk = sseEvent("turn", { index: i, html: this.#html(i) });
        c.enqueue(chunk);
        bytes += chunk.byteLength;
        if (bytes >= SLICE_BYTES || performance.now() - started > SLICE_MS) return;
      }
      if (client.meta && client.queue.size === 0) {
        client.meta = false;
        c.enqueue(this.#metaEvent());
      }
    } catch {
      this.#drop(client, true);
    }
  }

  #onUpdate = (u: Update) => {
    for (const client of this.#clients) this.#enqueueChanges(client, u.reset ? "reset" : u.changed);
    // A change of title or length alone still tells the pages.
    if (!u.reset && u.changed.length === 0) for (const client of this.#clients) {
      client.meta = true;
      client.wake?.();
    }
  };

  #add(client: Client): void {
    this.#clients.add(client);
    this.#unsubscribe ??= this.#held.subscribe(this.#onUpdate);
    this.#heartbeat ??= setInterval(() => {
      const ping = sseComment("keep-alive");
      for (const c of [...this.#clients]) {
        try {
          c.controller.enqueue(ping);
        } catch {
          this.#drop(c, true);
        }
      }
    }, this.#heartbeatMs);
  }

  #drop(client: Client, close: boolean): void {
    if (client.closed) return;
    client.closed = true;
    client.wake?.();
    this.#clients.delete(client);
    if (close) {
      try {
        client.controller.close();
      } catch {
        // already closed or errored
      }
    }
    if (this.#clients.size === 0) {
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      if (this.#heartbeat) clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
    }
  }

  /**
   * The polling fallback: what changed since generation `g`, at most SLICE_BYTES of it. A partial
   * answer says `more` with `after` (the last index sent) and `at` (the generation when the first
   * slice was cut): the next poll sends all three and the final answer's generation is `at`, so a
   * change made while the slices were fetched is picked up by the next poll, never lost.
   */
  async poll(g: number, after = -1, at?: number): Promise<PollAnswer> {
    await this.#held.refresh();
    const generation = this.#held.generation;
    const changes = this.#held.changesSince(g);
    if (changes === "reset") return { generation, more: false, reset: true, turns: [], meta: this.meta() };
    const turns: { index: number; html: string }[] = [];
    let bytes = 0;
    const started = performance.now();
    for (const i of changes) {
      if (i <= after) continue;
      const html = this.#html(i);
      turns.push({ index: i, html });
      bytes += html.length;
      if (bytes >= SLICE_BYTES || performance.now() - started > SLICE_MS) {
        const more = changes.at(-1)! > i;
        if (more) return { generation: g, more, after: i, at: at ?? generation, turns, meta: this.meta() };
        break;
      }
    }
    return { generation: at ?? generation, more: false, turns, meta: this.meta() };
  }

  /** Ends every stream, telling the pages the viewer stopped. */
  close(): void {
    const end = sseEvent("end", { reason: "stopped" });
    for (const c of [...this.#clients]) {
      try {
        c.controller.enqueue(end);
      } catch {
        // gone already
      }
      this.#drop(c, true);
    }
  }
}
