import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import type { Catalog } from '../../src/catalog/types.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { checkTemplate, locateFindings } from '../../src/validation/validate-template.js';
import { join } from 'node:path';
import { inputFileLimits } from '../../src/facts/limits.js';
import type { TemplateSource } from '../../src/generator/build.js';
import { readUserFile } from '../../src/source/read-file.js';
import { packageRoot } from '../../src/util/package-root.js';

/** The templates shipped in templates/, read from disk. */
export function defaultTemplates(): TemplateSource {
  const dir = join(packageRoot(), 'templates');
  return {
    defaultPackTemplate: join(dir, 'conformance-pack.yaml.hbs'),
    defaultReadmeTemplate: join(dir, 'pack-readme.md.hbs'),
    read: (path) => readFileSync(path, 'utf8'),
    readPackTemplate: (path, root) =>
      readUserFile(path, { purpose: 'pack template', maxBytes: inputFileLimits.packTemplateBytes, root }),
  };
}

let catalog: Catalog | undefined;

/** Every template check's findings on a YAML template text, located (the text must parse). */
export function templateFindings(
  text: string,
  inline = false,
  regions: readonly string[] = [],
): Diagnostic[] {
  const source = parseYamlSource('t.yaml', text, { cloudFormation: true });
  expect(source.syntaxErrors).toEqual([]);
  catalog ??= loadCatalog();
  return locateFindings(source, checkTemplate(source, catalog, { inline, regions }));
}

/** The 1-based line of the first occurrence of `marker` in `text`. */
export function lineOf(text: string, marker: string): number {
  const i = text.indexOf(marker);
  if (i < 0) throw new Error(`marker not found: ${marker}`);
  return text.slice(0, i).split('\n').length;
}

/**
 * A one-rule conformance pack template whose rule input is a parameter (default `age`): the pack the
 * stack set engine tests deploy (issue 16).
 */
export const accessKeysPackTemplate = (age = '90'): string => `Parameters:
  MaxAccessKeyAge: { Type: String, Default: '${age}' }
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      Source: { Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED }
      InputParameters: { maxAccessKeyAge: !Ref MaxAccessKeyAge }
`;

/** A conformance pack template of one AWS managed rule, `extra` appended under its Properties. */
export const ruleTemplate = (identifier: string, extra = '') => `Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: rule
      Source:
        Owner: AWS
        SourceIdentifier: ${identifier}
${extra}`;

/**
 * A template of one S3_BUCKET_VERSIONING_ENABLED rule named `name`, `extra` (indented property
 * lines) written under its Properties before Source.
 */
export const namedRuleTemplate = (name: string, extra = '') => `Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: ${name}
${extra}      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
`;
