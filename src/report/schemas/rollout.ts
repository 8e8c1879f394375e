import { Type } from '@sinclair/typebox';
import { literalUnion } from '../../util/typebox.js';
import {
  AccountId,
  FailureCauseSchema,
  Parameters,
  Sha256,
  Status,
  UnavailableRuleSchema,
} from '../../app/documents.js';
import { reportHeader } from './common.js';

// The plan and rollout documents belong to the rollout use cases (src/app); re-exported for the schemas.
export {
  PlanOutputSchema,
  RegionPlanSchema,
  RolloutOutputSchema,
  type PlanDocument,
  type RolloutDocument,
} from '../../app/documents.js';
import { PlanOutputSchema, RolloutOutputSchema } from '../../app/documents.js';

const Counts = Type.Record(Type.String(), Type.Integer({ minimum: 0 }));
const GroupCounts = Type.Object(
  { key: Type.String(), rows: Type.Integer({ minimum: 0 }), statuses: Counts },
  { additionalProperties: false },
);

/** The summary of account rows (src/rollout/account-summary.ts): counts, then failures by cause. */
export const AccountSummarySchema = Type.Object(
  {
    rows: Type.Integer({ minimum: 0 }),
    accounts: Type.Integer({ minimum: 0, description: 'Distinct accounts.' }),
    statuses: Counts,
    byPack: Type.Array(GroupCounts),
    byRegion: Type.Array(GroupCounts),
    byWave: Type.Array(GroupCounts),
    failures: Type.Array(FailureCauseSchema),
  },
  { additionalProperties: false },
);

/** `packsmith status --format json`. */
export const StatusOutputSchema = Type.Object(
  {
    ...reportHeader('status'),
    accounts: Type.Array(
      Type.Object(
        {
          pack: Type.String(),
          orgPackName: Type.Optional(
            Type.String({ description: 'The organization conformance pack (`engine: organization`).' }),
          ),
          stackSetName: Type.Optional(
            Type.String({ description: 'The stack set deploying the pack (`engine: stackset`).' }),
          ),
          region: Type.String(),
          accountId: AccountId,
          name: Type.Optional(Type.String()),
          ouPath: Type.Optional(Type.String()),
          wave: Type.Optional(Type.String({ description: "The account's wave of the configuration." })),
          status: Type.Union([Status, Type.Literal('NOT_DEPLOYED'), Type.Literal('OUTDATED'), Type.Literal('SKIPPED_SUSPENDED_ACCOUNT'), Type.Literal('NOT_ATTEMPTED')], {
            description:
              "The organization status; a stack instance's mapped to it (src/rollout/stackset-status.ts): FAILED, INOPERABLE → *_FAILED, PENDING, RUNNING → *_IN_PROGRESS, CURRENT → *_SUCCESSFUL (CREATE_ or UPDATE_ after the last recorded operation), CANCELLED → NOT_ATTEMPTED (the operation stopped before reaching it: not a failure), OUTDATED and SKIPPED_SUSPENDED_ACCOUNT as such.",
          }),
          errorCode: Type.Optional(Type.String()),
          errorMessage: Type.Optional(Type.String()),
          hint: Type.Optional(Type.String()),
          lastUpdateTime: Type.Optional(Type.String()),
          target: Type.Boolean({ description: 'The configuration targets this account.' }),
          compliance: Type.Optional(
            Type.String({
              description: "With --compliance: the pack's compliance in this account and Region.",
            }),
          ),
          stackInstance: Type.Optional(
            Type.Object(
              {
                status: Type.Optional(Type.String({ description: 'CURRENT, OUTDATED or INOPERABLE.' })),
                detailedStatus: Type.Optional(Type.String()),
                statusReason: Type.Optional(Type.String()),
              },
              {
                additionalProperties: false,
                description: "`engine: stackset`: the stack instance as AWS lists it (the reason recorded when AWS's has none).",
              },
            ),
          ),
          history: Type.Object(
            {
              recordedStatus: Type.Optional(Status),
              recordedDetailedStatus: Type.Optional(
                Type.String({ description: "`engine: stackset`: the instance's last recorded DetailedStatus." }),
              ),
              lastOperationId: Type.Optional(
                Type.String({ description: '`engine: stackset`: the operation that last recorded the instance.' }),
              ),
              lastObservedAt: Type.Optional(
                Type.String({ description: 'When packsmith last recorded a change.' }),
              ),
              lastDeploymentId: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false, description: 'From the local status database.' },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
    summary: AccountSummarySchema,
    notEvaluated: Type.Array(
      Type.Object(
        {
          pack: Type.String(),
          region: Type.String(),
          rule: Type.String({ description: 'ConfigRuleName of the rule left out.' }),
          identifier: Type.String({ description: "The managed rule's SourceIdentifier." }),
          controls: Type.Array(Type.String(), { description: 'Controls not evaluated in this Region.' }),
        },
        { additionalProperties: false },
      ),
      {
        description:
          "Per pack and Region, the rules the deployed template left out because AWS does not document them there (`unavailableRules: exclude`), as the Region's deployment record says: their controls are not evaluated in that Region.",
      },
    ),
    localHistory: Type.Optional(
      Type.Object(
        { available: Type.Boolean(), reason: Type.Optional(Type.String()) },
        {
          additionalProperties: false,
          description:
            "Whether the local status database could be read; when not (missing, damaged, locked, newer schema), why: the statuses are then AWS's only.",
        },
      ),
    ),
    compliance: Type.Optional(
      Type.Object(
        {
          aggregator: Type.String(),
          packs: Type.Array(
            Type.Object(
              {
                pack: Type.String(),
                accountId: AccountId,
                region: Type.String(),
                compliance: Type.String(),
                compliantRules: Type.Integer({ minimum: 0 }),
                nonCompliantRules: Type.Integer({ minimum: 0 }),
                totalRules: Type.Integer({ minimum: 0 }),
              },
              { additionalProperties: false },
            ),
          ),
          rules: Type.Array(
            Type.Object(
              {
                pack: Type.String(),
                accountId: AccountId,
                region: Type.String(),
                ruleName: Type.String({ description: 'The authored ConfigRuleName.' }),
                deployedRuleName: Type.String({ description: 'The name AWS gave it in the account.' }),
                compliance: Type.String(),
                controls: Type.Array(Type.String()),
              },
              { additionalProperties: false },
            ),
          ),
          unmapped: Type.Array(
            Type.Object(
              {
                pack: Type.String(),
                accountId: AccountId,
                region: Type.String(),
                deployedRuleName: Type.String(),
              },
              { additionalProperties: false },
            ),
            { description: 'Deployed rules that map to no authored rule of the pack.' },
          ),
        },
        {
          additionalProperties: false,
          description: 'With --compliance, read through the organization aggregator.',
        },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith status output' },
);

/** `packsmith history --format json`. */
export const HistoryOutputSchema = Type.Object(
  {
    ...reportHeader('history'),
    deployments: Type.Array(
      Type.Object(
        {
          id: Type.Integer(),
          pack: Type.String(),
          orgPackName: Type.String(),
          region: Type.String(),
          operation: literalUnion(['create', 'update', 'delete'] as const),
          templateSha256: Type.Union([Sha256, Type.Null()]),
          parameters: Parameters,
          excludedAccounts: Type.Integer({ minimum: 0 }),
          callerAccount: AccountId,
          startedAt: Type.String(),
          endedAt: Type.Union([Type.String(), Type.Null()]),
          outcome: Type.Union([
            literalUnion(['succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted'] as const),
            Type.Null(),
          ]),
          counts: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
            description: 'Accounts per last observed status in this deployment.',
          }),
          unavailableRules: Type.Optional(
            Type.Array(UnavailableRuleSchema, {
              description:
                "Rules this deployment's template left out because AWS does not document them in its Region (`unavailableRules: exclude`): their controls were not evaluated there. Absent when none were.",
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    stackSetOperations: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.Integer(),
            pack: Type.String(),
            stackSetName: Type.String(),
            stage: Type.String(),
            stageIndex: Type.Integer({ minimum: 0 }),
            operationId: Type.String(),
            action: literalUnion(
              [
                'update-stack-set',
                'create-instances',
                'update-instances',
                'delete-instances',
                'delete-stack-set',
              ] as const,
              'UpdateStackSet scoped to the stage, CreateStackInstances or UpdateStackInstances (deploy); DeleteStackInstances of a stage, or DeleteStackSet (destroy).',
            ),
            attempt: Type.Integer({ minimum: 1 }),
            status: Type.String({
              description: "AWS's StackSetOperationStatus, or ISSUING / TIMED_OUT as packsmith recorded it.",
            }),
            statusReason: Type.Union([Type.String(), Type.Null()]),
            callerAccount: AccountId,
            startedAt: Type.String(),
            endedAt: Type.Union([Type.String(), Type.Null()]),
            instances: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
              description: 'Stack instances per recorded DetailedStatus in this operation.',
            }),
          },
          { additionalProperties: false },
        ),
        {
          description:
            '`engine: stackset`: the stack set operations of each stage, newest first (absent when none were recorded).',
        },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith history output' },
);

/** `packsmith preflight --format json`. */
export const PreflightOutputSchema = Type.Object(
  {
    ...reportHeader('preflight'),
    ok: Type.Boolean(),
    findings: Type.Array(
      Type.Object(
        {
          checkId: Type.String(),
          severity: literalUnion(['error', 'warning', 'notice'] as const),
          message: Type.String(),
          fix: Type.String(),
          region: Type.Optional(Type.String()),
          accountId: Type.Optional(Type.String()),
          accountIds: Type.Optional(Type.Array(Type.String())),
          pack: Type.Optional(Type.String()),
          detail: Type.Optional(
            Type.String({
              description:
                'What the accounts sharing this problem have in common (the message without account and Region).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith preflight output' },
);

/** `packsmith adopt PACK --format json`: the deployment records written, per Region. */
export const AdoptOutputSchema = Type.Object(
  {
    ...reportHeader('adopt'),
    pack: Type.String(),
    orgPackName: Type.String(),
    regions: Type.Array(
      Type.Object(
        {
          region: Type.String(),
          bucket: Type.String(),
          templateSha256: Sha256,
          templateKey: Type.String(),
          uploaded: Type.Boolean({ description: 'False when the template was already staged.' }),
          recordKey: Type.String(),
          packLastUpdateTime: Type.String({ description: "The pack's LastUpdateTime the record saves." }),
          replacedRecord: Type.Boolean({ description: 'A packsmith record was replaced (--force).' }),
          parameters: Parameters,
          excludedAccounts: Type.Array(AccountId),
          differs: Type.Object(
            {
              parameters: Type.Array(Type.String()),
              excludedAccounts: Type.Boolean(),
              delivery: Type.Boolean(),
            },
            {
              additionalProperties: false,
              description: 'Where AWS differs from the configuration: `plan` says update for these.',
            },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, title: 'packsmith adopt output' },
);

export const rolloutOutputSchemas = {
  adopt: AdoptOutputSchema,
  plan: PlanOutputSchema,
  rollout: RolloutOutputSchema,
  status: StatusOutputSchema,
  history: HistoryOutputSchema,
  preflight: PreflightOutputSchema,
};
