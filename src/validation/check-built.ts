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

/** Template checks that see what the authoring stage cannot. */
export const builtTemplateChecks = templateChecks.filter((c) => !allAuthoringCheckIds.has(c.meta.id));

export function checkBuiltPacks(built: readonly BuiltPack[], catalog: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const pack of built) {
    const source = parseYamlSource(`${pack.name}.yaml`, pack.template, { cloudFormation: true });
    for (const finding of checkTemplate(source, catalog, { checks: builtTemplateChecks })) {
      const { path, part: _part, ...rest } = finding;
      const origin = originOf(pack.pack, path) ?? pack.pack.origin.locate();
      out.push({ ...rest, location: origin });
    }
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
  options: { readme?: boolean } = {},
): BuildResult {
  const result = buildRepository(repo, names, templates, { readme: options.readme ?? false });
  return {
    built: result.built,
    diagnostics: sortDiagnostics([...result.diagnostics, ...checkBuiltPacks(result.built, repo.catalog)]),
  };
}
