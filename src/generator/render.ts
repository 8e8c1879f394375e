/**
 * Renders packs through handlebars templates. Two guarantees: a template may interpolate values
 * only through the YAML-safe (or Markdown-safe) helpers, checked on the template's syntax tree
 * before it runs; and the rendered YAML must parse back to exactly the template data composed from
 * the blocks. Either failure is reported, never written.
 *
 * YAML 1.1 readers (CloudFormation's among them) type more plain scalars than YAML 1.2 readers do
 * (`yes`, `on`, `012`, `1:30`). The helpers quote every such value, so only a template's own
 * literal text could read differently; that text is checked once per template, and every rendered
 * document is parsed back with a YAML 1.2 reader.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type HandlebarsCompiler from 'handlebars';
import HandlebarsRuntimeModule from 'handlebars/runtime.js';
import jsyaml from 'js-yaml';
import { describeSource } from '../authoring/compose.js';
import { displayValue, type ComposedPack } from '../authoring/model.js';
import { authoringChecks } from '../authoring/problems.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import {
  remediationProperties,
  ruleProperties,
  toTemplate,
  type ConformancePackTemplate,
} from './template.js';
import { precompiled } from './templates.generated.js';
import { block, comment, key, scalar, type JsonValue } from './yaml-emit.js';

type HelperSet = Record<string, HandlebarsCompiler.HelperDelegate>;
/** The handlebars runtime: renders precompiled templates (its typings only re-export the compiler's). */
const HandlebarsRuntime = HandlebarsRuntimeModule as unknown as typeof HandlebarsCompiler;
type HelperKind = 'yaml' | 'markdown';
type CompileOptions = NonNullable<Parameters<typeof HandlebarsCompiler.compile>[1]>;

let compiler: typeof HandlebarsCompiler | undefined;
/** The full handlebars (parser and compiler), loaded only for templates that are not precompiled. */
const handlebars = (): typeof HandlebarsCompiler =>
  (compiler ??= createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler);

/**
 * Options every pack template is compiled with (precompiled ones too): only the helpers of its kind
 * and the four block helpers are known, so the compiler refuses any other helper call, and the
 * built-ins that write (`log`) or look up by computed name (`lookup`) are unknown.
 */
export function compileOptions(kind: HelperKind): CompileOptions {
  const known = [...Object.keys(helperSets[kind]), ...blockHelpers];
  return {
    noEscape: true,
    strict: true,
    preventIndent: true,
    knownHelpersOnly: true,
    knownHelpers: {
      ...Object.fromEntries(known.map((h) => [h, true])),
      ...Object.fromEntries(removedBuiltins.map((h) => [h, false])),
    },
  };
}

/** Built-in helpers a pack template never needs: `log` writes to the console, `lookup` reads any key. */
const removedBuiltins = ['log', 'lookup'] as const;

/** Runtime options: values are read from own properties only (handlebars' default, stated here). */
const runtimeOptions: HandlebarsCompiler.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

/**
 * A handlebars environment of its own for pack templates: packsmith's helpers of `kind`, the block
 * helpers, no `log`, no `lookup`, no `inline` decorator, and a logger that writes nowhere.
 */
function isolatedEnvironment(base: typeof HandlebarsCompiler, kind: HelperKind): typeof HandlebarsCompiler {
  const env = base.create();
  for (const name of removedBuiltins) env.unregisterHelper(name);
  env.unregisterDecorator('inline');
  env.log = () => undefined;
  env.registerHelper(helperSets[kind]);
  return env;
}

/** The templates packsmith ships in templates/, precompiled by scripts/generate-templates.ts. */
export const shippedTemplates: ReadonlyArray<{ file: string; helpers: HelperKind }> = [
  { file: 'conformance-pack.yaml.hbs', helpers: 'yaml' },
  { file: 'pack-readme.md.hbs', helpers: 'markdown' },
];
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

const helperSets: Record<HelperKind, HelperSet> = { yaml: yamlHelpers, markdown: markdownHelpers };

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

/**
 * Every interpolation in `text` that does not go through one of `allowed` helpers, and every other
 * helper call. The whole syntax tree is walked: statements, block parameters, hash values and
 * subexpressions at any depth. A mustache or subexpression may call only an `allowed` helper (with at
 * least one argument); a block only if, unless, each or with; partials, decorators and raw blocks
 * never. Plain paths and literals as arguments are data and pass.
 */
export function unsafeInterpolations(text: string, allowed: ReadonlySet<string>): TemplateProblem[] {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars().parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'syntax error';
    const m = /line (\d+)/.exec((error as Error).message);
    return [{ message: `handlebars syntax error: ${message}`, line: m ? Number(m[1]) : 1, column: 1 }];
  }
  const problems: TemplateProblem[] = [];
  const report = (node: hbs.AST.Node, message: string) =>
    problems.push({ message, line: node.loc.start.line, column: node.loc.start.column + 1 });
  const helpers = [...allowed].map((h) => `{{${h} …}}`).join(', ');
  const visit = (node: hbs.AST.Node | undefined | null): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        return;
      case 'MustacheStatement':
      case 'SubExpression': {
        const m = node as hbs.AST.MustacheStatement | hbs.AST.SubExpression;
        const name = helperName(m.path);
        if (!allowed.has(name) || m.params.length === 0) {
          const what = node.type === 'SubExpression' ? `(${name || '…'})` : `{{${name || '…'}}}`;
          report(node, `${what} writes a value without a safe helper; use one of ${helpers}`);
        }
        visitArguments(m);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = helperName(b.path);
        if (!blockHelpers.has(name)) {
          report(node, `block helper {{#${name || '…'}}} is not allowed; use if, unless, each or with`);
        }
        visitArguments(b);
        visit(b.program);
        visit(b.inverse);
        return;
      }
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      default:
        // partials, partial blocks, decorators, decorator blocks and anything a later handlebars adds
        report(node, 'partials and decorators are not allowed in pack templates');
    }
  };
  const visitArguments = (call: {
    path: hbs.AST.Expression;
    params: hbs.AST.Expression[];
    hash?: hbs.AST.Hash;
  }): void => {
    visitExpression(call.path);
    for (const param of call.params) visitExpression(param);
    for (const pair of call.hash?.pairs ?? []) visitExpression(pair.value);
  };
  const visitExpression = (expression: hbs.AST.Expression): void => {
    if (expression.type === 'SubExpression') visit(expression);
  };
  visit(ast);
  return problems;
}

/** The helper a call names: its path when that is a plain path, '' for a literal or subexpression. */
function helperName(path: hbs.AST.Expression): string {
  return path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : '';
}

const compiled = new Map<string, HandlebarsCompiler.TemplateDelegate>();
const precompiledByHash = new Map(
  Object.values(precompiled as Record<string, { sha256: string; spec: unknown }>).map((t) => [
    t.sha256,
    t.spec,
  ]),
);

/**
 * A render function for `text`, compiled once per text and helper set: a build renders many packs
 * with one template. A shipped template found unchanged uses its precompiled form.
 */
function compile(text: string, kind: HelperKind): HandlebarsCompiler.TemplateDelegate {
  const hash = createHash('sha256').update(text).digest('hex');
  const cacheKey = `${kind}:${hash}`;
  let fn = compiled.get(cacheKey);
  if (fn === undefined) {
    const spec = precompiledByHash.get(hash);
    const render = spec
      ? isolatedEnvironment(HandlebarsRuntime, kind).template(
          spec as Parameters<typeof HandlebarsCompiler.template>[0],
        )
      : isolatedEnvironment(handlebars(), kind).compile(text, compileOptions(kind));
    fn = (context: unknown) => render(context, runtimeOptions);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

const checked = new Map<string, TemplateProblem[]>();

/**
 * Safety problems of a template: interpolations without a safe helper and, for YAML, literals
 * that YAML 1.1 reads differently. Shipped templates were checked when they were precompiled.
 */
export function templateProblems(text: string, kind: HelperKind): TemplateProblem[] {
  const hash = createHash('sha256').update(text).digest('hex');
  if (precompiledByHash.has(hash)) return [];
  const cacheKey = `${kind}:${hash}`;
  let problems = checked.get(cacheKey);
  if (!problems) {
    problems = unsafeInterpolations(text, new Set(Object.keys(helperSets[kind])));
    if (problems.length === 0 && kind === 'yaml') problems = yaml11Hazards(text);
    checked.set(cacheKey, problems);
  }
  return problems;
}

/** Plain scalars that YAML 1.1 types but YAML 1.2 reads as strings (or the other way round). */
const yaml11Typed = [
  /^(?:y|n|yes|no|on|off)$/i,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?0b[01_]+$/,
  /^[-+]?0o[0-7]+$/,
  /^[-+]?[0-9][0-9_]*_[0-9_]*$/,
  /^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/,
];

/** Literal text of a template whose plain scalars read differently under YAML 1.1 and 1.2. */
export function yaml11Hazards(text: string): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const ast = handlebars().parse(text);
  for (const node of walkContent(ast)) {
    const lines = node.value.split('\n');
    lines.forEach((line, i) => {
      const m = /^(\s*(?:-\s+)*(?:[^\s#'"][^#]*?:\s+|-\s+))([^\s#'"[{|>!&*][^#]*?)\s*(?:#.*)?$/.exec(line);
      if (!m) return;
      const scalar = m[2]!;
      if (yaml11Typed.some((re) => re.test(scalar))) {
        problems.push({
          message: `the literal ${JSON.stringify(scalar)} reads differently in YAML 1.1 and 1.2; quote it`,
          line: node.loc.start.line + i,
          column: (i === 0 ? node.loc.start.column : 0) + m[1]!.length + 1,
        });
      }
    });
  }
  return problems;
}

function* walkContent(node: hbs.AST.Node | null | undefined): Generator<hbs.AST.ContentStatement> {
  if (!node) return;
  if (node.type === 'ContentStatement') yield node as hbs.AST.ContentStatement;
  else if (node.type === 'Program')
    for (const child of (node as hbs.AST.Program).body) yield* walkContent(child);
  else if (node.type === 'BlockStatement') {
    yield* walkContent((node as hbs.AST.BlockStatement).program);
    yield* walkContent((node as hbs.AST.BlockStatement).inverse);
  }
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
    mappings: Object.entries(model.Mappings ?? {}).map(([name, map]) => ({ name, map })),
    conditions: Object.entries(model.Conditions ?? {}).map(([name, expression]) => ({ name, expression })),
    rules: pack.rules.map((r) => ({
      logicalId: r.logicalId,
      ruleName: r.ruleName,
      condition: r.condition ?? '',
      controls: r.controls,
      properties: ruleProperties(r),
    })),
    remediations: pack.remediations.map((r) => ({
      logicalId: r.logicalId,
      condition: r.condition ?? '',
      dependsOn: r.ruleLogicalId,
      properties: remediationProperties(r),
    })),
  };
}

export interface RenderedTemplate {
  text?: string;
  /** `text` as js-yaml read it (core schema) to prove it equals the model: checks need not parse it again. */
  value?: unknown;
  diagnostics: Diagnostic[];
}

/**
 * Renders the pack's template and proves the output equals the composed model.
 * `templateFile` is the display path used in diagnostics.
 */
export function renderPackTemplate(
  pack: ComposedPack,
  templateText: string,
  templateFile: string,
): RenderedTemplate {
  const check = authoringChecks['template-render'];
  const problem = (message: string, line = 1, column = 1): Diagnostic => ({
    checkId: check.id,
    severity: check.severity,
    message,
    fix: check.fix,
    location: { file: templateFile, line, column },
  });
  const unsafe = templateProblems(templateText, 'yaml');
  if (unsafe.length) return { diagnostics: unsafe.map((u) => problem(u.message, u.line, u.column)) };

  const model = toTemplate(pack);
  let text: string;
  try {
    text = compile(templateText, 'yaml')(packView(pack, model));
  } catch (error) {
    return { diagnostics: [problem(`rendering failed: ${(error as Error).message.split('\n')[0]}`)] };
  }
  text = normalizeText(text);
  let parsed: unknown;
  try {
    parsed = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  } catch (error) {
    return {
      diagnostics: [
        problem(`the rendered template is not valid YAML: ${(error as Error).message.split('\n')[0]}`),
      ],
    };
  }
  const difference = firstDifference(model, parsed);
  if (difference !== undefined) {
    return {
      diagnostics: [
        problem(
          `the rendered template differs from pack "${pack.name}" at ${difference}; the template must not add, drop or change values`,
        ),
      ],
    };
  }
  return { text, value: parsed, diagnostics: [] };
}

/** The Markdown page of a pack. */
export function renderPackReadme(
  pack: ComposedPack,
  templateText: string,
  templateFile: string,
): RenderedTemplate {
  const check = authoringChecks['template-render'];
  const unsafe = templateProblems(templateText, 'markdown');
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
  for (const r of pack.rules)
    for (const c of r.controls) controls.set(c, [...(controls.get(c) ?? []), r.ruleName]);
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
            ...(r.scope.tagKey
              ? [`tag ${r.scope.tagKey}${r.scope.tagValue ? `=${r.scope.tagValue}` : ''}`]
              : []),
          ]
        : [],
      frequency: r.maximumExecutionFrequency ? displayValue(r.maximumExecutionFrequency) : '',
      controls: r.controls,
    })),
    parameters: pack.parameters.map((p) => ({
      name: p.name,
      default: parameterDefault.get(p.name)?.default ?? '',
      description: p.description ?? '',
    })),
    remediations: pack.remediations.map((r) => ({
      ruleName: r.ruleName,
      runbook: r.targetVersion
        ? `${displayValue(r.targetId)} v${displayValue(r.targetVersion)}`
        : displayValue(r.targetId),
      mode: r.automatic ? 'automatic' : 'manual',
      parameters: r.parameters.map(({ name, value }) =>
        value.kind === 'static'
          ? `${name} = ${value.values.map((v) => displayValue(v)).join(', ')}`
          : value.kind === 'resource-id'
            ? `${name} = resource id`
            : `${name} = parameter ${value.parameter}`,
      ),
    })),
    controls: [...controls.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, rules]) => ({ id, rules })),
  };
  try {
    return { text: normalizeText(compile(templateText, 'markdown')(view)), diagnostics: [] };
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
    // The keys of `expected`, then those of `actual` it does not have, in that order (no set is
    // made: this runs for every object of every built template).
    for (const k of Object.keys(e)) {
      if (!(k in a)) return `${path}/${k}`;
      const d = firstDifference(e[k], a[k], `${path}/${k}`);
      if (d) return d;
    }
    for (const k of Object.keys(a)) {
      if (Object.prototype.propertyIsEnumerable.call(e, k)) continue;
      if (!(k in e)) return `${path}/${k}`;
      const d = firstDifference(e[k], a[k], `${path}/${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(expected, actual) ? undefined : here;
}
