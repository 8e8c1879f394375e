/**
 * Length in characters as AWS counts them: Unicode code points (Smithy's `@length` on strings
 * counts scalar values), the same as JSON Schema's maxLength. An emoji is one character, not two.
 */
export function characters(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
