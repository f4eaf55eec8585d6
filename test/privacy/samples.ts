/**
 * Sample secrets for the privacy tests, built by concatenation at run time so no literal
 * real-looking secret sits in the repository (and secret scanners stay quiet).
 */

/** Deterministic pseudo-random generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `n` random-looking characters from `alphabet` (always with a digit and both cases when alnum). */
export function mix(n: number, seed = 1, alphabet = ALNUM): string {
  const r = rng(seed);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  if (alphabet === ALNUM && n >= 3) s = "a" + "7" + "Q" + s.slice(3);
  return s;
}

export function randomBytes(n: number, seed = 1): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

const b64url = (s: string) => Buffer.from(s).toString("base64url");

/** One sample of every default kind, as it would appear on its own. */
export const SAMPLES = {
  awsAccessKey: "AKIA" + mix(16, 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
  awsSessionKey: "ASIA" + mix(16, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
  githubClassic: "ghp_" + "A".repeat(36),
  githubOauth: "gho_" + mix(36, 4),
  githubUser: "ghu_" + mix(36, 5),
  githubServer: "ghs_" + mix(36, 6),
  githubRefresh: "ghr_" + mix(36, 7),
  githubFineGrained: "github_pat_" + mix(22, 8) + "_" + mix(59, 9),
  anthropic: "sk-ant-" + "api03-" + mix(93, 10, ALNUM + "_-") + "AA",
  openaiLegacy: "sk-" + mix(48, 11),
  openaiProject: "sk-" + "proj-" + mix(64, 12, ALNUM + "_-") + "7",
  slack: "xox" + "b-" + "1234567890" + "-" + "9876543210" + "-" + mix(24, 13),
  stripeSecret: "sk_" + "live_" + mix(24, 14),
  stripeRestricted: "rk_" + "live_" + mix(24, 15),
  google: "AI" + "za" + mix(35, 16, ALNUM + "_-"),
  jwt:
    b64url(JSON.stringify({ alg: "HS256", typ: "JWT" })) +
    "." +
    b64url(JSON.stringify({ sub: "1234567890", name: "Jane Doe", iat: 1516239022 })) +
    "." +
    mix(43, 17, ALNUM + "_-"),
  privateKey:
    "-----BEGIN " +
    "RSA PRIVATE KEY-----\n" +
    Array.from({ length: 8 }, (_, i) => mix(64, 100 + i, ALNUM + "+/")).join("\n") +
    "\n-----END " +
    "RSA PRIVATE KEY-----",
  bearer: mix(40, 18, ALNUM + "-._"),
  urlPassword: "p4ss" + mix(12, 19),
  password: "hunter" + "2" + mix(6, 20),
};
