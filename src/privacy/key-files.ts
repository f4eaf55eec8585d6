/**
 * Files whose whole content is a secret: private keys and keystores. An edit, a write or a patch of
 * such a file is hidden whole, line by line, even where no line looks like a key on its own (a bare
 * base64 line of a key body, or an edit that changes one line of it).
 */

const KEY_FILE = /(?:^|[\/\\])(?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|[^\/\\]*\.(?:pem|key|p12|pfx|ppk|jks|keystore|p8)|[^\/\\]*_rsa|credentials\.json|service[-_]account[^\/\\]*\.json)$/i;

export function isKeyFilePath(path: string | undefined): boolean {
  return typeof path === "string" && path.length < 4096 && KEY_FILE.test(path.trim());
}

/** A cheap pre-check for a raw line that may name a key file (the download's fast path). */
export const KEY_FILE_HINT = /id_(?:rsa|dsa|ecdsa|ed25519)|\.(?:pem|key|p12|pfx|ppk|jks|keystore|p8)\b|_rsa|credentials\.json|service[-_]account/i;
