/**
 * Renders packs through handlebars templates. Two guarantees: a template may interpolate values
 * only through the YAML-safe (or Markdown-safe) helpers, checked on the template's syntax tree
 * before it runs; and the rendered YAML must parse back, under both YAML 1.1 and 1.2 rules, to
 * exactly the template data composed from the blocks. Either failure is reported, never written.
 */
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import { describeSource } from '../authoring/compose.js';
import type { ComposedPack } from '../authoring/model.js';
import { authoringChecks } from '../authoring/problems.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { remediationProperties, ruleProperties, toTemplate, type ConformancePackTemplate } from './template.js';
import { block, comment, key, scalar, type JsonValue } from './yaml-emit.js';

type HelperSet = Record<string, Handlebars.HelperDelegate>;
const blockHelpers = new Set(['if', 'unless', 'each', 'with']);

const yamlHelpers: HelperSet = {
  str: (value: unknown) => scalar(asScalar(value)),
  key: (value: unknown) => key(String(value)),
  block: (value: unknown, indent: unknown) => block(value as JsonValue, Number(indent)),
  comment: (value: unknown) => comment(String(value ?? '')),
};

const markdownHelpers: HelperSet = {
  md: (value: unknown) => markdownText(value),
  code: (value: unknown) => markdownCode(value),
};

function asScalar(value: unknown): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`{{str}} takes a string, number or boolean, not ${value === null ? 'null' : typeof value}`);
}

export function markdownText(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const text = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  return text
    .replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`)
    .replace(/^([#+-])/, '\\$1')
    .replace(/\r\n|[\n\r\u0085\u2028\u2029]/g, '<br>');
}

export function markdownCode(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  const text = String(value)
    .replace(/\r\n|[\n\r\u0085\u2028\u2029]/g, ' ')
    .replace(/\|/g, '\\|');
  const fence = text.includes('`') ? '`` ' : '`';
  return `${fence}${text}${fence === '`' ? '`' : ' ``'}`;
}

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

/** Every interpolation in `text` that does not go through one of `allowed` helpers. */
export function unsafeInterpolations(text: string, allowed: ReadonlySet<string>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'syntax error';
    const m = /line (\d+)/.exec((error as Error).message);
    return [{ message: `handlebars syntax error: ${message}`, line: m ? Number(m[1]) : 1, column: 1 }];
  }
  const at = (node: hbs.AST.Node) => ({ line: node.loc.start.line, column: node.loc.start.column + 1 });
  const visit = (node: hbs.AST.Node | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        break;
      case 'MustacheStatement':
      case 'SubExpression': {
        const m = node as hbs.AST.MustacheStatement;
        const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
        if (!allowed.has(name) || m.params.length === 0) {
          problems.push({
            message: `{{${name || '…'}}} writes a value without a safe helper; use one of ${[...allowed]
              .map((h) => `{{${h} …}}`)
              .join(', ')}`,
            ...at(node),
          });
        }
        m.params.forEach((p) => (p.type === 'SubExpression' ? visit(p) : undefined));
        break;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        if (!blockHelpers.has(name)) {
          problems.push({ message: `block helper {{#${name}}} is not allowed; use if, unless, each or with`, ...at(node) });
        }
        visit(b.program);
        visit(b.inverse);
        break;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        problems.push({ message: 'partials and decorators are not allowed in pack templates', ...at(node) });
        break;
      default:
        break;
    }
  };
  visit(ast);
  return problems;
}

function compile(text: string, helpers: HelperSet): Handlebars.TemplateDelegate {
  const env = Handlebars.create();
  env.registerHelper(helpers);
  return env.compile(text, { noEscape: true, strict: true, preventIndent: true });
}

/** The data the pack template sees. */
export function packView(pack: ComposedPack, model: ConformancePackTemplate) {
  const header = [
    `Conformance pack: ${pack.name}`,
    ...(pack.description ? ['', pack.description] : []),
    '',
    `Generated by packsmith from ${pack.manifest}. Do not edit: change the blocks and run \`packsmith build\`.`,
  ].join('\n');
  return {
    name: pack.name,
    description: pack.description ?? '',
    manifest: pack.manifest,
    header,
    parameters: Object.entries(model.Parameters ?? {}).map(([name, properties]) => ({ name, properties })),
    conditions: Object.entries(model.Conditions ?? {}).map(([name, expression]) => ({ name, expression })),
    rules: pack.rules.map((r) => ({
      logicalId: r.logicalId,
      ruleName: r.ruleName,
      controls: r.controls,
      properties: ruleProperties(r),
    })),
    remediations: pack.remediations.map((r) => ({
      logicalId: r.logicalId,
      dependsOn: r.ruleLogicalId,
      properties: remediationProperties(r),
    })),
  };
}

export interface RenderedTemplate {
  text?: string;
  diagnostics: Diagnostic[];
}

/**
 * Renders the pack's template and proves the output equals the composed model.
 * `templateFile` is the display path used in diagnostics.
 */
export function renderPackTemplate(pack: ComposedPack, templateText: string, templateFile: string): RenderedTemplate {
  const check = authoringChecks['template-render'];
  const problem = (message: string, line = 1, column = 1): Diagnostic => ({
    checkId: check.id,
    severity: check.severity,
    message,
    fix: check.fix,
    location: { file: templateFile, line, column },
  });
  const unsafe = unsafeInterpolations(templateText, new Set(Object.keys(yamlHelpers)));
  if (unsafe.length) return { diagnostics: unsafe.map((u) => problem(u.message, u.line, u.column)) };

  const model = toTemplate(pack);
  let text: string;
  try {
    text = compile(templateText, yamlHelpers)(packView(pack, model));
  } catch (error) {
    return { diagnostics: [problem(`rendering failed: ${(error as Error).message.split('\n')[0]}`)] };
  }
  text = normalizeText(text);
  const expected = JSON.parse(JSON.stringify(model)) as JsonValue;
  for (const version of ['1.2', '1.1'] as const) {
    let parsed: unknown;
    try {
      parsed = parse(text, { version, uniqueKeys: true, strict: true, prettyErrors: false });
    } catch (error) {
      return {
        diagnostics: [problem(`the rendered template is not valid YAML ${version}: ${(error as Error).message.split('\n')[0]}`)],
      };
    }
    const difference = firstDifference(expected, parsed);
    if (difference !== undefined) {
      return {
        diagnostics: [
          problem(
            `the rendered template differs from pack "${pack.name}" at ${difference} (YAML ${version}); the template must not add, drop or change values`,
          ),
        ],
      };
    }
  }
  return { text, diagnostics: [] };
}

/** The Markdown page of a pack. */
export function renderPackReadme(pack: ComposedPack, templateText: string, templateFile: string): RenderedTemplate {
  const check = authoringChecks['template-render'];
  const unsafe = unsafeInterpolations(templateText, new Set(Object.keys(markdownHelpers)));
  if (unsafe.length) {
    return {
      diagnostics: unsafe.map((u) => ({
        checkId: check.id,
        severity: check.severity,
        message: u.message,
        fix: 'Interpolate values only with {{md x}} or {{code x}}.',
        location: { file: templateFile, line: u.line, column: u.column },
      })),
    };
  }
  const parameterDefault = new Map(pack.parameters.map((p) => [p.name, p]));
  const controls = new Map<string, string[]>();
  for (const r of pack.rules) for (const c of r.controls) controls.set(c, [...(controls.get(c) ?? []), r.ruleName]);
  const view = {
    name: pack.name,
    description: pack.description ?? '',
    manifest: pack.manifest,
    ruleCount: pack.rules.length,
    remediationCount: pack.remediations.length,
    parameterCount: pack.parameters.length,
    rules: pack.rules.map((r) => ({
      ruleName: r.ruleName,
      source: describeSource(r.source),
      scope: r.scope
        ? [
            ...(r.scope.resourceTypes ?? []),
            ...(r.scope.resourceId ? [`id ${r.scope.resourceId}`] : []),
            ...(r.scope.tagKey ? [`tag ${r.scope.tagKey}${r.scope.tagValue ? `=${r.scope.tagValue}` : ''}`] : []),
          ]
        : [],
      frequency: r.maximumExecutionFrequency ?? '',
      controls: r.controls,
    })),
    parameters: pack.parameters.map((p) => ({
      name: p.name,
      default: parameterDefault.get(p.name)?.default ?? '',
      description: p.description ?? '',
    })),
    remediations: pack.remediations.map((r) => ({
      ruleName: r.ruleName,
      runbook: r.targetVersion ? `${r.targetId} v${r.targetVersion}` : r.targetId,
      mode: r.automatic ? 'automatic' : 'manual',
      parameters: r.parameters.map(({ name, value }) =>
        value.kind === 'static'
          ? `${name} = ${value.values.join(', ')}`
          : value.kind === 'resource-id'
            ? `${name} = resource id`
            : `${name} = parameter ${value.parameter}`,
      ),
    })),
    controls: [...controls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, rules]) => ({ id, rules })),
  };
  try {
    return { text: normalizeText(compile(templateText, markdownHelpers)(view)), diagnostics: [] };
  } catch (error) {
    return {
      diagnostics: [
        {
          checkId: check.id,
          severity: check.severity,
          message: `rendering failed: ${(error as Error).message.split('\n')[0]}`,
          location: { file: templateFile, line: 1, column: 1 },
        },
      ],
    };
  }
}

/** LF line ends, no trailing spaces, no runs of blank lines, one final newline. */
function normalizeText(text: string): string {
  return `${text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** A JSON-pointer-like path to the first place where `actual` differs from `expected`. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | undefined {
  const here = path || '/';
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return here;
    if (expected.length !== actual.length) return `${here} (length)`;
    for (let i = 0; i < expected.length; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}/${i}`);
      if (d) return d;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return here;
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)])) {
      if (!(k in e) || !(k in a)) return `${path}/${k}`;
      const d = firstDifference(e[k], a[k], `${path}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : here;
}
