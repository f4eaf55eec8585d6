/**
 * The daemon's socket: Bun.listen on a Unix socket, one JSON request per line, answered in order
 * per connection. Hostile input costs little: an invalid line is answered with Error and the
 * connection goes on; a line over MAX_LINE_BYTES closes that connection; a silent or vanished
 * client holds nothing but its buffer. Writes respect backpressure (what the kernel does not take
 * waits for `drain`).
 */
import type { Socket, UnixSocketListener } from "bun";
import { chmodSync } from "node:fs";
import { PankoError } from "../errors.ts";
import { MAX_LINE_BYTES, Request, Response, describeZodError, type ErrorData } from "./protocol.ts";

/** Answers a client has not read yet beyond this close its connection (it asks and never reads). */
export const MAX_UNREAD_BYTES = 16 * 1024 * 1024;

export type Handler = (req: Request) => Promise<Response> | Response;

interface Conn {
  /** Bytes of an unfinished line. */
  pending: Buffer[];
  pendingBytes: number;
  /** Answers not yet taken by the kernel. */
  out: Buffer[];
  outBytes: number;
  /** Requests run one after another per connection. */
  queue: Promise<void>;
  closed: boolean;
}

export interface IpcServer {
  /** Connections open now. */
  connections(): number;
  stop(): void;
}

export function errorResponse(e: unknown, id?: string | number): Response {
  const data: ErrorData =
    e instanceof PankoError
      ? { message: e.message, code: e.code, ...(e.details.length ? { details: e.details } : {}) }
      : { message: e instanceof Error ? e.message : String(e), code: "internal" };
  return { ...(id === undefined ? {} : { id }), status: "Error", data };
}

/** Parses and checks one line; the error answer when it is not a valid request. */
export function parseRequest(line: string): { req: Request } | { error: Response } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { error: errorResponse(new PankoError("usage", "invalid JSON")) };
  }
  const id = typeof json === "object" && json !== null && "id" in json ? (json as { id: unknown }).id : undefined;
  const echo = typeof id === "string" || typeof id === "number" ? id : undefined;
  if (typeof json === "object" && json !== null && "method" in json) {
    const method = (json as { method: unknown }).method;
    if (typeof method === "string" && !["Ping", "StartShare", "StopShare", "ListShares", "Shutdown"].includes(method)) {
      return { error: errorResponse(new PankoError("usage", `unknown method ${JSON.stringify(method.slice(0, 100))}`), echo) };
    }
  }
  const parsed = Request.safeParse(json);
  if (!parsed.success) return { error: errorResponse(new PankoError("usage", `invalid request: ${describeZodError(parsed.error)}`), echo) };
  return { req: parsed.data };
}

export function listenIpc(path: string, handler: Handler, onError: (message: string, e?: unknown) => void): IpcServer {
  const conns = new Set<Socket<Conn>>();

  const flush = (s: Socket<Conn>) => {
    const c = s.data;
    while (c.out.length > 0) {
      const chunk = c.out[0]!;
      const n = s.write(chunk);
      if (n < 0) return; // closed
      c.outBytes -= Math.max(0, n);
      if (n < chunk.length) {
        c.out[0] = chunk.subarray(n);
        return; // wait for drain
      }
      c.out.shift();
    }
  };

  const send = (s: Socket<Conn>, res: Response) => {
    if (s.data.closed) return;
    let checked = res;
    const ok = Response.safeParse(res);
    if (!ok.success) {
      onError(`daemon: refusing to send an invalid answer (${describeZodError(ok.error)})`);
      checked = errorResponse(new PankoError("internal", "the daemon built an invalid answer"), res.id);
    }
    const bytes = Buffer.from(JSON.stringify(checked) + "\n");
    s.data.out.push(bytes);
    s.data.outBytes += bytes.length;
    flush(s);
    if (s.data.outBytes > MAX_UNREAD_BYTES) {
      onError(`daemon: a client left ${s.data.outBytes} bytes of answers unread; closing its connection`);
      s.data.closed = true;
      s.data.out = [];
      s.data.outBytes = 0;
      s.end();
    }
  };

  const handleLine = (s: Socket<Conn>, line: string) => {
    if (line.trim() === "") return;
    const parsed = parseRequest(line);
    s.data.queue = s.data.queue.then(async () => {
      if (s.data.closed) return;
      if ("error" in parsed) return send(s, parsed.error);
      const { req } = parsed;
      let res: Response;
      try {
        res = await handler(req);
      } catch (e) {
        if (!(e instanceof PankoError)) onError(`daemon: ${req.method} failed`, e);
        res = errorResponse(e);
      }
      if (req.id !== undefined) res = { ...res, id: req.id };
      send(s, res);
    });
  };

  const listener: UnixSocketListener<Conn> = Bun.listen<Conn>({
    unix: path,
    socket: {
      open(s) {
        s.data = { pending: [], pendingBytes: 0, out: [], outBytes: 0, queue: Promise.resolve(), closed: false };
        conns.add(s);
      },
      data(s, chunk) {
        const c = s.data;
        let start = 0;
        for (;;) {
          const nl = chunk.indexOf(10, start);
          if (nl === -1) break;
          const piece = chunk.subarray(start, nl);
          if (c.pendingBytes + piece.length > MAX_LINE_BYTES) return tooLong(s);
          const line = c.pending.length ? Buffer.concat([...c.pending, piece]).toString("utf8") : piece.toString("utf8");
          c.pending = [];
          c.pendingBytes = 0;
          handleLine(s, line);
          start = nl + 1;
        }
        if (start < chunk.length) {
          const rest = chunk.subarray(start);
          if (c.pendingBytes + rest.length > MAX_LINE_BYTES) return tooLong(s);
          c.pending.push(Buffer.from(rest)); // the chunk's memory is reused by Bun
          c.pendingBytes += rest.length;
        }
      },
      drain(s) {
        flush(s);
      },
      close(s) {
        s.data.closed = true;
        s.data.pending = [];
        s.data.out = [];
        conns.delete(s);
      },
      error(s, e) {
        onError("daemon: socket error", e);
        s.data.closed = true;
        conns.delete(s);
      },
    },
  });
  chmodSync(path, 0o600);

  function tooLong(s: Socket<Conn>) {
    const res = errorResponse(new PankoError("usage", `request line longer than ${MAX_LINE_BYTES} bytes; closing the connection`));
    s.data.pending = [];
    s.data.pendingBytes = 0;
    s.data.closed = true;
    s.write(JSON.stringify(res) + "\n");
    s.end();
  }

  return {
    connections: () => conns.size,
    stop() {
      for (const s of conns) s.end();
      listener.stop(true);
    },
  };
}
