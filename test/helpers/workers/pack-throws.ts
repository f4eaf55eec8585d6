/** A pack worker that fails on its first group (render/pack.ts must fall back). */
self.onmessage = () => {
  throw new Error("deflate on fire");
};
