/**
 * The YAML-safe way to write any value into a template. Strings are written plain only when no
 * YAML reader (1.1 or 1.2) can take them for anything else; otherwise double-quoted with every
 * character that could end or bend the scalar escaped. Nothing a value contains can change the
 * structure of the document around it.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const plainSafe = /^[A-Za-z][A-Za-z0-9_./-]*(?:::[A-Za-z0-9_./-]+)*$/;
/** Words YAML 1.1 reads as booleans or null (CloudFormation's reader is YAML 1.1-like). */
const reserved = /^(?:y|n|yes|no|true|false|on|off|null)$/i;

function isPlainSafe(s: string): boolean {
  return plainSafe.test(s) && !reserved.test(s);
}

/** A double-quoted YAML scalar; the result is also a valid JSON string literal for ASCII input. */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) {
      out += `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    } else if (code === 0x2028 || code === 0x2029 || code === 0xfeff || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** A scalar value: plain when unambiguous, else quoted. */
export function scalar(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write the number ${value} into a template`);
    return String(value);
  }
  return isPlainSafe(value) ? value : quote(value);
}

/** A mapping key. */
export function key(name: string): string {
  return isPlainSafe(name) ? name : quote(name);
}

/** Lines of YAML comment; every kind of line break starts a new `#` line. */
export function comment(text: string, prefix = '# '): string {
  return text
    .split(/\r\n|[\n\r\u0085\u2028\u2029]/)
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
}

const isCollection = (v: JsonValue): v is JsonValue[] | { [key: string]: JsonValue } =>
  typeof v === 'object' && v !== null;

function inline(v: JsonValue): string | undefined {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : undefined;
  if (typeof v === 'object') return Object.keys(v).length === 0 ? '{}' : undefined;
  return scalar(v);
}

/**
 * A value in block style, each line indented by `indent` spaces. Collections start on a new line
 * (the caller writes `Key:` then this); scalars come back as ` value`.
 */
export function block(value: JsonValue, indent: number): string {
  const simple = inline(value);
  if (simple !== undefined) return ` ${simple}`;
  return `\n${lines(value, indent).join('\n')}`;
}

function lines(value: JsonValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const simple = inline(item);
      if (simple !== undefined) {
        out.push(`${pad}- ${simple}`);
      } else if (Array.isArray(item)) {
        out.push(`${pad}-`, ...lines(item, indent + 2));
      } else {
        const inner = lines(item, indent + 2);
        inner[0] = `${pad}- ${inner[0]!.slice(indent + 2)}`;
        out.push(...inner);
      }
    }
    return out;
  }
  if (isCollection(value)) {
    for (const [k, v] of Object.entries(value)) {
      const simple = inline(v);
      if (simple !== undefined) out.push(`${pad}${key(k)}: ${simple}`);
      // Sequences under a key start at the key's own indentation (compact, as AWS's samples write
      // them): it keeps templates a little further from the 51,200-byte inline limit.
      else out.push(`${pad}${key(k)}:`, ...lines(v, Array.isArray(v) ? indent : indent + 2));
    }
  }
  return out;
}
