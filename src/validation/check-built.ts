/**
 * packsmith's template checks on templates it built, the one way `build` and `validate` both get
 * them. The authoring stage already reports every mistake it can see, at the exact authoring
 * position; a template check that finds the same mistake shares its id, so only the checks with no
 * authoring counterpart run here (placeholders left in values, PS302, for example). Their findings
 * are mapped back to the authoring line that produced the value. Pure.
 */
import { allAuthoringCheckIds } from '../authoring/problems.js';
import type { Catalog } from '../catalog/types.js';
import type { Repository } from '../authoring/repository.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import {
  buildRepository,
  type BuildResult,
  type BuiltPack,
  type TemplateSource,
} from '../generator/build.js';
import { parseYamlSource } from '../source/yaml-source.js';
import { templateChecks } from './checks/index.js';
import { originOf } from './source-map.js';
import { checkTemplate } from './validate-template.js';

/**
 * Whether the authoring stage reports something inside the YAML node that `d` is mapped to: the
 * lines below its location indented deeper (a key with a block), or, for a key with a plain value,
 * the rest of the mapping it belongs to (`expose:` stands for its parameter's whole entry).
 */
function reportedWithin(
  d: Diagnostic,
  authoring: readonly Diagnostic[],
  texts: ReadonlyMap<string, string>,
): boolean {
  const at = d.location;
  if (!at) return false;
  const lines = texts.get(at.file)?.split(/\r?\n/) ?? [];
  const indent = (line: string) => line.length - line.trimStart().length;
  const content = (line: string | undefined) =>
    line !== undefined && line.trim() !== '' && !line.trimStart().startsWith('#');
  const own = indent(lines[at.line - 1] ?? '');
  const firstBelow = lines.slice(at.line).find(content);
  const hasBlock = firstBelow !== undefined && indent(firstBelow) > own;
  let end = at.line;
  while (end < lines.length) {
    const next = lines[end]!;
    if (content(next) && (hasBlock ? indent(next) <= own : indent(next) < own)) break;
    end += 1;
  }
  return authoring.some(
    (a) => a.location?.file === at.file && a.location.line >= at.line && a.location.line <= end,
  );
}

/** Template checks that see what the authoring stage cannot. */
export const builtTemplateChecks = templateChecks.filter((c) => !allAuthoringCheckIds.has(c.meta.id));

/**
 * The template checks of one built pack, mapped to authoring lines. `templateValue`, when given, is
 * the template as rendering read it (core schema): not parsed again.
 */
function checkBuiltPack(
  pack: BuiltPack,
  templateValue: unknown,
  catalog: Catalog,
  regions: readonly string[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const source = parseYamlSource(`${pack.name}.yaml`, pack.template, {
    cloudFormation: true,
    ...(templateValue !== undefined ? { coreValue: { text: pack.template, value: templateValue } } : {}),
  });
  for (const finding of checkTemplate(source, catalog, { checks: builtTemplateChecks, regions })) {
    const { path, part: _part, ...rest } = finding;
    const origin = originOf(pack.pack, path) ?? pack.pack.origin.locate();
    out.push({ ...rest, location: origin });
  }
  return out;
}

/**
 * Everything packsmith finds in a repository's packs, the one check `build` and `validate` share:
 * loading, composing, rendering and limits (with the built packs), then the template checks above
 * on what was built.
 */
export function checkRepository(
  repo: Repository,
  names: readonly string[],
  templates: TemplateSource,
  options: { readme?: boolean; regions?: readonly string[] } = {},
): BuildResult {
  const checked: Diagnostic[] = [];
  const result = buildRepository(repo, names, templates, {
    readme: options.readme ?? false,
    onBuilt: (pack, value) =>
      checked.push(...checkBuiltPack(pack, value, repo.catalog, options.regions ?? [])),
  });
  // A value the authoring stage already reports (under its own id) is not reported again by a
  // template check mapped back to it: one defect, one finding, the author's.
  const fromTemplates = checked.filter((d) => !reportedWithin(d, result.diagnostics, repo.texts));
  return { built: result.built, diagnostics: sortDiagnostics([...result.diagnostics, ...fromTemplates]) };
}
