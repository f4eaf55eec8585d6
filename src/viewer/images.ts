/**
 * Session images, served by URL instead of inlined into the page as base64. The index walks the
 * whole session (prompt images, tool-result images, sub-agents) and gives each image a key that
 * is unique in the session (its block id, suffixed when ids repeat, e.g. across sub-agents).
 */
import type { ImageBlock, Session } from "../sessions/model.ts";

export interface ImageIndex {
  /** Key (URL path segment, not encoded) of an image of this session. */
  keyOf(img: ImageBlock): string;
  get(key: string): ImageBlock | undefined;
  readonly size: number;
}

export function indexImages(session: Session): ImageIndex {
  const byKey = new Map<string, ImageBlock>();
  const keys = new WeakMap<ImageBlock, string>();
  const add = (img: ImageBlock) => {
    if (keys.has(img)) return;
    const base = img.id || "image";
    let key = base;
    for (let n = 2; byKey.has(key); n++) key = `${base}~${n}`;
    byKey.set(key, img);
    keys.set(img, key);
  };
  const walk = (s: Session) => {
    for (const turn of s.turns) {
      for (const block of turn.blocks) {
        if (block.kind === "image") add(block);
        else if (block.kind === "tool") {
          for (const img of block.result?.images ?? []) add(img);
          if (block.subAgent) walk(block.subAgent);
        }
      }
    }
  };
  walk(session);
  return {
    keyOf: (img) => keys.get(img) ?? img.id,
    get: (key) => byKey.get(key),
    get size() {
      return byKey.size;
    },
  };
}

/** Raster types a browser shows as an image and never runs. Anything else (SVG!) is served as a download. */
const SAFE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"]);

export function safeImageType(mediaType: string): string | undefined {
  const t = mediaType.toLowerCase().split(";")[0]!.trim();
  if (t === "image/jpg") return "image/jpeg";
  return SAFE_IMAGE_TYPES.has(t) ? t : undefined;
}

/** Decodes an embedded image's base64 payload; undefined when it is not embedded. */
export function imageBytes(img: ImageBlock): Uint8Array<ArrayBuffer> | undefined {
  if (!img.data) return undefined;
  const data = img.data.startsWith("data:") ? img.data.slice(img.data.indexOf(",") + 1) : img.data;
  return Buffer.from(data, "base64");
}
