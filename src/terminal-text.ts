/**
 * Session text made safe to print in a terminal. A session is written by an agent (and by what the
 * agent read), so a title or prompt can carry escape sequences: OSC 52 sets the clipboard, OSC 0/2
 * retitles the window, CSI moves the cursor or clears the screen, `\r` overwrites what was printed.
 * `terminalSafe` removes every escape sequence and control character before panko prints it.
 *
 * Removed: ESC-introduced sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, DCS/SOS/PM/APC
 * `ESC P|X|^|_ ... ST`, two-character `ESC x`), a lone ESC, their 8-bit C1 forms (0x9B CSI, 0x9D
 * OSC, 0x90 DCS, ...), every other C0/C1 control character and DEL, and the bidi overrides that can
 * make text read differently from what it is. Kept: printable text, tabs (as a space), and `\n`
 * only with `{ newlines: true }` (otherwise a line break becomes a space).
 */

export interface TerminalSafeOptions {
  /** Keep `\n` (multi-line output such as a transcript); default: every line break becomes a space. */
  newlines?: boolean;
}

// A string sequence (OSC, DCS, SOS, PM, APC) runs to BEL or ST (ESC \ or 0x9C); unterminated, to the end.
const STRING_SEQ = /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)/g;
// CSI: ESC [ or 0x9B, parameter bytes, intermediate bytes, one final byte.
const CSI_SEQ = /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?/g;
// Other escapes: ESC, optional intermediates, one final byte; or a lone ESC.
const ESC_SEQ = /\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// What is left: C0 but \t \n, DEL, C1, and the bidi embedding/override/isolate controls.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string, opts: TerminalSafeOptions = {}): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(text) && (opts.newlines || !text.includes("\n"))) return text;
  let s = text.replace(STRING_SEQ, "").replace(CSI_SEQ, "").replace(ESC_SEQ, "");
  s = s.replace(/\r\n/g, "\n").replace(/\t/g, " ");
  if (!opts.newlines) s = s.replace(/\n/g, " ");
  return s.replace(CONTROLS, "");
}
