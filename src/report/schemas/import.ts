/** JSON Schema of `packsmith import --format json` (kind `import`). */
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from '../../util/typebox.js';
import { DiagnosticSchema, reportHeader } from './common.js';

const FilePath = Type.String({
  description: 'Path as reports show it: relative to the working folder, with `/`.',
});
const Count = Type.Integer({ minimum: 0 });

export const ImportOutputSchema = Type.Object(
  {
    ...reportHeader('import'),
    ok: Type.Boolean({
      description: 'True when every template was imported and every file written.',
    }),
    into: FilePath,
    templates: Type.Array(
      Type.Object(
        {
          file: FilePath,
          ok: Type.Boolean({ description: 'Imported; false: see the diagnostics located in this file.' }),
          pack: Type.Optional(Type.String({ description: 'Name of the pack made from it.' })),
          manifest: Type.Optional(FilePath),
          rules: Count,
          remediations: Count,
        },
        { additionalProperties: false },
      ),
      { description: 'Every template, in the order given.' },
    ),
    files: Type.Array(
      Type.Object(
        {
          path: FilePath,
          kind: literalUnion(['rule', 'remediation', 'pack'] as const),
          status: literalUnion(['created', 'overwritten', 'unchanged'] as const),
        },
        { additionalProperties: false },
      ),
      { description: 'The files of the import; empty when nothing was written.' },
    ),
    conflicts: Type.Array(FilePath, {
      description: 'Existing files with other content: nothing is written unless --force.',
    }),
    diagnostics: Type.Array(DiagnosticSchema),
    summary: Type.Object(
      {
        templates: Count,
        imported: Count,
        failed: Count,
        packs: Count,
        ruleBlocks: Count,
        remediationBlocks: Count,
        sharedBlocks: Type.Integer({ minimum: 0, description: 'Blocks used by two or more packs.' }),
        rules: Type.Integer({ minimum: 0, description: 'Rules in all imported templates.' }),
        remediations: Count,
        written: Type.Integer({ minimum: 0, description: 'Files created or overwritten.' }),
        unchanged: Type.Integer({ minimum: 0, description: 'Files that already had this content.' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'packsmith import output' },
);

export type ImportOutput = Static<typeof ImportOutputSchema>;
