/** Reading fields of parsed rollout records, which may hold anything. */
export type Rec = Record<string, unknown>;
export const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
/** A non-empty string, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
export const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
