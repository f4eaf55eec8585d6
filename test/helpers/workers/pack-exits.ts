/** A pack worker that answers one group, then exits without a word (render/pack.ts must not wait forever). */
import { gzipBase64 } from "../../../src/render/pack.ts";

let n = 0;
self.onmessage = (e: MessageEvent<{ id: number; text: string }>) => {
  if (n++ > 0) process.exit(3);
  postMessage({ id: e.data.id, packed: gzipBase64(e.data.text) });
};
