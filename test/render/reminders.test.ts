/** splitReminders (render/tools/frame.ts) gives what the regex it replaced gave, on any text. */
import { describe, expect, test } from "bun:test";
import { splitReminders } from "../../src/render/tools/frame.ts";

/** The former implementation, kept here as the reference. */
function byRegex(text: string): { text: string; reminders: string[] } {
  if (text.indexOf("<system-reminder>") < 0) return { text, reminders: [] };
  const reminders: string[] = [];
  const rest = text.replace(/\s*<system-reminder>([\s\S]*?)<\/system-reminder>\s*/g, (_, body: string) => {
    reminders.push(body.trim());
    return "\n";
  });
  return { text: rest.replace(/^\n+|\n+$/g, ""), reminders };
}

describe("system reminders taken out of outputs", () => {
  test("the usual Read output: the note and the space around it become one line end", () => {
    const r = splitReminders("     1→a\n     2→b\n\n<system-reminder>\nWhenever you read a file...\n</system-reminder>\n");
    expect(r).toEqual({ text: "     1→a\n     2→b", reminders: ["Whenever you read a file..."] });
  });

  test("4,000 random texts of notes, spaces, unclosed tags and words agree with the regex", () => {
    const tokens = ["<system-reminder>", "</system-reminder>", " ", "\n", "\t", "\u00a0", "\u2028", "\ufeff", "word", "é", "<system", "reminder>", "x\n\ny", ""];
    let seed = 7;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % n);
    for (let i = 0; i < 4000; i++) {
      let text = "";
      const n = rand(14);
      for (let k = 0; k < n; k++) text += tokens[rand(tokens.length)];
      expect(splitReminders(text)).toEqual(byRegex(text));
    }
  });
});
