/** "1 turn", "2 turns", "0 turns": a count with its noun, singular only for exactly one. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
