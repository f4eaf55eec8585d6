/**
 * Credential-file and command-line shapes: what `~/.aws/credentials`, `.pypirc`, `.netrc`, rclone
 * and other INI/TOML/env files, `curl -u`, `mysql -p`, HTTP Basic auth and docker's `config.json`
 * look like. A value is hidden when its name says key / secret / pass / pwd / token / auth /
 * credential and the value looks random (letters and digits, or long mixed case), so
 * `password = input()` and `key = value` in ordinary code stay as they are.
 */
import { isPlaceholder, looksRandom, type SecretRule } from "./rules.ts";

/** Words that make a config name a credential name (`DB_PASS`, `MYSQL_PWD`, `REDIS_AUTH`, `APP_KEY`, ...). */
const CREDENTIAL_WORD = /(?:^|[_.\-])(?:pass|passwd|password|pwd|pw|secret|token|auth|authtoken|key|apikey|credential|credentials|creds|signing[_-]?key|private[_-]?key)(?:$|[_.\-])/i;
const CREDENTIAL_CAMEL = /(?:Pass(?:word)?|Pwd|Secret|Token|Auth|Key|Credentials?)$/;

/** Names that end with a credential word but hold something else. */
const NOT_CREDENTIAL = /(?:^|[_.\-])(?:websocket[_-]?key|key[_-]?(?:id|name|file|path|type|size|len|length)|public[_-]?key|pub[_-]?key|keyboard|keymap|primary[_-]?key|foreign[_-]?key|sort[_-]?key|cache[_-]?key|partition[_-]?key|auth[_-]?(?:type|method|mode|url|uri|endpoint|provider|file|path|enabled|required|header|scheme))$/i;

export function isCredentialName(name: string): boolean {
  const n = name.replace(/^["']|["']$/g, "");
  if (NOT_CREDENTIAL.test(n)) return false;
  return CREDENTIAL_WORD.test(n) || CREDENTIAL_CAMEL.test(n);
}

/** A value that reads as a credential: random-looking, long enough, not a placeholder or a path. */
export function looksLikeCredentialValue(v: string): boolean {
  if (v.length < 8 || isPlaceholder(v)) return false;
  if (/^(?:[.~]?\/|[A-Za-z]:\\|https?:\/\/)/.test(v)) return false; // a path or a plain URL
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v)) return false; // a member chain: os.environ.x
  if (/^[A-Za-z_]\w*\(/.test(v)) return false; // a call
  return looksRandom(v);
}

/** A password given on a command line or in .netrc: not a placeholder, not a bare short word. */
function looksLikePassword(raw: string): boolean {
  const s = raw.replace(/[\x60'",.;:)\]}]+$/, "");
  if (s.length < 4 || isPlaceholder(s) || /^\$/.test(s)) return false;
  if (/^(?:pass|passwd|password|pwd|secret|changeme|user|username)$/i.test(s)) return false;
  return /[^A-Za-z]/.test(s) || s.length >= 8;
}

const validateLine = (s: string, m: RegExpExecArray) => isCredentialName(m.groups?.name ?? "") && looksLikeCredentialValue(s);

export const CREDENTIAL_RULES: readonly SecretRule[] = [
  {
    // INI / TOML / env / YAML line: `aws_secret_access_key = wJalr...`, `DB_PASS=...`, `pass = ...`
    // (rclone), `password: ...`; also inside a patch or a diff (`+` / `-` before the line).
    kind: "credential",
    pattern:
      /^[ \t+\-]*(?:export[ \t]+)?(?<q>["']?)(?<name>[A-Za-z_][A-Za-z0-9_.\-]{0,80})\k<q>[ \t]*(?:=|:)[ \t]*(?:"(?<secretQ>[^"\n]+)"|'(?<secretQ2>[^'\n]+)'|(?<secretB>[^\s"'#;,()\[\]{}<>\x60]+))(?:[ \t]+[#;].*)?[ \t]*\r?$/dgm,
    validator: validateLine,
    hint: /[=:](?<=(?:pass|pwd|pw|secret|token|auth|key|credentials?|creds)["']?[ \t]*[=:])/i,
  },
  {
    // .netrc: `machine host login me password X` (one line or several)
    kind: "netrc-password",
    pattern: /(?:^|[ \t]|\n)(?:login|account)[ \t]+\S+(?:\s|\n[+\-])+password[ \t]+(?<secret>\S+)|^[ \t+\-]*password[ \t]+(?<secret2>\S{6,})[ \t]*$/dgm,
    validator: looksLikePassword,
    hint: /password[ \t]/,
  },
  {
    // `Authorization: Basic dXNlcjpwYXNz`
    kind: "basic-auth",
    pattern: /(?<![A-Za-z0-9])[Bb]asic[ \t]+(?<secret>[A-Za-z0-9+\/]{12,}={0,2})(?![A-Za-z0-9+\/=])/dg,
    validator: (s) => {
      try {
        return Buffer.from(s, "base64").toString("latin1").includes(":");
      } catch {
        return false;
      }
    },
    hint: /[Bb]asic[ \t]+[A-Za-z0-9+\/]{12}/,
  },
  {
    // docker `config.json`: `"auths": {"host": {"auth": "<base64 user:pass>"}}`, and `identitytoken`
    kind: "docker-auth",
    rare: true,
    pattern: /"(?:auth|identitytoken|registrytoken)"[ \t]*:[ \t]*"(?<secret>[A-Za-z0-9+\/=._-]{12,})"/dg,
    validator: (s) => looksRandom(s),
    hint: /"(?:auth|identitytoken|registrytoken)"/,
  },
  {
    // `curl -u user:pass`, `curl --user user:pass`, also `-u` in wget / httpie style commands
    kind: "cli-password",
    pattern: /(?<![\w-])(?:-u|--user|--proxy-user)[ \t]*=?[ \t]*["']?[^\s:"']+:(?<secret>[^\s"']{3,})/dg,
    validator: looksLikePassword,
    hint: /(?:-u|--user|--proxy-user)[ \t]*=?[ \t]*["']?[^\s:"']+:/,
  },
  {
    // `mysql -pSECRET`, `mysqldump -uroot -pSECRET`, `mariadb -pSECRET`
    kind: "cli-password",
    rare: true,
    pattern: /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlsh)\b[^\n|;&]*?[ \t]-p(?<secret>[^\s"'-][^\s"']{2,})/dg,
    validator: looksLikePassword,
    hint: /m(?:ysql|ariadb)/,
  },
];
