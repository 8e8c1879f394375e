/**
 * Test helpers for XML reports: a strict little parser, and the structure of the common junit XSD
 * (Jenkins xunit-plugin junit-10.xsd, which GitLab and Azure DevOps read too): which elements may
 * hold which, which attributes each allows and requires. Written from the XSD's rules, not copied.
 */
/** A parsed element: enough XML to check what formatJunit writes. */
export interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const entity = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

function unescape(text: string): string {
  return text.replace(entity, (e) => {
    const named: Record<string, string> = {
      '&amp;': '&',
      '&lt;': '<',
      '&gt;': '>',
      '&quot;': '"',
      '&apos;': "'",
    };
    if (named[e]) return named[e];
    const code = e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : parseInt(e.slice(2, -1), 10);
    return String.fromCodePoint(code);
  });
}

/**
 * A strict little parser: only XML 1.0 characters, one root, balanced tags, double-quoted
 * attributes without `<`, every `&` an entity; throws on anything else.
 */
export function parseXml(xml: string): El {
  const bad = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.exec(xml);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16)} is not allowed in XML 1.0`);
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (body === xml) throw new Error('no XML declaration');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    const m = token.exec(body);
    if (!m) throw new Error(`not well-formed at ${at}: ${body.slice(at, at + 30)}`);
    at = token.lastIndex;
    const top = stack.at(-1)!;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      if (text.replace(entity, '').includes('&')) throw new Error(`bare & in text: ${text}`);
      top.text += unescape(text);
    } else if (close) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of attrText!.matchAll(/([\w.-]+)="([^"]*)"/g)) {
        if (v!.replace(entity, '').includes('&')) throw new Error(`bare & in attribute: ${v}`);
        if (k! in attrs) throw new Error(`attribute ${k} twice`);
        attrs[k!] = unescape(v!);
      }
      const el: El = { name: name!, attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  const elements = root.children;
  if (elements.length !== 1 || root.text.trim()) throw new Error('not exactly one root element');
  return elements[0]!;
}

interface ElementRule {
  attributes: readonly string[];
  required?: readonly string[];
  children: readonly string[];
}

/** junit-10.xsd, element by element. */
const junit10: Readonly<Record<string, ElementRule>> = {
  testsuites: { attributes: ['name', 'time', 'tests', 'failures', 'errors'], children: ['testsuite'] },
  testsuite: {
    attributes: [
      'name',
      'tests',
      'failures',
      'errors',
      'group',
      'time',
      'skipped',
      'timestamp',
      'hostname',
      'id',
      'package',
      'file',
      'log',
      'url',
    ],
    required: ['name', 'tests', 'failures', 'errors'],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
  },
  properties: { attributes: [], children: ['property'] },
  property: { attributes: ['name', 'value'], required: ['name', 'value'], children: [] },
  testcase: {
    attributes: ['name', 'time', 'classname', 'group'],
    required: ['name'],
    children: [
      'skipped',
      'error',
      'failure',
      'rerunFailure',
      'rerunError',
      'flakyFailure',
      'flakyError',
      'system-out',
      'system-err',
    ],
  },
  failure: { attributes: ['type', 'message'], children: [] },
  error: { attributes: ['type', 'message'], children: [] },
  skipped: { attributes: ['type', 'message'], children: [] },
  'system-out': { attributes: [], children: [] },
  'system-err': { attributes: [], children: [] },
};

/** What in `xml` junit-10.xsd would reject (empty: valid). */
export function junit10Problems(xml: string): string[] {
  const problems: string[] = [];
  const root = parseXml(xml);
  if (root.name !== 'testsuites' && root.name !== 'testsuite') problems.push(`root <${root.name}>`);
  const visit = (el: El): void => {
    const rule = junit10[el.name];
    if (!rule) return void problems.push(`unknown element <${el.name}>`);
    for (const a of Object.keys(el.attrs))
      if (!rule.attributes.includes(a)) problems.push(`<${el.name}> ${a}=`);
    for (const a of rule.required ?? []) if (!(a in el.attrs)) problems.push(`<${el.name}> without ${a}`);
    for (const c of el.children) {
      if (!rule.children.includes(c.name)) problems.push(`<${c.name}> inside <${el.name}>`);
      visit(c);
    }
  };
  visit(root);
  return problems;
}
