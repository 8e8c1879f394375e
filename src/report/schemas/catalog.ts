/**
 * JSON Schemas of `packsmith catalog list --format json` (kind `catalog-list`) and
 * `packsmith catalog show --format json` (kind `catalog-show`). The entries are the catalog's own
 * `ManagedRule` / `Runbook` (src/catalog/types.ts); test/cli/catalog.test.ts validates real output
 * against these schemas and checks that the types and schemas agree.
 */
import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { ruleParameterTypes } from '../../facts/enums.js';
import { outputSchemaVersion } from '../json-document.js';

const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  ) as unknown as TUnion<Array<TLiteral<T[number]>>>;

const Origin = literals(
  ['aws', 'repository'] as const,
  'aws: shipped catalog; repository: a catalog extension file.',
);

const Provenance = Type.Record(Type.String(), Type.String(), {
  description: 'Where each fact came from, by field (documentation page, snapshot, extension file).',
});

export const ManagedRuleParameterOutputSchema = Type.Object(
  {
    name: Type.String(),
    type: literals(ruleParameterTypes, 'What the string value must parse as.'),
    optional: Type.Boolean({ description: 'The documentation marks it "(Optional)".' }),
    default: Type.Optional(Type.String({ description: 'Documented default, as the template carries it.' })),
  },
  { additionalProperties: false },
);

export const ManagedRuleOutputSchema = Type.Object(
  {
    identifier: Type.String({ description: 'SourceIdentifier, e.g. S3_BUCKET_VERSIONING_ENABLED.' }),
    name: Type.String({ description: 'Documented rule name, e.g. s3-bucket-versioning-enabled.' }),
    triggers: Type.Object(
      { configurationChange: Type.Boolean(), periodic: Type.Boolean() },
      { additionalProperties: false },
    ),
    resourceTypes: Type.Array(Type.String(), { description: 'Empty for account-level rules.' }),
    parameters: Type.Array(ManagedRuleParameterOutputSchema),
    description: Type.Optional(
      Type.String({
        description: "What the rule checks: the opening sentence(s) of its Developer Guide page (AWS's wording).",
      }),
    ),
    documentationUrl: Type.Optional(
      Type.String({ description: "The rule's AWS Config Developer Guide page." }),
    ),
    availability: Type.Optional(
      Type.Object(
        {
          available: Type.Optional(Type.Array(Type.String())),
          unavailable: Type.Optional(Type.Array(Type.String())),
        },
        {
          additionalProperties: false,
          description:
            'Where AWS documents the rule: exactly one list, relative to the catalog\'s documented Regions; ' +
            'a Region outside them has no data (unknown).',
        },
      ),
    ),
    deprecated: Type.Optional(Type.String({ description: "The documentation's deprecation note." })),
    origin: Origin,
    provenance: Provenance,
  },
  { additionalProperties: false },
);

export const RunbookParameterOutputSchema = Type.Object(
  {
    name: Type.String(),
    type: Type.String({
      description: 'SSM parameter type as documented: String, Boolean, Integer, StringList, ...',
    }),
    required: Type.Boolean(),
    default: Type.Optional(Type.String()),
    allowedValues: Type.Optional(Type.Array(Type.String())),
    allowedPattern: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const RunbookSampleUseOutputSchema = Type.Object(
  {
    pack: Type.String(),
    configRule: Type.String(),
    resourceIdParameter: Type.Array(Type.String()),
    staticParameters: Type.Array(Type.String()),
    targetType: Type.String(),
    automatic: Type.Union([Type.Boolean(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const RunbookOutputSchema = Type.Object(
  {
    name: Type.String({ description: 'SSM document name, e.g. AWS-EnableS3BucketEncryption.' }),
    parameters: Type.Array(RunbookParameterOutputSchema),
    assumeRoleParameter: Type.Optional(Type.String()),
    resourceIdParameterCandidates: Type.Array(Type.String(), {
      description: 'A name-based guess at the resource-id parameter, not a documented fact.',
    }),
    resourceIdParameter: Type.Optional(
      Type.String({
        description: 'Confirmed resource-id parameter (AWS sample packs or a catalog extension).',
      }),
    ),
    family: Type.Optional(Type.String()),
    documentType: Type.Optional(Type.String()),
    observedInSamplePacks: Type.Optional(Type.Array(RunbookSampleUseOutputSchema)),
    origin: Origin,
    provenance: Provenance,
  },
  { additionalProperties: false },
);

const header = <K extends string>(kind: K) => ({
  schemaVersion: Type.Literal(outputSchemaVersion),
  kind: Type.Literal(kind),
});

export const CatalogListOutputSchema = Type.Union(
  [
    Type.Object(
      { ...header('catalog-list'), rules: Type.Array(ManagedRuleOutputSchema) },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...header('catalog-list'), runbooks: Type.Array(RunbookOutputSchema) },
      { additionalProperties: false },
    ),
  ],
  {
    title: 'packsmith catalog list output',
    description:
      'Managed rules (default) or runbooks (--runbooks) matching the filters, sorted, full entries.',
  },
);

export const CatalogShowOutputSchema = Type.Union(
  [
    Type.Object(
      { ...header('catalog-show'), entry: Type.Literal('rule'), rule: ManagedRuleOutputSchema },
      { additionalProperties: false },
    ),
    Type.Object(
      { ...header('catalog-show'), entry: Type.Literal('runbook'), runbook: RunbookOutputSchema },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        ...header('catalog-show'),
        entry: Type.Literal('process-check'),
        processCheck: Type.Object(
          { identifier: Type.Literal('AWS_CONFIG_PROCESS_CHECK'), description: Type.String() },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    title: 'packsmith catalog show output',
    description: 'One managed rule, runbook or the process-check identifier; `entry` says which.',
  },
);

/** The catalog command's output schemas by `kind` (file name in schemas/output/: `<kind>.json`). */
export const catalogOutputSchemas = {
  'catalog-list': CatalogListOutputSchema,
  'catalog-show': CatalogShowOutputSchema,
} as const satisfies Record<string, TSchema>;

export type CatalogListOutput = Static<typeof CatalogListOutputSchema>;
export type CatalogShowOutput = Static<typeof CatalogShowOutputSchema>;
