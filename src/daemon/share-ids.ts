/**
 * Share ids as people see and type them. A share's id is a uuid v7 (`019ad3f2-6b1c-7e4a-...`);
 * since v7 ids start with their creation time, shares made within a minute share their first
 * 8 hex digits, and a prefix cut at a hyphen reads badly (`019ad3f2-6`).
 *
 * The rule: a share is shown by the shortest prefix of its id WITHOUT hyphens, 8 hex digits at
 * least, that no other share's id starts with (`019ad3f26b`); and a reference (`panko unshare
 * REF`, StopShare) is matched against ids with their hyphens removed, so what is shown, a full id,
 * and any prefix of either (with or without hyphens) are accepted.
 *
 * Exported (stable): shortShareIds(ids), matchesShareId(id, ref), compactId(id), LIVE_STATUSES,
 *   isLiveStatus(status), isListedStatus(status)
 */

/** Shares the daemon runs (or brings back after a restart). */
export const LIVE_STATUSES = ["starting", "active", "restarting"] as const;

export function isLiveStatus(status: string): boolean {
  return (LIVE_STATUSES as readonly string[]).includes(status);
}

/**
 * Shares `panko shares` and the flow's Active shares list by default: the live ones and those in
 * `error` (they need the user: stop them or share again). Stopped and expired ones are history.
 */
export function isListedStatus(status: string): boolean {
  return isLiveStatus(status) || status === "error";
}

/** The id without its hyphens, lower case. */
export function compactId(id: string): string {
  return id.replace(/-/g, "").toLowerCase();
}

/** id -> the shortest hyphen-free prefix (8 characters at least) no other id in `ids` starts with. */
export function shortShareIds(ids: string[]): Map<string, string> {
  const compact = [...new Set(ids)].map((id) => [id, compactId(id)] as const);
  const out = new Map<string, string>();
  for (const [id, c] of compact) {
    let n = Math.min(8, c.length);
    while (n < c.length && compact.some(([o, oc]) => o !== id && oc.startsWith(c.slice(0, n)))) n++;
    out.set(id, c.slice(0, n));
  }
  return out;
}

/** Does `ref` (a full id or a prefix of it, hyphens optional) name the share `id`? */
export function matchesShareId(id: string, ref: string): boolean {
  const r = compactId(ref.trim());
  return r.length > 0 && compactId(id).startsWith(r);
}
