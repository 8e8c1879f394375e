/**
 * Length in characters as AWS counts them: Unicode code points (Smithy's `@length` on strings
 * counts scalar values), the same as JSON Schema's maxLength. An emoji is one character, not two.
 */
export function characters(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Characters that must never reach a terminal as they are: C0 controls (ESC starts the sequences
 * that move the cursor, clear the screen or set the window title), DEL, C1 controls (U+0080–U+009F;
 * U+009B is a one-character CSI for some terminals), the bidirectional embeddings, overrides and
 * isolates that make a line read differently than it is ("Trojan Source", CVE-2021-42574), and the
 * Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex
const unsafeInLine = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const unsafeInText = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\xNN` for a character up to U+00FF, `\uNNNN` above: visible, and inert in every terminal. */
function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * The one sanitiser for text from AWS or from files on its way to a terminal: every character above
 * is shown as its escape (ESC as `\x1b`, U+202E as `\u202e`) rather than dropped or replaced by
 * U+FFFD, so the reader sees that something was there and what. Tab and line feed are kept; pass
 * `{ line: true }` for a value printed on one line (a table cell, a label), where they are escaped
 * too. Sanitise values before painting them: packsmith's own colours are added afterwards.
 */
export function printable(text: string, options: { line?: boolean } = {}): string {
  return text.replace(options.line ? unsafeInLine : unsafeInText, escaped);
}

/** `printable(text, { line: true })`: a value that must stay on its one line. */
export function printableLine(text: string): string {
  return printable(text, { line: true });
}

/**
 * JSON text of `value` whose only characters besides printable ones are its own line breaks:
 * JSON.stringify escapes C0 controls, this also escapes DEL, C1 controls, bidirectional controls
 * and U+2028/U+2029 as `\uNNNN`. The value read back is the same.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `value` with every string in it, at any depth, passed through `printable` (keys included). */
export function printableValues<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => printableValues(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [printable(k), printableValues(v as unknown)]),
    ) as T;
  }
  return value;
}
