/**
 * Every JSON Schema packsmith ships, as file name → content. Generated from the TypeBox
 * definitions (the one source of the types too) by scripts/generate-schemas.ts; a test checks
 * that the committed files are current.
 */
import type { TSchema } from '@sinclair/typebox';
import { authoringSchemas } from '../../src/authoring/schema.js';
import { outputSchemas } from '../../src/report/schemas/index.js';
import { ConfigSchema } from '../../src/validation/config.js';
import { DeployConfigSchema } from '../../src/org/deploy-config.js';

const base = 'https://packsmith.dev/schemas';

function document(id: string, schema: TSchema): string {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `${base}/${id}`, ...plain }, null, 2)}\n`;
}

export function schemaFiles(): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  for (const [kind, schema] of Object.entries(authoringSchemas)) {
    files.push([`schemas/${kind}.schema.json`, document(`${kind}.schema.json`, schema)]);
  }
  files.push(['schemas/config.schema.json', document('config.schema.json', ConfigSchema)]);
  files.push(['schemas/deploy.schema.json', document('deploy.schema.json', DeployConfigSchema)]);
  for (const [kind, schema] of Object.entries(outputSchemas)) {
    files.push([`schemas/output/${kind}.schema.json`, document(`output/${kind}.schema.json`, schema)]);
  }
  return files.sort(([a], [b]) => (a < b ? -1 : 1));
}
