/**
 * Build: compose every selected pack, render its template and Markdown page, and check the
 * deploy-time limits on the bytes that will be written. Pure given a template reader.
 */
import { composeRepository } from '../authoring/compose.js';
import type { ComposedPack } from '../authoring/model.js';
import { authoringChecks, fileRefused, type AuthoringCheckName } from '../authoring/problems.js';
import type { Repository } from '../authoring/repository.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { limits } from '../facts/limits.js';
import type { FileRead } from '../source/read-file.js';
import { displayPath } from '../util/paths.js';
import { renderPackReadme, renderPackTemplate } from './render.js';

export interface BuiltPack {
  name: string;
  manifest: string;
  /** The conformance pack template, LF, no BOM. */
  template: string;
  /** The Markdown page (empty when pages were not asked for). */
  readme: string;
  bytes: number;
  resources: number;
  parameters: number;
  pack: ComposedPack;
}

export interface BuildResult {
  built: BuiltPack[];
  diagnostics: Diagnostic[];
}

export interface TemplateSource {
  /** Absolute path of the default pack template and Markdown template. */
  defaultPackTemplate: string;
  defaultReadmeTemplate: string;
  /** Reads a template shipped with packsmith (trusted); throws when it cannot. */
  read(path: string): string;
  /**
   * Reads a pack's own template (`template:` of its manifest): a regular file inside the
   * repository `root`, within its size limit, or a refusal that holds none of its content.
   */
  readPackTemplate(path: string, root: string): FileRead;
}

export function buildRepository(
  repo: Repository,
  names: readonly string[],
  templates: TemplateSource,
  options: {
    readme?: boolean;
    /**
     * Told each built pack as it is built, with its template as rendering read it back (js-yaml,
     * core schema): the template checks use that value instead of parsing the text again, and it is
     * not kept once the callback returns (100 parsed templates held to the end cost more garbage
     * collection than the parse they save).
     */
    onBuilt?: (pack: BuiltPack, templateValue: unknown) => void;
  } = {},
): BuildResult {
  const wantReadme = options.readme ?? true;
  const composition = composeRepository(repo, names);
  const diagnostics = [...repo.diagnostics, ...composition.diagnostics];
  const built: BuiltPack[] = [];
  for (const pack of composition.packs) {
    const templatePath = pack.template ?? templates.defaultPackTemplate;
    const templateText = readTemplate(pack, repo, templates, diagnostics);
    if (templateText === undefined) continue;
    const rendered = renderPackTemplate(pack, templateText, displayPath(templatePath));
    const readme = wantReadme
      ? renderPackReadme(
          pack,
          templates.read(templates.defaultReadmeTemplate),
          displayPath(templates.defaultReadmeTemplate),
        )
      : { text: '', diagnostics: [] };
    diagnostics.push(...rendered.diagnostics, ...readme.diagnostics);
    if (rendered.text === undefined || readme.text === undefined) continue;
    const result: BuiltPack = {
      name: pack.name,
      manifest: pack.manifest,
      template: rendered.text,
      readme: readme.text,
      bytes: Buffer.byteLength(rendered.text, 'utf8'),
      resources: pack.rules.length + pack.remediations.length,
      parameters: pack.parameters.length,
      pack,
    };
    diagnostics.push(...limitProblems(result));
    built.push(result);
    options.onBuilt?.(result, rendered.value);
  }
  return { built, diagnostics: sortDiagnostics(diagnostics) };
}

/** The pack's template text; undefined after reporting, at its `template:` line, why it was not read. */
function readTemplate(
  pack: ComposedPack,
  repo: Repository,
  templates: TemplateSource,
  diagnostics: Diagnostic[],
): string | undefined {
  const at = () => repo.packs.get(pack.name)!.source.locate(['template']);
  if (pack.template === undefined) {
    try {
      return templates.read(templates.defaultPackTemplate);
    } catch (error) {
      diagnostics.push(
        problem('template-render', `cannot read the pack template: ${(error as Error).message}`, at),
      );
      return undefined;
    }
  }
  const read = templates.readPackTemplate(pack.template, repo.root);
  if (read.ok) return read.text;
  const named = `the pack template "${String(repo.packs.get(pack.name)!.value.template)}"`;
  if (read.reason === 'missing' || read.reason === 'unreadable') {
    diagnostics.push(problem('template-render', `cannot read ${named}: it ${read.message}`, at));
  } else diagnostics.push(fileRefused(named, read, at()));
  return undefined;
}

/** The deploy-time limits, checked on what will be written. */
export function limitProblems(built: BuiltPack): Diagnostic[] {
  const at = () => built.pack.origin.locate();
  const out: Diagnostic[] = [];
  if (built.resources > limits.resourcesPerPack) {
    out.push(
      problem(
        'pack-resource-limit',
        `pack "${built.name}" has ${built.resources} resources (${built.pack.rules.length} rules, ${built.pack.remediations.length} remediations); AWS allows ${limits.resourcesPerPack}`,
        at,
      ),
    );
  }
  if (built.bytes > limits.templateS3Bytes) {
    out.push(
      problem(
        'pack-size-limit',
        `the template of pack "${built.name}" is ${built.bytes} bytes; AWS allows ${limits.templateS3Bytes}`,
        at,
      ),
    );
  } else if (built.bytes > limits.templateBodyBytes) {
    out.push(
      problem(
        'pack-inline-size',
        `the template of pack "${built.name}" is ${built.bytes} bytes, over the ${limits.templateBodyBytes}-byte inline limit: deploy it from S3`,
        at,
      ),
    );
  }
  if (built.parameters > limits.inputParameters) {
    out.push(
      problem(
        'pack-parameter-count',
        `pack "${built.name}" declares ${built.parameters} parameters; at most ${limits.inputParameters} values can be passed at deploy time`,
        at,
      ),
    );
  }
  return out;
}

function problem(
  check: AuthoringCheckName,
  message: string,
  location: Diagnostic['location'] | (() => Diagnostic['location']),
): Diagnostic {
  const meta = authoringChecks[check];
  const d: Diagnostic = { checkId: meta.id, severity: meta.severity, message, fix: meta.fix };
  const where = typeof location === 'function' ? location() : location;
  if (where) d.location = where;
  return d;
}
