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

/**
 * A schema document. No `$id`: an editor resolves references against it, and an address packsmith
 * does not serve made every schema fail to load; each document is self-contained instead.
 */
function document(schema: TSchema | Record<string, unknown>): string {
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...plain }, null, 2)}\n`;
}

/**
 * Any authoring file, chosen by its `kind`: one schema an editor can map to `packs/**\/*.yaml`, so a
 * file validates wherever it sits (a path in a per-file modeline breaks when the file moves).
 */
export function anyAuthoringFileSchema(): Record<string, unknown> {
  const kinds = Object.keys(authoringSchemas);
  return {
    title: 'packsmith authoring file',
    description: `A packsmith ${kinds.join(', ')} file; its \`kind\` says which.`,
    type: 'object',
    required: ['kind'],
    properties: { kind: { enum: kinds, description: 'What this file is: ' + kinds.join(', ') + '.' } },
    allOf: kinds.map((kind) => ({
      if: { properties: { kind: { const: kind } }, required: ['kind'] },
      then: { $ref: `#/definitions/${kind}` },
    })),
    definitions: JSON.parse(JSON.stringify(authoringSchemas)) as Record<string, unknown>,
  };
}

export function schemaFiles(): Array<[string, string]> {
  const files: Array<[string, string]> = [];
  for (const [kind, schema] of Object.entries(authoringSchemas)) {
    files.push([`schemas/${kind}.schema.json`, document(schema)]);
  }
  files.push(['schemas/packsmith.schema.json', document(anyAuthoringFileSchema())]);
  files.push(['schemas/config.schema.json', document(ConfigSchema)]);
  files.push(['schemas/deploy.schema.json', document(DeployConfigSchema)]);
  for (const [kind, schema] of Object.entries(outputSchemas)) {
    files.push([`schemas/output/${kind}.schema.json`, document(schema)]);
  }
  return files.sort(([a], [b]) => (a < b ? -1 : 1));
}
