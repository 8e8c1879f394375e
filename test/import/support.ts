/**
 * Shared by the import tests: scratch folders, reading back an imported repository, building it
 * the way `packsmith build` does and comparing each built template with its original.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import jsyaml from 'js-yaml';
import { loadRepository } from '../../src/authoring/repository.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildRepository, type BuiltPack } from '../../src/generator/build.js';
import { templateDifferences } from '../../src/import/equivalence.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { defaultTemplates } from '../support/templates.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A scratch folder outside the repository, removed after the file's tests. */
export function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-import-'));
  temps.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Every file below `dir`, relative path → content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

/** A template as the import reads it: short tags in long form. */
export function readOriginal(path: string): unknown {
  return parseYamlSource(path, readFileSync(path, 'utf8'), { cloudFormation: true }).value;
}

export interface Rebuilt {
  built: BuiltPack[];
  diagnostics: Diagnostic[];
  /** Pack name → the built template, parsed. */
  templates: Map<string, unknown>;
}

/** Builds every pack of the repository whose `packs/` folder is `packsDir`, as `packsmith build` does. */
export async function rebuild(packsDir: string): Promise<Rebuilt> {
  const repo = await loadRepository(dirname(packsDir), { packsDir });
  const result = buildRepository(repo, [], defaultTemplates(), { readme: false });
  const templates = new Map(
    result.built.map((b) => [b.name, jsyaml.load(b.template, { schema: jsyaml.CORE_SCHEMA })]),
  );
  return { built: result.built, diagnostics: [...result.diagnostics], templates };
}

/** For each pack name → its original template: the differences from what was built (none: equivalent). */
export function differencesByPack(
  originals: Record<string, unknown>,
  rebuilt: Rebuilt,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [pack, original] of Object.entries(originals)) {
    const built = rebuilt.templates.get(pack);
    out[pack] = built === undefined ? ['not built'] : templateDifferences(original, built);
  }
  return out;
}

export const errorsOf = (diagnostics: readonly Diagnostic[]) =>
  diagnostics.filter((d) => d.severity === 'error');
