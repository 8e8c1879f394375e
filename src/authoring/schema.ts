/**
 * The authoring formats, defined once: TypeBox gives both the JSON Schemas (shipped in schemas/ for
 * editors, used by ajv at load time) and the TypeScript types, so the two cannot drift.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { described, literalUnion } from '../util/typebox.js';
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

/** `$schema` of an authoring file: for editors only. */
const SchemaPath = Type.Optional(
  Type.String({
    description:
      'Path or URL of the JSON Schema an editor checks this file with (e.g. ../.packsmith/schemas/rule.schema.json); packsmith ignores it.',
  }),
);
/** `kind`: which authoring format a file is. */
const kindOf = <K extends string>(kind: K, what: string) =>
  Type.Literal(kind, { description: `Must be \`${kind}\`: this file is ${what}.` });

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
const LogicalName = Type.String({
  pattern: '^[A-Za-z0-9]+$',
  minLength: 1,
  maxLength: 255,
  description: 'Name of a pack parameter (letters and digits, at most 255), e.g. MaxAccessKeyAge.',
});

/** A reference to a pack parameter (`Ref`), where a literal could be written instead. */
export const ParameterReferenceSchema = Type.Object(
  { parameter: LogicalName },
  { additionalProperties: false, description: 'The value of this pack parameter (Ref).' },
);

/** A frequency: literal, a pack parameter's value, or a raw CloudFormation value. */
const FrequencyValue = Type.Union([Frequency, ParameterReferenceSchema, CfnValueSchema], {
  description:
    `MaximumExecutionFrequency of a periodic rule: ${executionFrequencies.join(', ')} ` +
    "(AWS's default: TwentyFour_Hours), `{ parameter: NAME }` or `{ cfn: … }`.",
});

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
    minimum: Type.Optional(Type.Number({ description: 'MinValue of the pack parameter (numeric inputs).' })),
    maximum: Type.Optional(Type.Number({ description: 'MaxValue of the pack parameter (numeric inputs).' })),
    pattern: Type.Optional(Type.String({ description: 'Regular expression the whole value must match.' })),
    allowedValues: Type.Optional(
      Type.Array(Type.String(), {
        minItems: 1,
        description: 'AllowedValues of the pack parameter, e.g. [Enabled, Suspended].',
      }),
    ),
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

const RuleParameterSpec = Type.Union([ParameterValue, CfnValueSchema, ExposedParameterSchema], {
  description:
    'Value of this input: a text, number, boolean or list (joined with "," for CSV inputs), ' +
    '`{ cfn: … }`, or an object that exposes it as a pack parameter (`{ expose: true }`).',
});

export const ScopeSchema = Type.Object(
  {
    resourceTypes: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9]+::[A-Za-z0-9]*::[A-Za-z0-9]+$' }), {
        maxItems: limits.scopeResourceTypes,
        description: `ComplianceResourceTypes: the resource types evaluated, e.g. AWS::S3::Bucket (at most ${limits.scopeResourceTypes}).`,
      }),
    ),
    resourceId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: limits.scopeResourceIdLength,
        description: `ComplianceResourceId: evaluate only this resource; give exactly one resource type with it (at most ${limits.scopeResourceIdLength} characters).`,
      }),
    ),
    tagKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: limits.scopeTagKeyLength,
        description: `TagKey: evaluate only resources with this tag (at most ${limits.scopeTagKeyLength} characters).`,
      }),
    ),
    tagValue: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: limits.scopeTagValueLength,
        description: `TagValue: with tagKey, only resources whose tag has this value (at most ${limits.scopeTagValueLength} characters).`,
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Scope: which resources the rule evaluates, by type, by id or by tag; without it, every resource the rule supports.',
  },
);

const ManagedSource = Type.Object(
  {
    managed: Type.String({
      minLength: 1,
      maxLength: limits.sourceIdentifierLength,
      description:
        'SourceIdentifier of the AWS managed rule, e.g. S3_BUCKET_VERSIONING_ENABLED (`packsmith catalog list` lists them).',
    }),
  },
  { additionalProperties: false },
);

const LambdaTrigger = Type.Union([
  literalUnion(messageTypes),
  Type.Object(
    {
      messageType: literalUnion(messageTypes, `MessageType of this trigger: ${messageTypes.join(', ')}.`),
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
        arn: Type.Union(
          [
            Type.String({ pattern: '^arn:aws[a-z-]*:lambda:', maxLength: limits.sourceIdentifierLength }),
            ParameterReferenceSchema,
            CfnValueSchema,
          ],
          {
            description:
              'ARN of the Lambda function that evaluates (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME), `{ parameter: NAME }` or `{ cfn: … }`.',
          },
        ),
        triggers: Type.Array(LambdaTrigger, {
          minItems: 1,
          maxItems: limits.sourceDetails,
          description:
            `SourceDetails: what invokes the function, 1 to ${limits.sourceDetails} message types ` +
            '(e.g. ConfigurationItemChangeNotification, or ScheduledNotification with a frequency).',
        }),
      },
      {
        additionalProperties: false,
        description: 'A custom Lambda rule (CUSTOM_LAMBDA): the function and what triggers it.',
      },
    ),
  },
  { additionalProperties: false },
);
/** A test case of a Guard policy rule: a configuration item (inline or a file) and the verdict Config would give it. */
const GuardTestCase = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      pattern: '\\S',
      description: 'Name of the case, shown by `packsmith test`.',
    }),
    item: Type.Optional(
      Type.Record(Type.String(), Type.Unknown({ description: 'A field of the configuration item.' }), {
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
    expect: literalUnion(
      ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] as const,
      'The verdict AWS Config should give the item: COMPLIANT, NON_COMPLIANT or NOT_APPLICABLE.',
    ),
  },
  { additionalProperties: false },
);
const GuardSource = Type.Object(
  {
    guard: Type.Object(
      {
        policy: Type.Optional(
          Type.String({
            maxLength: limits.guardPolicyTextLength,
            description: `The Guard policy text, inline (at most ${limits.guardPolicyTextLength} characters); or give file.`,
          }),
        ),
        file: Type.Optional(Type.String({ description: 'Path of a .guard file, relative to this file.' })),
        triggers: Type.Optional(
          Type.Array(
            literalUnion([
              'ConfigurationItemChangeNotification',
              'OversizedConfigurationItemChangeNotification',
            ] as const),
            {
              minItems: 1,
              description:
                'Message types that evaluate the policy; default both ConfigurationItemChangeNotification and OversizedConfigurationItemChangeNotification.',
            },
          ),
        ),
        debugLogDelivery: Type.Optional(
          Type.Union([Type.Boolean(), CfnValueSchema], {
            description:
              "EnableDebugLogDelivery: send the policy's debug logs to CloudWatch Logs (AWS's default: false).",
          }),
        ),
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
      {
        additionalProperties: false,
        description:
          'A Guard custom policy rule (CUSTOM_POLICY): the policy (inline or a file), its triggers and test cases.',
      },
    ),
  },
  { additionalProperties: false },
);

export const RuleBlockSchema = Type.Object(
  {
    $schema: SchemaPath,
    kind: kindOf('rule', 'a rule block'),
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
    description: Type.Optional(
      Type.String({
        maxLength: limits.ruleDescriptionLength,
        description: `Description of the Config rule (at most ${limits.ruleDescriptionLength} characters).`,
      }),
    ),
    source: Type.Union([ManagedSource, LambdaSource, GuardSource], {
      description:
        'What evaluates: `managed: IDENTIFIER` (an AWS managed rule), `lambda:` (a custom Lambda rule) or `guard:` (a Guard custom policy).',
    }),
    scope: Type.Optional(ScopeSchema),
    parameters: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), RuleParameterSpec, {
        description:
          'InputParameters by input name, e.g. `maxAccessKeyAge: 90`; `{ expose: true }` makes one a pack parameter.',
      }),
    ),
    maximumExecutionFrequency: Type.Optional(FrequencyValue),
    evaluationModes: Type.Optional(
      Type.Array(literalUnion(evaluationModes), {
        minItems: 1,
        uniqueItems: true,
        description:
          "EvaluationModes: DETECTIVE (recorded resources) and/or PROACTIVE (before they are provisioned); AWS's default: DETECTIVE.",
      }),
    ),
    controls: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: limits.controlsPerRule,
        uniqueItems: true,
        description: `Ids of the compliance controls this rule evaluates, e.g. CIS 2.1.1 (at most ${limits.controlsPerRule}); shown in pages and plans.`,
      }),
    ),
  },
  { additionalProperties: false, title: 'packsmith rule block' },
);

const RemediationParameterSpec = Type.Union(
  [
    ScalarValue,
    CfnValueSchema,
    Type.Object(
      { value: described(ScalarValue, 'StaticValue: this one value.') },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        values: Type.Array(Type.Union([ScalarValue, CfnValueSchema]), {
          maxItems: limits.staticValues,
          description: `StaticValue with a list of values (at most ${limits.staticValues}).`,
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        resourceId: Type.Literal(true, {
          description: 'ResourceValue RESOURCE_ID: the id of the noncompliant resource.',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        parameter: Type.String({
          minLength: 1,
          description: 'Name of the pack parameter whose value is passed (Ref).',
        }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'Value of this runbook parameter: a value, `{ value: … }`, `{ values: [...] }`, ' +
      '`{ resourceId: true }` (the noncompliant resource), `{ parameter: NAME }` or `{ cfn: … }`.',
  },
);

export const RemediationBlockSchema = Type.Object(
  {
    $schema: SchemaPath,
    kind: kindOf('remediation', 'a remediation block'),
    name: Name,
    rule: Type.String({ minLength: 1, description: 'Name of the rule block this remediates.' }),
    runbook: Type.Union(
      [
        Type.String({ minLength: 1, maxLength: limits.remediationTargetIdLength }),
        ParameterReferenceSchema,
        CfnValueSchema,
      ],
      {
        description: `TargetId: the SSM Automation runbook that remediates, e.g. AWS-ConfigureS3BucketVersioning (at most ${limits.remediationTargetIdLength} characters), \`{ parameter: NAME }\` or \`{ cfn: … }\`.`,
      },
    ),
    runbookVersion: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), CfnValueSchema], {
        description: 'TargetVersion: the version of the runbook to run (default: its default version).',
      }),
    ),
    resourceType: Type.Optional(
      Type.String({ description: 'ResourceType of the remediation configuration, e.g. AWS::S3::Bucket.' }),
    ),
    automatic: Type.Optional(
      Type.Boolean({
        description: 'Automatic: remediate noncompliant resources without a manual request (default false).',
      }),
    ),
    maximumAutomaticAttempts: Type.Optional(
      Type.Integer({
        minimum: limits.automaticAttempts.min,
        maximum: limits.automaticAttempts.max,
        description: `MaximumAutomaticAttempts per resource within retryAttemptSeconds, ${limits.automaticAttempts.min} to ${limits.automaticAttempts.max}.`,
      }),
    ),
    retryAttemptSeconds: Type.Optional(
      Type.Integer({
        minimum: limits.retryAttemptSeconds.min,
        maximum: limits.retryAttemptSeconds.max,
        description: `RetryAttemptSeconds: the time window of maximumAutomaticAttempts, ${limits.retryAttemptSeconds.min} to ${limits.retryAttemptSeconds.max} seconds.`,
      }),
    ),
    executionControls: Type.Optional(
      Type.Object(
        {
          concurrentExecutionRatePercentage: Type.Optional(
            Type.Integer({
              minimum: limits.ssmPercentage.min,
              maximum: limits.ssmPercentage.max,
              description: `ConcurrentExecutionRatePercentage: share of noncompliant resources remediated at once, ${limits.ssmPercentage.min} to ${limits.ssmPercentage.max}.`,
            }),
          ),
          errorPercentage: Type.Optional(
            Type.Integer({
              minimum: limits.ssmPercentage.min,
              maximum: limits.ssmPercentage.max,
              description: `ErrorPercentage: share of failed executions that stops remediation, ${limits.ssmPercentage.min} to ${limits.ssmPercentage.max}.`,
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'ExecutionControls (SsmControls): how fast the runbook runs and when errors stop it.',
        },
      ),
    ),
    parameters: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: limits.remediationParameterNameLength }),
        RemediationParameterSpec,
        {
          description: `Parameters of the runbook by name (at most ${limits.remediationParameters}), e.g. \`BucketName: { resourceId: true }\`.`,
        },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith remediation block' },
);

/** `null` in a pack's override removes the block's value for that pack. */
const orNull = <T extends TSchema>(schema: T, what: string, description: string) =>
  Type.Union([schema, Type.Null({ description: `null: this pack has no ${what}.` })], { description });

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

const RuleInclude = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object(
      {
        use: Type.String({ minLength: 1, description: 'Name of the rule block to include.' }),
        logicalId: Type.Optional(pinnedLogicalId('the rule name in PascalCase')),
        description: Type.Optional(
          orNull(
            Type.String({ maxLength: limits.ruleDescriptionLength }),
            'rule description',
            "The rule's description in this pack; null: none.",
          ),
        ),
        parameters: Type.Optional(
          Type.Record(
            Type.String({ minLength: 1 }),
            orNull(
              RuleParameterSpec,
              'value for this input',
              "This pack's value of the input (as in the rule block); null removes the block's value.",
            ),
            { description: "Input values for this pack, by input name; they replace the rule block's." },
          ),
        ),
        parametersCondition: Type.Optional(
          conditionRef(
            'The rule gets its InputParameters only when this pack condition is true: ' +
              'Fn::If [condition, {…}, AWS::NoValue].',
          ),
        ),
        maximumExecutionFrequency: Type.Optional(
          orNull(
            FrequencyValue,
            'maximum execution frequency',
            'MaximumExecutionFrequency in this pack (One_Hour … TwentyFour_Hours); null: none.',
          ),
        ),
        scope: Type.Optional(
          orNull(ScopeSchema, 'scope', "The rule's scope in this pack; null: every resource."),
        ),
        evaluationModes: Type.Optional(
          orNull(
            Type.Array(literalUnion(evaluationModes), { minItems: 1, uniqueItems: true }),
            'evaluation modes',
            'EvaluationModes in this pack (DETECTIVE, PROACTIVE); null: none.',
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
      {
        additionalProperties: false,
        description: 'A rule block with changes for this pack.',
      },
    ),
  ],
  { description: 'A rule block: its name, or `{ use: NAME, … }` with changes for this pack.' },
);

const RemediationInclude = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object(
      {
        use: Type.String({ minLength: 1, description: 'Name of the remediation block to include.' }),
        logicalId: Type.Optional(pinnedLogicalId("the rule's logical id followed by Remediation")),
        automatic: Type.Optional(
          Type.Boolean({ description: "Automatic remediation in this pack; replaces the block's." }),
        ),
        parameters: Type.Optional(
          Type.Record(
            Type.String({ minLength: 1 }),
            orNull(
              RemediationParameterSpec,
              'value for this runbook parameter',
              "This pack's value of the runbook parameter (as in the block); null removes the block's value.",
            ),
            { description: "Runbook parameter values for this pack, by name; they replace the block's." },
          ),
        ),
        condition: Type.Optional(
          conditionRef(
            'The remediation is created only when this pack condition is true (resource Condition).',
          ),
        ),
      },
      { additionalProperties: false, description: 'A remediation block with changes for this pack.' },
    ),
  ],
  { description: 'A remediation block: its name, or `{ use: NAME, … }` with changes for this pack.' },
);

export const PackParameterSchema = Type.Object(
  {
    default: Type.Optional(
      described(ParameterValue, 'Default value of the parameter; a list is joined with ",".'),
    ),
    description: Type.Optional(
      Type.String({
        maxLength: limits.parameterDescriptionLength,
        description: `Description of the parameter (at most ${limits.parameterDescriptionLength} characters).`,
      }),
    ),
    allowedValues: Type.Optional(
      Type.Array(Type.String(), {
        minItems: 1,
        description: 'AllowedValues: the only values the parameter accepts.',
      }),
    ),
    pattern: Type.Optional(Type.String({ description: 'Written as the AllowedPattern of the parameter.' })),
    constraintDescription: Type.Optional(
      Type.String({
        maxLength: limits.parameterDescriptionLength,
        description: 'What CloudFormation says when a value breaks allowedValues or pattern.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A parameter of the pack template: its default, description and constraints.',
  },
);

/**
 * A condition expression in CloudFormation's long form: `Fn::Equals` (two values, each a string
 * or `{ Ref: PARAMETER }`), `Fn::Not` (one condition), `Fn::And` / `Fn::Or` (2 to 10 conditions)
 * or `{ Condition: NAME }`. Checked in full when the pack is composed.
 */
export const ConditionExpressionSchema = Type.Record(
  Type.String(),
  Type.Unknown({ description: 'The operands of the condition function.' }),
  {
    minProperties: 1,
    maxProperties: 1,
    description:
      'Fn::Equals [a, b] | Fn::Not [condition] | Fn::And [conditions] | Fn::Or [conditions] | ' +
      'Condition: NAME, in long form; values are strings or { Ref: PARAMETER }.',
  },
);

export const PackManifestSchema = Type.Object(
  {
    $schema: SchemaPath,
    kind: kindOf('pack', 'a pack manifest'),
    name: Type.String({
      pattern: '^[a-zA-Z][-a-zA-Z0-9]*$',
      minLength: 1,
      maxLength: limits.orgPackNameLength,
      description: 'Conformance pack name (organization packs allow at most 128 characters).',
    }),
    description: Type.Optional(
      Type.String({
        maxLength: limits.packDescriptionLength,
        description: `Description of the pack (at most ${limits.packDescriptionLength} characters), shown in its page.`,
      }),
    ),
    template: Type.Optional(
      Type.String({ description: 'Handlebars template to render this pack, relative to this file.' }),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9]+$', maxLength: 255 }), PackParameterSchema, {
        description:
          'Parameters of the pack template by name (letters and digits), for `{ parameter: NAME }` and exposed inputs.',
      }),
    ),
    mappings: Type.Optional(
      Type.Record(
        LogicalName,
        Type.Record(
          Type.String({ minLength: 1 }),
          Type.Record(
            Type.String({ minLength: 1 }),
            Type.Union([Type.String(), Type.Array(Type.String())], {
              description: 'A text or a list of texts.',
            }),
            { description: 'Second-level keys and their values.' },
          ),
          { description: 'A mapping: top-level key → second-level key → value.' },
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
    rules: Type.Array(RuleInclude, {
      minItems: 1,
      description: `The rules of the pack, at least one (at most ${limits.resourcesPerPack} resources in all): rule block names or \`{ use: NAME, … }\`.`,
    }),
    remediations: Type.Optional(
      Type.Array(RemediationInclude, {
        description: 'Remediations of the pack: remediation block names or `{ use: NAME, … }`.',
      }),
    ),
  },
  { additionalProperties: false, title: 'packsmith pack manifest' },
);

const CatalogRuleEntry = Type.Object(
  {
    identifier: Type.String({
      pattern: '^[A-Z0-9_]+$',
      description: 'SourceIdentifier of the managed rule, e.g. S3_BUCKET_VERSIONING_ENABLED.',
    }),
    name: Type.Optional(
      Type.String({
        description: "The rule's name in the AWS documentation, e.g. s3-bucket-versioning-enabled.",
      }),
    ),
    triggers: Type.Optional(
      Type.Object(
        {
          configurationChange: Type.Boolean({
            description: "Evaluated when a resource's configuration changes.",
          }),
          periodic: Type.Boolean({ description: 'Evaluated periodically.' }),
        },
        { additionalProperties: false, description: 'The trigger types AWS documents for the rule.' },
      ),
    ),
    resourceTypes: Type.Optional(
      Type.Array(Type.String(), { description: 'Resource types the rule evaluates, e.g. AWS::S3::Bucket.' }),
    ),
    parameters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, description: 'Name of the input, as in InputParameters.' }),
            type: literalUnion(ruleParameterTypes, `Type of the input: ${ruleParameterTypes.join(', ')}.`),
            optional: Type.Optional(
              Type.Boolean({ description: 'Whether the rule runs without the input.' }),
            ),
            default: Type.Optional(described(ScalarValue, 'The default AWS documents for the input.')),
          },
          { additionalProperties: false },
        ),
        { description: "The rule's input parameters." },
      ),
    ),
    availability: Type.Optional(
      Type.Union(
        [
          Type.Object(
            {
              available: Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' }), {
                description: 'The only Regions where the rule exists, e.g. [us-east-1].',
              }),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            {
              unavailable: Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' }), {
                description: 'Regions where the rule does not exist, e.g. [ap-east-2].',
              }),
            },
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
    name: Type.String({
      minLength: 1,
      description: 'Name of the runbook, e.g. AWS-ConfigureS3BucketVersioning.',
    }),
    assumeRoleParameter: Type.Optional(
      Type.String({
        description: 'The runbook parameter that takes the role to assume, e.g. AutomationAssumeRole.',
      }),
    ),
    resourceIdParameter: Type.Optional(
      Type.String({
        description: 'The runbook parameter that takes the noncompliant resource id, e.g. BucketName.',
      }),
    ),
    parameters: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ minLength: 1, description: 'Name of the runbook parameter.' }),
            type: Type.Optional(
              Type.String({
                description: 'Its type as the runbook declares it, e.g. String, StringList, Boolean.',
              }),
            ),
            required: Type.Optional(Type.Boolean({ description: 'Whether the runbook needs a value.' })),
            default: Type.Optional(described(ScalarValue, 'The default the runbook declares.')),
            allowedValues: Type.Optional(
              Type.Array(Type.String(), { description: 'The only values the parameter accepts.' }),
            ),
            allowedPattern: Type.Optional(
              Type.String({ description: 'Regular expression a value must match.' }),
            ),
          },
          { additionalProperties: false },
        ),
        { description: "The runbook's parameters." },
      ),
    ),
    source: Type.Optional(Type.String({ description: 'Where this fact comes from (a documentation URL).' })),
  },
  { additionalProperties: false },
);

export const CatalogExtensionSchema = Type.Object(
  {
    $schema: SchemaPath,
    kind: kindOf('catalog', 'a catalog extension'),
    rules: Type.Optional(
      Type.Array(CatalogRuleEntry, { description: 'Managed rules to add to the catalog or correct in it.' }),
    ),
    runbooks: Type.Optional(
      Type.Array(CatalogRunbookEntry, {
        description: 'SSM Automation runbooks to add to the catalog or correct in it.',
      }),
    ),
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

export function isAuthoringKind(kind: unknown): kind is AuthoringKind {
  return typeof kind === 'string' && (authoringKinds as string[]).includes(kind);
}
