/**
 * The authoring formats, defined once: TypeBox gives both the JSON Schemas (shipped in schemas/ for
 * editors, used by ajv at load time) and the TypeScript types, so the two cannot drift.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { literalUnion } from '../util/typebox.js';
import { evaluationModes, executionFrequencies, messageTypes, ruleParameterTypes } from '../facts/enums.js';
import { limits } from '../facts/limits.js';

const Name = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  minLength: 1,
  maxLength: limits.ruleNameLength,
  description: 'Identifier of this block: letters, digits, ".", "_" and "-".',
});

/** A value written into a template: numbers and booleans are accepted and written as strings. */
const ScalarValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
/** Lists are joined with "," for CSV parameters. */
const ParameterValue = Type.Union([ScalarValue, Type.Array(ScalarValue)]);

const Frequency = literalUnion(executionFrequencies, 'How often a periodic rule runs.');

/**
 * A raw CloudFormation value, written to the template verbatim: intrinsic functions (Fn::Sub,
 * Fn::FindInMap, Fn::ImportValue, Fn::Join, Ref to a parameter or a pseudo parameter) that
 * CloudFormation evaluates when it deploys the pack. Checked on the built template (PS203, PS206,
 * undefined references), reported at the line of this value.
 */
export const CfnValueSchema = Type.Object(
  { cfn: Type.Unknown({ description: 'Any JSON/YAML value; written to the template as is.' }) },
  {
    additionalProperties: false,
    description: 'A raw CloudFormation value (intrinsic functions, pseudo parameters), written as is.',
  },
);

/** A logical id in the template: a parameter or condition name. */
const LogicalName = Type.String({ pattern: '^[A-Za-z0-9]+$', minLength: 1, maxLength: 255 });

/** A reference to a pack parameter (`Ref`), where a literal could be written instead. */
export const ParameterReferenceSchema = Type.Object(
  { parameter: LogicalName },
  { additionalProperties: false, description: 'The value of this pack parameter (Ref).' },
);

/** A frequency: literal, a pack parameter's value, or a raw CloudFormation value. */
const FrequencyValue = Type.Union([Frequency, ParameterReferenceSchema, CfnValueSchema]);

export const ExposedParameterSchema = Type.Object(
  {
    expose: Type.Optional(
      Type.Union([Type.Boolean(), Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 255 })], {
        description:
          'Name of the pack parameter that carries this input (true: derived from the rule and parameter names).',
      }),
    ),
    default: Type.Optional(
      Type.Union([ScalarValue, Type.Array(ScalarValue)], {
        description:
          "Default of the pack parameter. Without it: the rule block's value or default for this input " +
          "(when a pack's override re-exposes it), else the managed rule's documented default; " +
          'else empty when the rule does not require the input.',
      }),
    ),
    description: Type.Optional(
      Type.String({
        maxLength: limits.parameterDescriptionLength,
        description:
          "Description of the pack parameter. Without it: the rule block's description of this input " +
          "(when a pack's override re-exposes it), else one naming the input, its type and the managed rule.",
      }),
    ),
    optional: Type.Optional(
      Type.Boolean({
        description:
          'An empty value at deploy time drops the key from InputParameters (Fn::If on a condition ' +
          '"parameter is not empty", with AWS::NoValue). Default: whether the managed rule documents ' +
          'the input as optional or with a default.',
      }),
    ),
    condition: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9]+$',
        description:
          'Name of the pack condition (manifest `conditions:`) that keeps the key: ' +
          'Fn::If [condition, Ref parameter, AWS::NoValue]. Implies optional.',
      }),
    ),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    pattern: Type.Optional(Type.String({ description: 'Regular expression the whole value must match.' })),
    allowedValues: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    minItems: Type.Optional(Type.Integer({ minimum: 0, description: 'Minimum number of CSV items.' })),
    maxItems: Type.Optional(Type.Integer({ minimum: 0, description: 'Maximum number of CSV items.' })),
  },
  {
    additionalProperties: false,
    description:
      'An input exposed as a pack parameter (`{ expose: true }`, or any object): the rule passes the ' +
      "parameter's value (Ref). The parameter keeps the default and description the rule block or the " +
      'managed-rule catalog gives for the input unless written here.',
  },
);

const RuleParameterSpec = Type.Union([ParameterValue, CfnValueSchema, ExposedParameterSchema]);

export const ScopeSchema = Type.Object(
  {
    resourceTypes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9]+::[A-Za-z0-9]*::[A-Za-z0-9]+$' }), {
        maxItems: limits.scopeResourceTypes,
      }),
    ),
    resourceId: Type.Optional(Type.String({ minLength: 1, maxLength: limits.scopeResourceIdLength })),
    tagKey: Type.Optional(Type.String({ minLength: 1, maxLength: limits.scopeTagKeyLength })),
    tagValue: Type.Optional(Type.String({ minLength: 1, maxLength: limits.scopeTagValueLength })),
  },
  { additionalProperties: false },
);

const ManagedSource = Type.Object(
  { managed: Type.String({ minLength: 1, maxLength: limits.sourceIdentifierLength }) },
  { additionalProperties: false },
);

const LambdaTrigger = Type.Union([
  literalUnion(messageTypes),
  Type.Object(
    {
      messageType: literalUnion(messageTypes),
      maximumExecutionFrequency: Type.Optional(FrequencyValue),
    },
    {
      additionalProperties: false,
      description: 'A SourceDetails entry with its own MaximumExecutionFrequency (periodic triggers).',
    },
  ),
]);

const LambdaSource = Type.Object(
  {
    lambda: Type.Object(
      {
        arn: Type.Union([
          Type.String({ pattern: '^arn:aws[a-z-]*:lambda:', maxLength: limits.sourceIdentifierLength }),
          ParameterReferenceSchema,
          CfnValueSchema,
        ]),
        triggers: Type.Array(LambdaTrigger, { minItems: 1, maxItems: limits.sourceDetails }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
/** A test case of a Guard policy rule: a configuration item (inline or a file) and the verdict Config would give it. */
const GuardTestCase = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '\\S' }),
    item: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'The configuration item as AWS Config passes it to the policy (resourceType, configuration, supplementaryConfiguration, tags, …).',
      }),
    ),
    file: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'A JSON or YAML file holding the configuration item, relative to this file (instead of item).',
      }),
    ),
    expect: literalUnion(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] as const),
  },
  { additionalProperties: false },
);
const GuardSource = Type.Object(
  {
    guard: Type.Object(
      {
        policy: Type.Optional(Type.String({ maxLength: limits.guardPolicyTextLength })),
        file: Type.Optional(Type.String({ description: 'Path of a .guard file, relative to this file.' })),
        triggers: Type.Optional(
          Type.Array(
            literalUnion([
              'ConfigurationItemChangeNotification',
              'OversizedConfigurationItemChangeNotification',
            ] as const),
            { minItems: 1 },
          ),
        ),
        debugLogDelivery: Type.Optional(Type.Union([Type.Boolean(), CfnValueSchema])),
        identifier: Type.Optional(
          Type.String({
            minLength: 1,
            maxLength: limits.sourceIdentifierLength,
            description: 'SourceIdentifier of the custom policy rule, when the template gives one.',
          }),
        ),
        tests: Type.Optional(
          Type.Array(GuardTestCase, {
            minItems: 1,
            description: 'Cases `packsmith test` evaluates with cfn-guard as AWS Config would.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const RuleBlockSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    kind: Type.Literal('rule'),
    name: Name,
    ruleName: Type.Optional(
      Type.Union(
        [
          Type.String({ minLength: 1, maxLength: limits.ruleNameLength, pattern: '\\S' }),
          ParameterReferenceSchema,
          Type.Literal(false),
        ],
        {
          description:
            'ConfigRuleName; defaults to the block name. `{ parameter: NAME }`: the value of a pack ' +
            'parameter (Ref; plans and pages show its default). `false`: the template gives no ' +
            'ConfigRuleName and CloudFormation generates one (plans and pages show the logical id).',
        },
      ),
    ),
    description: Type.Optional(Type.String({ maxLength: limits.ruleDescriptionLength })),
    source: Type.Union([ManagedSource, LambdaSource, GuardSource]),
    scope: Type.Optional(ScopeSchema),
    parameters: Type.Optional(Type.Record(Type.String({ minLength: 1 }), RuleParameterSpec)),
    maximumExecutionFrequency: Type.Optional(FrequencyValue),
    evaluationModes: Type.Optional(
      Type.Array(literalUnion(evaluationModes), { minItems: 1, uniqueItems: true }),
    ),
    controls: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { maxItems: limits.controlsPerRule, uniqueItems: true }),
    ),
  },
  { additionalProperties: false, title: 'packsmith rule block' },
);

const RemediationParameterSpec = Type.Union([
  ScalarValue,
  CfnValueSchema,
  Type.Object({ value: ScalarValue }, { additionalProperties: false }),
  Type.Object(
    { values: Type.Array(Type.Union([ScalarValue, CfnValueSchema]), { maxItems: limits.staticValues }) },
    { additionalProperties: false },
  ),
  Type.Object({ resourceId: Type.Literal(true) }, { additionalProperties: false }),
  Type.Object({ parameter: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
]);

export const RemediationBlockSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    kind: Type.Literal('remediation'),
    name: Name,
    rule: Type.String({ minLength: 1, description: 'Name of the rule block this remediates.' }),
    runbook: Type.Union([
      Type.String({ minLength: 1, maxLength: limits.remediationTargetIdLength }),
      ParameterReferenceSchema,
      CfnValueSchema,
    ]),
    runbookVersion: Type.Optional(Type.Union([Type.String({ minLength: 1 }), CfnValueSchema])),
    resourceType: Type.Optional(Type.String()),
    automatic: Type.Optional(Type.Boolean()),
    maximumAutomaticAttempts: Type.Optional(
      Type.Integer({ minimum: limits.automaticAttempts.min, maximum: limits.automaticAttempts.max }),
    ),
    retryAttemptSeconds: Type.Optional(
      Type.Integer({ minimum: limits.retryAttemptSeconds.min, maximum: limits.retryAttemptSeconds.max }),
    ),
    executionControls: Type.Optional(
      Type.Object(
        {
          concurrentExecutionRatePercentage: Type.Optional(
            Type.Integer({ minimum: limits.ssmPercentage.min, maximum: limits.ssmPercentage.max }),
          ),
          errorPercentage: Type.Optional(
            Type.Integer({ minimum: limits.ssmPercentage.min, maximum: limits.ssmPercentage.max }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    parameters: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: limits.remediationParameterNameLength }),
        RemediationParameterSpec,
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith remediation block' },
);

/** `null` in a pack's override removes the block's value for that pack. */
const orNull = <T extends TSchema>(schema: T, what: string) =>
  Type.Union([schema, Type.Null({ description: `null: this pack has no ${what}.` })]);

/** A reference to a condition declared under the pack's `conditions:`. */
const conditionRef = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 255, description });
const ConditionName = conditionRef('Name of a condition of the template.');
/** A resource's logical id, kept as written instead of derived (what `packsmith import` writes). */
const pinnedLogicalId = (derived: string) =>
  Type.String({
    pattern: '^[A-Za-z0-9]+$',
    minLength: 1,
    maxLength: 255,
    description:
      `Logical id of the resource in the template (default: ${derived}). ` +
      'Keeping the id of a deployed template avoids a replacement that loses evaluation history.',
  });

const RuleInclude = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object(
    {
      use: Type.String({ minLength: 1 }),
      logicalId: Type.Optional(pinnedLogicalId('the rule name in PascalCase')),
      description: Type.Optional(
        orNull(Type.String({ maxLength: limits.ruleDescriptionLength }), 'rule description'),
      ),
      parameters: Type.Optional(
        Type.Record(Type.String({ minLength: 1 }), orNull(RuleParameterSpec, 'value for this input')),
      ),
      parametersCondition: Type.Optional(
        conditionRef(
          'The rule gets its InputParameters only when this pack condition is true: ' +
            'Fn::If [condition, {…}, AWS::NoValue].',
        ),
      ),
      maximumExecutionFrequency: Type.Optional(orNull(FrequencyValue, 'maximum execution frequency')),
      scope: Type.Optional(orNull(ScopeSchema, 'scope')),
      evaluationModes: Type.Optional(
        orNull(
          Type.Array(literalUnion(evaluationModes), { minItems: 1, uniqueItems: true }),
          'evaluation modes',
        ),
      ),
      controls: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          maxItems: limits.controlsPerRule,
          uniqueItems: true,
          description: 'Replaces the block’s controls in this pack ([] for none).',
        }),
      ),
      condition: Type.Optional(
        conditionRef('The rule is created only when this pack condition is true (resource Condition).'),
      ),
    },
    { additionalProperties: false },
  ),
]);

const RemediationInclude = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object(
    {
      use: Type.String({ minLength: 1 }),
      logicalId: Type.Optional(pinnedLogicalId("the rule's logical id followed by Remediation")),
      automatic: Type.Optional(Type.Boolean()),
      parameters: Type.Optional(
        Type.Record(
          Type.String({ minLength: 1 }),
          orNull(RemediationParameterSpec, 'value for this runbook parameter'),
        ),
      ),
      condition: Type.Optional(
        conditionRef(
          'The remediation is created only when this pack condition is true (resource Condition).',
        ),
      ),
    },
    { additionalProperties: false },
  ),
]);

export const PackParameterSchema = Type.Object(
  {
    default: Type.Optional(ParameterValue),
    description: Type.Optional(Type.String({ maxLength: limits.parameterDescriptionLength })),
    allowedValues: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    pattern: Type.Optional(Type.String({ description: 'Written as the AllowedPattern of the parameter.' })),
    constraintDescription: Type.Optional(
      Type.String({
        maxLength: limits.parameterDescriptionLength,
        description: 'What CloudFormation says when a value breaks allowedValues or pattern.',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * A condition expression in CloudFormation's long form: `Fn::Equals` (two values, each a string
 * or `{ Ref: PARAMETER }`), `Fn::Not` (one condition), `Fn::And` / `Fn::Or` (2 to 10 conditions)
 * or `{ Condition: NAME }`. Checked in full when the pack is composed.
 */
export const ConditionExpressionSchema = Type.Record(Type.String(), Type.Unknown(), {
  minProperties: 1,
  maxProperties: 1,
  description:
    'Fn::Equals [a, b] | Fn::Not [condition] | Fn::And [conditions] | Fn::Or [conditions] | ' +
    'Condition: NAME, in long form; values are strings or { Ref: PARAMETER }.',
});

export const PackManifestSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    kind: Type.Literal('pack'),
    name: Type.String({
      pattern: '^[a-zA-Z][-a-zA-Z0-9]*$',
      minLength: 1,
      maxLength: limits.orgPackNameLength,
      description: 'Conformance pack name (organization packs allow at most 128 characters).',
    }),
    description: Type.Optional(Type.String({ maxLength: limits.packDescriptionLength })),
    template: Type.Optional(
      Type.String({ description: 'Handlebars template to render this pack, relative to this file.' }),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 255 }), PackParameterSchema),
    ),
    mappings: Type.Optional(
      Type.Record(
        LogicalName,
        Type.Record(
          Type.String({ minLength: 1 }),
          Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.String(), Type.Array(Type.String())])),
        ),
        {
          description:
            "The template's Mappings section (map name → top-level key → second-level key → a text or " +
            'a list of texts), for Fn::FindInMap in `cfn:` values.',
        },
      ),
    ),
    conditions: Type.Optional(
      Type.Record(ConditionName, ConditionExpressionSchema, {
        description: 'Conditions of the template, by name, for rule includes to refer to.',
      }),
    ),
    rules: Type.Array(RuleInclude, { minItems: 1 }),
    remediations: Type.Optional(Type.Array(RemediationInclude)),
  },
  { additionalProperties: false, title: 'packsmith pack manifest' },
);

const CatalogRuleEntry = Type.Object(
  {
    identifier: Type.String({ pattern: '^[A-Z0-9_]+$' }),
    name: Type.Optional(Type.String()),
    triggers: Type.Optional(
      Type.Object(
        { configurationChange: Type.Boolean(), periodic: Type.Boolean() },
        { additionalProperties: false },
      ),
    ),
    resourceTypes: Type.Optional(Type.Array(Type.String())),
    parameters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            type: literalUnion(ruleParameterTypes),
            optional: Type.Optional(Type.Boolean()),
            default: Type.Optional(ScalarValue),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    availability: Type.Optional(
      Type.Union(
        [
          Type.Object(
            { available: Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' })) },
            { additionalProperties: false },
          ),
          Type.Object(
            { unavailable: Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' })) },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            'Regions where AWS documents the rule: `available: [...]` (only there) or `unavailable: [...]` ' +
            "(everywhere else), relative to the catalog's documented Regions; any other Region is unknown.",
        },
      ),
    ),
    source: Type.Optional(Type.String({ description: 'Where this fact comes from (a documentation URL).' })),
  },
  { additionalProperties: false },
);

const CatalogRunbookEntry = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    assumeRoleParameter: Type.Optional(Type.String()),
    resourceIdParameter: Type.Optional(Type.String()),
    parameters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1 }),
            type: Type.Optional(Type.String()),
            required: Type.Optional(Type.Boolean()),
            default: Type.Optional(ScalarValue),
            allowedValues: Type.Optional(Type.Array(Type.String())),
            allowedPattern: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    source: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const CatalogExtensionSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    kind: Type.Literal('catalog'),
    rules: Type.Optional(Type.Array(CatalogRuleEntry)),
    runbooks: Type.Optional(Type.Array(CatalogRunbookEntry)),
  },
  {
    additionalProperties: false,
    title: 'packsmith catalog extension',
    description:
      'Managed rules and runbooks that are newer than, or correct, the catalog shipped with packsmith. ' +
      'An entry with a known identifier replaces the shipped entry field by field.',
  },
);

export type RuleBlock = Static<typeof RuleBlockSchema>;
export type RemediationBlock = Static<typeof RemediationBlockSchema>;
export type PackManifest = Static<typeof PackManifestSchema>;
export type CatalogExtension = Static<typeof CatalogExtensionSchema>;
export type CatalogRuleEntry = Static<typeof CatalogRuleEntry>;
export type CatalogRunbookEntry = Static<typeof CatalogRunbookEntry>;
export type ExposedParameter = Static<typeof ExposedParameterSchema>;
export type RuleParameterSpec = Static<typeof RuleParameterSpec>;
export type RemediationParameterSpec = Static<typeof RemediationParameterSpec>;
export type ScalarValue = Static<typeof ScalarValue>;
export type ParameterValue = Static<typeof ParameterValue>;
export type Scope = Static<typeof ScopeSchema>;
export type PackParameter = Static<typeof PackParameterSchema>;
export type RuleInclude = Static<typeof RuleInclude>;
export type RuleIncludeOverride = Exclude<RuleInclude, string>;
export type LambdaTrigger = Static<typeof LambdaTrigger>;
export type ParameterReference = Static<typeof ParameterReferenceSchema>;
export type CfnValueSpec = Static<typeof CfnValueSchema>;
export type FrequencySpec = Static<typeof FrequencyValue>;
export type RemediationInclude = Static<typeof RemediationInclude>;

/** The file kinds and their schemas; the file name in schemas/ is `<kind>.schema.json`. */
export const authoringSchemas = {
  rule: RuleBlockSchema,
  remediation: RemediationBlockSchema,
  pack: PackManifestSchema,
  catalog: CatalogExtensionSchema,
} as const satisfies Record<string, TSchema>;
export type AuthoringKind = keyof typeof authoringSchemas;
export const authoringKinds = Object.keys(authoringSchemas) as AuthoringKind[];
