/**
 * JSON Schemas of the scaffolding commands: `packsmith init --format json` (kind `init`) and
 * `packsmith add rule --format json` (kind `add-rule`) and `packsmith add remediation --format json`
 * (kind `add-remediation`).
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
    identifier: Type.Optional(
      Type.String({ description: 'Managed rule identifier (SourceIdentifier); absent for a Guard rule (--guard).' }),
    ),
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

const RunbookProposal = Type.Object(
  {
    name: Type.String({ description: 'SSM document name.' }),
    reason: Type.Union([Type.Literal('sample-pack'), Type.Literal('resource-type'), Type.Literal('name')], {
      description:
        "sample-pack: AWS's sample packs attach it to this managed rule; resource-type: it is for the rule's resource type; name: its name shares words with the rule's identifier.",
    }),
    why: Type.String({ description: 'One line saying why it was proposed.' }),
    resourceIdParameter: Type.Optional(
      Type.String({ description: "The parameter bound to the non-compliant resource's id." }),
    ),
    resourceIdConfirmed: Type.Boolean({
      description: "True when AWS's sample packs (or a catalog extension) confirm the binding; false for a guess.",
    }),
  },
  { additionalProperties: false },
);

export const AddRemediationOutputSchema = Type.Object(
  {
    ...reportHeader('add-remediation'),
    rule: Type.String({ description: 'The rule block the remediation is for.' }),
    block: Type.String({ description: 'Name of the new remediation block.' }),
    file: FilePath,
    dryRun: Type.Boolean({ description: 'True with --dry-run: nothing was written.' }),
    runbook: RunbookProposal,
    alternatives: Type.Array(RunbookProposal, { description: 'The other proposals, best first.' }),
    pack: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: 'The pack the block was (or would be) added to.' }),
          manifest: FilePath,
        },
        { additionalProperties: false },
      ),
    ),
    fillIn: Type.Array(Type.String(), {
      description: 'Parameters left as <REPLACE-ME…> placeholders: build fails until they are filled in.',
    }),
  },
  { additionalProperties: false, title: 'packsmith add remediation output' },
);

export const scaffoldOutputSchemas = {
  init: InitOutputSchema,
  'add-rule': AddRuleOutputSchema,
  'add-remediation': AddRemediationOutputSchema,
} as const;

export type InitOutput = Static<typeof InitOutputSchema>;
export type AddRuleOutput = Static<typeof AddRuleOutputSchema>;
export type AddRemediationOutput = Static<typeof AddRemediationOutputSchema>;
