/**
 * Guard 3-only constructs, found in the policy text (comments and string literals skipped). Sources:
 * cfn-guard's 3.0.0 release notes and docs/FUNCTIONS.md ("As of version 3.0.0 guard now supplies some
 * builtin functions"): json_parse, regex_replace, substring, to_upper, to_lower, join, url_decode,
 * count; 3.0.1 added the conversion functions (parse_int, parse_float, parse_string, parse_boolean,
 * parse_char) and the is_null / is_float operators. `now` and `parse_epoch` are listed from the
 * current FUNCTIONS.md without a verified release (unverified: later 3.x). Guard 2 has no function
 * call syntax at all, so a name followed by `(` is a Guard 3 call whichever version added it.
 */
const functions = [
  'json_parse',
  'regex_replace',
  'substring',
  'to_upper',
  'to_lower',
  'join',
  'url_decode',
  'count',
  'parse_int',
  'parse_float',
  'parse_string',
  'parse_boolean',
  'parse_char',
  'now',
  'parse_epoch',
];
const operators = ['is_null', 'is_float'];

const callPattern = new RegExp(`\\b(${functions.join('|')})\\s*\\(`, 'g');
const operatorPattern = new RegExp(`(?:!|\\bnot\\s+)?\\b(${operators.join('|')})\\b`, 'g');

export interface Guard3Construct {
  what: string;
  /** 1-based, in the policy text. */
  line: number;
  column: number;
}

/**
 * The policy's lines with comments, string literals, regular expressions and custom messages
 * (`<<…>>`, which may span lines) blanked to spaces, so positions stay and only code is searched.
 */
function codeLines(policy: string): string[] {
  let inMessage = false;
  return policy.split(/\r?\n/).map((line) => {
    let out = '';
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (inMessage) {
        if (line.startsWith('>>', i)) {
          inMessage = false;
          out += '  ';
          i++;
        } else out += ' ';
        continue;
      }
      if (quote) {
        if (ch === '\\') {
          out += '  ';
          i++;
          continue;
        }
        if (ch === quote) quote = undefined;
        out += ' ';
        continue;
      }
      if (ch === '#') break;
      if (line.startsWith('<<', i)) {
        inMessage = true;
        out += '  ';
        i++;
        continue;
      }
      if (ch === '"' || ch === "'") {
        quote = ch;
        out += ' ';
        continue;
      }
      if (ch === '/' && /[=~]\s*$/.test(out)) {
        // a regular expression literal (`== /x/`): blank it to its end
        const end = line.indexOf('/', i + 1);
        if (end > i) {
          out += ' '.repeat(end - i + 1);
          i = end;
          continue;
        }
      }
      out += ch;
    }
    return out;
  });
}

/** Every Guard 3-only construct of `policy`, in text order. Bounded: one linear pass per line. */
export function guard3Constructs(policy: string): Guard3Construct[] {
  const out: Guard3Construct[] = [];
  codeLines(policy).forEach((line, i) => {
    for (const m of line.matchAll(callPattern)) {
      out.push({ what: `the function ${m[1]}()`, line: i + 1, column: m.index + 1 });
    }
    for (const m of line.matchAll(operatorPattern)) {
      out.push({ what: `the operator ${m[1]}`, line: i + 1, column: m.index + 1 });
    }
  });
  return out;
}
