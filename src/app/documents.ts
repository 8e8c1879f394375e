/**
 * The documents of the rollout use cases, as TypeBox schemas: the plan (at once `plan --format
 * json` and the file `deploy --plan` applies) and the result of a deploy or destroy. The CLI writes
 * them; schemas/output/ is generated from them.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { organizationResourceStatuses } from '../facts/enums.js';
import { accountStateNames } from '../rollout/tracker.js';
import { literalUnion } from '../util/typebox.js';
import { outputSchemaVersion } from './output-version.js';

export { outputSchemaVersion };

/** `schemaVersion` and `kind`, the first two fields of every JSON report. */
export const reportHeader = <K extends string>(kind: K) => ({
  schemaVersion: Type.Literal(outputSchemaVersion),
  kind: Type.Literal(kind),
});

export const AccountId = Type.String({ pattern: '^\\d{12}$' });
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const Status = literalUnion(organizationResourceStatuses);
export const Parameters = Type.Record(Type.String(), Type.String());
/** A rule a Region's template leaves out because AWS does not document it there, with its controls. */
export const UnavailableRuleSchema = Type.Object(
  {
    rule: Type.String(),
    identifier: Type.String(),
    controls: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);

const PlannedAccount = Type.Object(
  {
    id: AccountId,
    name: Type.String(),
    ouPath: Type.String(),
  },
  { additionalProperties: false },
);

export const RegionPlanSchema = Type.Object(
  {
    region: Type.String(),
    action: literalUnion(['create', 'update', 'unchanged'] as const),
    reasons: Type.Array(Type.String()),
    template: literalUnion(['new', 'same', 'changed', 'unknown'] as const),
    rules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            rule: Type.String({ description: 'ConfigRuleName (the logical id when the name is computed).' }),
            change: literalUnion(['added', 'removed', 'changed'] as const),
            details: Type.Array(Type.String(), {
              description: 'For a changed rule: one `Property.Path: before → after` line per difference.',
            }),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'With a changed template: what changes rule by rule, against the template of the last deploy as staged (verified by its hash). Absent when that template is not available.',
        },
      ),
    ),
    parameters: Type.Object(
      {
        added: Type.Array(Type.String()),
        removed: Type.Array(Type.String()),
        changed: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    ),
    gains: Type.Array(AccountId, { description: 'Accounts that gain the pack with this deploy.' }),
    loses: Type.Array(AccountId, { description: 'Accounts that lose it.' }),
    failedAccounts: Type.Array(AccountId, { description: 'Target accounts whose last status is *_FAILED.' }),
    inProgressAccounts: Type.Array(AccountId),
    drift: Type.Object(
      {
        outsideTargets: Type.Array(AccountId, {
          description:
            'Accounts holding the pack that the targets do not include (e.g. joined the organization later).',
        }),
        changedOutside: Type.Boolean({
          description: 'The pack was put by someone else since packsmith deployed it.',
        }),
        recordProblem: Type.Optional(Type.String()),
        stagedTemplateChanged: Type.Optional(
          Type.String({
            description:
              'The staged template of the last deploy was changed in the bucket outside packsmith (it no longer matches its hash).',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    desired: Type.Object(
      {
        templateSha256: Sha256,
        parameters: Parameters,
        excludedAccounts: Type.Array(AccountId),
        includedAccounts: Type.Integer({ minimum: 0 }),
        deliveryBucket: Type.Optional(Type.String()),
        deliveryKeyPrefix: Type.Optional(Type.String()),
        excludedRules: Type.Array(Type.String()),
        unavailableRules: Type.Optional(
          Type.Array(UnavailableRuleSchema, {
            description:
              "Rules this Region's template omits because AWS does not document them here (`unavailableRules: exclude`): their controls are not evaluated in this Region.",
          }),
        ),
      },
      { additionalProperties: false },
    ),
    observedLastUpdateTime: Type.Union([Type.String(), Type.Null()], {
      description:
        "The pack's LastUpdateTime when planned: `deploy --plan` refuses to apply if it moved since.",
    }),
    waves: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          index: Type.Integer({ minimum: 0 }),
          implicit: Type.Boolean({
            description: 'The last wave, of target accounts no declared wave names.',
          }),
          accounts: Type.Array(AccountId, { description: 'The accounts this wave adds.' }),
          excludedAccounts: Type.Array(AccountId, { description: "This wave's ExcludedAccounts." }),
          allowedFailures: Type.Integer({ minimum: 0 }),
          tolerance: Type.Union([Type.Integer({ minimum: 0 }), Type.String()]),
        },
        { additionalProperties: false },
      ),
      { description: 'Waves still to put, in order; empty when the pack has no waves or nothing to add.' },
    ),
    covered: Type.Array(AccountId, { description: 'Target accounts that hold the pack already.' }),
    followCovered: Type.Boolean({
      description:
        'The first put changes what the covered accounts run (template, parameters, delivery, retry of failures).',
    }),
    rollout: Type.Optional(
      Type.Object(
        {
          id: Type.String(),
          wave: Type.String(),
          waveIndex: Type.Integer({ minimum: 0 }),
          waves: Type.Integer({ minimum: 1 }),
          state: literalUnion(['running', 'stopped', 'done', 'rolled-back'] as const),
          failedAccounts: Type.Optional(Type.Array(AccountId)),
        },
        {
          additionalProperties: false,
          description: 'The last rollout in waves, from the deployment record.',
        },
      ),
    ),
    rollbackTo: literalUnion(
      ['previous', 'none', 'unknown'] as const,
      'What `--rollback` would restore: the previous deployment, no pack (it had none), or nothing (the deployed template is unknown).',
    ),
    templateBody: Type.String({ description: 'The exact template `deploy --plan` puts.' }),
    included: Type.Array(PlannedAccount, { description: 'The target accounts, tracked by deploy.' }),
  },
  { additionalProperties: false },
);

const StackSetAction = Type.Union([
  Type.Literal('create'),
  Type.Literal('update'),
  Type.Literal('unchanged'),
]);

const StackSetParameter = Type.Object(
  { ParameterKey: Type.String(), ParameterValue: Type.String() },
  { additionalProperties: false },
);

/** A stack set pack's plan (`engine: stackset`, src/rollout/stackset-plan.ts), stage by stage. */
export const StackSetPlanSchema = Type.Object(
  {
    pack: Type.String(),
    stackSetName: Type.String(),
    callAs: Type.Union([Type.Literal('SELF'), Type.Literal('DELEGATED_ADMIN')]),
    regions: Type.Array(Type.String(), { description: "The instances' Regions, in their order." }),
    stackSet: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('unchanged')], {
      description: '`create`: no stack set yet; `update`: its template or parameters change.',
    }),
    templateBody: Type.String({ description: 'The exact stack set template `deploy --plan` applies.' }),
    templateSha256: Sha256,
    parameters: Type.Array(StackSetParameter, { description: "The stack set's parameters." }),
    autoDeployment: Type.Object(
      { Enabled: Type.Boolean(), RetainStacksOnAccountRemoval: Type.Boolean() },
      { additionalProperties: false },
    ),
    capabilities: Type.Optional(
      Type.Array(Type.Union([Type.Literal('CAPABILITY_IAM'), Type.Literal('CAPABILITY_NAMED_IAM')])),
    ),
    observed: Type.Object(
      {
        exists: Type.Boolean(),
        stackSetId: Type.Optional(Type.String()),
        templateSha256: Type.Optional(Sha256),
        parametersSha256: Type.Optional(Sha256),
      },
      {
        additionalProperties: false,
        description:
          'The stack set as AWS showed it when planned (DescribeStackSet): `deploy --plan` refuses when it differs now.',
      },
    ),
    ruleChanges: Type.Optional(
      Type.Array(
        Type.Object(
          {
            rule: Type.String(),
            change: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('changed')]),
            details: Type.Array(Type.String()),
          },
          { additionalProperties: false },
        ),
        { description: "The rule-level diff of the stack set's template (absent when it cannot be read)." },
      ),
    ),
    stages: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          index: Type.Integer({ minimum: 0 }),
          action: StackSetAction,
          accounts: Type.Array(AccountId, { description: 'Active accounts the stage reaches.' }),
          create: Type.Array(Type.String(), { description: 'Instances to create, `account/region`.' }),
          update: Type.Array(Type.String(), { description: 'Instances to update, `account/region`.' }),
          reasons: Type.Array(Type.String(), { description: 'Why the stage is updated.' }),
          targets: Type.Object(
            {
              OrganizationalUnitIds: Type.Array(Type.String()),
              Accounts: Type.Optional(Type.Array(AccountId)),
              AccountFilterType: Type.Optional(
                literalUnion(['NONE', 'INTERSECTION', 'DIFFERENCE', 'UNION'] as const),
              ),
            },
            { additionalProperties: false, description: "The stage's DeploymentTargets, OU ids resolved." },
          ),
          overrides: Type.Array(StackSetParameter, { description: "The stage's ParameterOverrides." }),
          preferences: Type.Object(
            {
              RegionConcurrencyType: literalUnion(['SEQUENTIAL', 'PARALLEL'] as const),
              RegionOrder: Type.Array(Type.String()),
              MaxConcurrentCount: Type.Optional(Type.Integer({ minimum: 0 })),
              MaxConcurrentPercentage: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
              FailureToleranceCount: Type.Optional(Type.Integer({ minimum: 0 })),
              FailureTolerancePercentage: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
              ConcurrencyMode: literalUnion(['STRICT_FAILURE_TOLERANCE', 'SOFT_FAILURE_TOLERANCE'] as const),
            },
            { additionalProperties: false, description: "The stage's OperationPreferences." },
          ),
          createRegions: Type.Array(Type.String(), {
            description: 'Regions where the stage creates instances (CreateStackInstances).',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Packs deployed by `engine: stackset`, per stage (absent when there are none). `deploy --plan` applies exactly these, after checking that this checkout plans the same now and that AWS shows the stack set as it was planned against.',
  },
);

export const PlanOutputSchema = Type.Object(
  {
    ...reportHeader('plan'),
    createdAt: Type.String(),
    deployingAccount: AccountId,
    packs: Type.Array(
      Type.Object(
        {
          pack: Type.String(),
          orgPackName: Type.String(),
          regions: Type.Array(RegionPlanSchema),
        },
        { additionalProperties: false },
      ),
    ),
    orphans: Type.Array(
      Type.Object(
        {
          orgPackName: Type.String(),
          region: Type.String(),
          pack: Type.Optional(Type.String()),
          lastDeployedAt: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'Org packs packsmith deployed that the configuration no longer has: reported, never deleted implicitly.',
      },
    ),
    unmanaged: Type.Array(
      Type.Object({ orgPackName: Type.String(), region: Type.String() }, { additionalProperties: false }),
      { description: 'Org packs of the deploying account that packsmith did not deploy.' },
    ),
    summary: Type.Object(
      {
        create: Type.Integer({ minimum: 0 }),
        update: Type.Integer({ minimum: 0 }),
        unchanged: Type.Integer({ minimum: 0 }),
        stackSetStages: Type.Optional(
          Type.Object(
            {
              create: Type.Integer({ minimum: 0 }),
              update: Type.Integer({ minimum: 0 }),
              unchanged: Type.Integer({ minimum: 0 }),
            },
            {
              additionalProperties: false,
              description:
                'Packs of `engine: stackset`: their stages by action, counted apart (a stage is one operation over many accounts and Regions, not a pack × Region). Absent when there are none.',
            },
          ),
        ),
      },
      {
        additionalProperties: false,
        description:
          'Organization packs: pack × Region actions (create, update, unchanged); stack set packs: `stackSetStages`.',
      },
    ),
    stackSets: Type.Optional(Type.Array(StackSetPlanSchema, { description: StackSetPlanSchema.description })),
  },
  { additionalProperties: false, title: 'packsmith plan output (and plan file)' },
);
export type PlanDocument = Static<typeof PlanOutputSchema>;

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const SummaryAccount = Type.Object(
  {
    id: AccountId,
    name: Nullable(Type.String()),
    ouPath: Nullable(Type.String()),
    status: Nullable(Status),
    errorCode: Nullable(Type.String()),
    errorMessage: Nullable(Type.String()),
    hint: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

/** Failures grouped by cause (src/rollout/account-summary.ts): the code and hint once, with the accounts. */
export const FailureCauseSchema = Type.Object(
  {
    errorCode: Type.Optional(Type.String()),
    hint: Type.Optional(Type.String()),
    errorMessage: Type.Optional(
      Type.String({ description: "One affected row's message (they differ in details only)." }),
    ),
    rows: Type.Integer({ minimum: 0, description: 'Rows (account × pack × Region) with this cause.' }),
    accounts: Type.Array(
      Type.Object(
        {
          accountId: AccountId,
          name: Type.Optional(Type.String()),
          ouPath: Type.Optional(Type.String()),
          places: Type.Array(Type.String(), { description: '`pack Region` where it fails.' }),
        },
        { additionalProperties: false },
      ),
    ),
    ous: Type.Array(
      Type.Object(
        { ouPath: Type.String(), accounts: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    packs: Type.Array(Type.String()),
    regions: Type.Array(Type.String()),
    command: Type.String({ description: 'What fixes or retries them, once the cause is fixed.' }),
  },
  { additionalProperties: false, description: 'One cause: the error code and its hint.' },
);

const RegionResult = Type.Object(
  {
    pack: Type.String(),
    orgPackName: Type.String(),
    region: Type.String(),
    operation: literalUnion(['create', 'update', 'delete', 'none'] as const),
    outcome: literalUnion([
      'succeeded',
      'failed',
      'stopped',
      'timed-out',
      'cancelled',
      'put-failed',
      'unchanged',
      'skipped',
    ] as const),
    waves: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String(),
            accounts: Type.Integer({ minimum: 0, description: 'Accounts the wave adds.' }),
            failed: Type.Array(AccountId, { description: 'Its accounts that failed or were not reported.' }),
            allowedFailures: Type.Integer({ minimum: 0 }),
            outcome: Type.String(),
            resumed: Type.Boolean({ description: 'Its put was accepted before: followed, not put again.' }),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    stoppedAt: Type.Optional(
      Type.Object(
        { wave: Type.String(), failed: Type.Array(AccountId), allowedFailures: Type.Integer({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    rolledBack: Type.Optional(
      Type.Object(
        { to: literalUnion(['previous', 'none'] as const), outcome: Type.String() },
        { additionalProperties: false },
      ),
    ),
    error: Type.Optional(
      Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }),
    ),
    hint: Type.Optional(Type.String()),
    deploymentId: Type.Optional(Type.Integer()),
    storeError: Type.Optional(
      Type.String({
        description:
          'The local status store failed while recording (locked, disk full): the rollout was followed from AWS, the local history misses part of it.',
      }),
    ),
    counts: Type.Record(literalUnion(accountStateNames), Type.Integer({ minimum: 0 })),
    targets: Type.Integer({ minimum: 0 }),
    failed: Type.Array(SummaryAccount),
    notReported: Type.Array(SummaryAccount),
    suspended: Type.Array(SummaryAccount),
    joined: Type.Array(SummaryAccount),
    outsideTargets: Type.Array(SummaryAccount),
  },
  { additionalProperties: false },
);

/** `packsmith deploy --format json` and `packsmith destroy --format json`. */
const StackInstanceFailure = Type.Object(
  {
    account: AccountId,
    region: Type.String(),
    status: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const RolloutOutputSchema = Type.Object(
  {
    ...reportHeader('rollout'),
    ok: Type.Boolean({
      description:
        'False when a put failed, an account failed or was not reported, a stack set did not end as asked (succeeded, or deleted), the local status store failed, or a signal stopped the run.',
    }),
    cancelled: Type.Optional(
      Type.Object(
        {
          signal: literalUnion(['SIGINT', 'SIGTERM'] as const),
          beforeAnyChange: Type.Boolean({
            description: 'Stopped before any put or delete: nothing changed.',
          }),
          inProgress: Type.Integer({
            minimum: 0,
            description: 'Accounts still in progress when tracking stopped (AWS goes on).',
          }),
        },
        { additionalProperties: false, description: 'A signal stopped the run (exit 130 or 143).' },
      ),
    ),
    regions: Type.Array(RegionResult),
    stackSets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            stackSetName: Type.String(),
            outcome: Type.String({
              description:
                'deploy: succeeded, failed, timed-out, cancelled; destroy: deleted, absent, failed, timed-out, cancelled.',
            }),
            stages: Type.Array(
              Type.Object(
                {
                  stage: Type.String(),
                  outcome: Type.String(),
                  operations: Type.Array(
                    Type.Object(
                      { operationId: Type.String(), status: Type.String() },
                      { additionalProperties: false },
                    ),
                  ),
                  failures: Type.Array(StackInstanceFailure),
                },
                { additionalProperties: false },
              ),
            ),
            remaining: Type.Optional(
              Type.Array(StackInstanceFailure, {
                description:
                  'destroy: the instances AWS still lists, which kept the stack set from being deleted.',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        { description: 'Packs of `engine: stackset`: each stack set, stage by stage.' },
      ),
    ),
    failures: Type.Optional(
      Type.Array(FailureCauseSchema, {
        description:
          "The failed accounts of every Region grouped by cause (each Region's `failed` keeps them all).",
      }),
    ),
  },
  { additionalProperties: false, title: 'packsmith deploy / destroy output' },
);
export type RolloutDocument = Static<typeof RolloutOutputSchema>;
