/**
 * JSON Schemas of the scaffolding commands: `packsmith init --format json` (kind `init`) and
 * `packsmith add rule --format json` (kind `add-rule`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { reportHeader } from './common.js';

const FilePath = Type.String({
  description: 'Path as reports show it: relative to the working folder, with `/`.',
});

export const InitOutputSchema = Type.Object(
  {
    ...reportHeader('init'),
    root: Type.String({ description: 'The pack repository folder.' }),
    created: Type.Array(FilePath, { description: 'Every file written, in the order written.' }),
    overwritten: Type.Array(FilePath, {
      description: 'The files of `created` that existed before and were replaced (only with --force).',
    }),
  },
  { additionalProperties: false, title: 'packsmith init output' },
);

export const AddRuleOutputSchema = Type.Object(
  {
    ...reportHeader('add-rule'),
    identifier: Type.String({ description: 'Managed rule identifier (SourceIdentifier).' }),
    block: Type.String({ description: 'Name of the new rule block.' }),
    file: FilePath,
    pack: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: 'The pack the block was added to (--pack).' }),
          manifest: FilePath,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith add rule output' },
);

export const scaffoldOutputSchemas = {
  init: InitOutputSchema,
  'add-rule': AddRuleOutputSchema,
} as const;

export type InitOutput = Static<typeof InitOutputSchema>;
export type AddRuleOutput = Static<typeof AddRuleOutputSchema>;
