/**
 * The deployment configuration of a pack repository (`packsmith.deploy.yaml` at its root): who
 * deploys, to which Regions and which part of the organization, with which buckets and parameter
 * values. One TypeBox definition gives the type and the schema (schemas/deploy.schema.json);
 * loading reports every problem at once, each at file:line:column. Documented in
 * docs/deploy-config.md.
 */
import { partitionOf } from '../facts/partitions.js';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { sortDiagnostics } from '../diagnostics/diagnostic.js';
import { fileRefused } from '../authoring/problems.js';
import { schemaDiagnostic, translateSchemaErrors } from '../authoring/schema-errors.js';
import {
  accountIdPattern,
  iamRoleNamePattern,
  inputFileLimits,
  limits,
  orgDeliveryBucketPrefix,
  orgPackApiLimits,
  packNamePattern,
  s3BucketNamePattern,
  stackSetLimits,
  stackSetNamePattern,
} from '../facts/limits.js';
import { readUserFile } from '../source/read-file.js';
import { parseYamlSource, type YamlPath, type YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
import { literalUnion } from '../util/typebox.js';
import { deployDiagnostic, type DeployCheckName } from './problems.js';

export const deployConfigFileName = 'packsmith.deploy.yaml';

/** Who calls PutOrganizationConformancePack: the management account or a delegated administrator. */
export const deployRoles = ['management', 'delegated-administrator'] as const;
export type DeployRole = (typeof deployRoles)[number];

/** Region names such as us-east-1, eu-central-2, us-gov-west-1. */
export const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An OU reference: an OU id, the root id, or a path of OU names from the root (`/Root/Prod`). */
export const ouRefPattern = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\/Root(\/[^/]+)*)$/;

const Region = Type.String({ pattern: regionPattern.source, description: 'An AWS Region, e.g. eu-west-1.' });
const AccountId = Type.String({ pattern: accountIdPattern.source, description: 'A 12-digit account id.' });
const OuRef = Type.String({
  pattern: ouRefPattern.source,
  description: 'An OU id (ou-…), the root id (r-…) or an OU path from the root (/Root/Prod/Web).',
});
const ScalarValue = Type.Union(
  [Type.String({ maxLength: limits.inputParameterValueLength }), Type.Number(), Type.Boolean()],
  { description: 'A parameter value; numbers and booleans are passed as strings.' },
);
const ParameterValues = Type.Record(
  Type.String({ minLength: 1, maxLength: limits.inputParameterNameLength }),
  ScalarValue,
  {
    maxProperties: limits.inputParameters,
    description: 'ConformancePackInputParameters: pack parameter name → value.',
  },
);

export const TargetsSchema = Type.Object(
  {
    ous: Type.Optional(
      Type.Array(OuRef, {
        uniqueItems: true,
        description:
          'Deploy to every account in these OUs, nested OUs included. `/Root`: the whole organization.',
      }),
    ),
    accounts: Type.Optional(
      Type.Array(AccountId, { uniqueItems: true, description: 'Deploy to these accounts.' }),
    ),
    excludeOus: Type.Optional(
      Type.Array(OuRef, {
        uniqueItems: true,
        description: 'Leave out every account in these OUs, nested OUs included.',
      }),
    ),
    excludeAccounts: Type.Optional(
      Type.Array(AccountId, { uniqueItems: true, description: 'Leave out these accounts.' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Which accounts get the pack: (OUs ∪ accounts) − (excluded OUs ∪ excluded accounts). Exclusions win.',
  },
);

/** `2` (accounts) or `'10%'` (of the wave's accounts, rounded down). */
export const failureTolerancePattern = /^(100|[1-9]?[0-9])(\.[0-9]+)?%$/;
const FailureToleranceSchema = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: failureTolerancePattern.source })], {
    description,
  });

/** Wave names: short, readable in plans and reports. */
export const waveNamePattern = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const WaveSchema = Type.Object(
  {
    name: Type.String({ pattern: waveNamePattern.source, description: 'Lowercase letters, digits and `-`.' }),
    ous: Type.Optional(
      Type.Array(OuRef, { uniqueItems: true, description: 'Target accounts in these OUs (nested OUs too).' }),
    ),
    accounts: Type.Optional(
      Type.Array(AccountId, { uniqueItems: true, description: 'These target accounts.' }),
    ),
    failureTolerance: Type.Optional(
      FailureToleranceSchema('Failed accounts of this wave tolerated before the rollout stops.'),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A wave: the target accounts it adds (an account named by an earlier wave stays in that one). Accounts that are not targets are ignored.',
  },
);

/** The engines a pack deploys by (issue 16). */
export const deployEngines = ['organization', 'stackset'] as const;
export type DeployEngine = (typeof deployEngines)[number];

/** [CFN:DeploymentTargets] AccountFilterType, as the API spells it. */
export const accountFilterTypes = ['INTERSECTION', 'DIFFERENCE', 'UNION', 'NONE'] as const;
export type AccountFilter = (typeof accountFilterTypes)[number];
/** `3` (accounts) or `'25%'` (of the stage's accounts per Region): MaxConcurrentCount / Percentage. */
export const maxConcurrentPattern = /^(100|[1-9][0-9]?)%$/;

export const StageSchema = Type.Object(
  {
    name: Type.String({ pattern: waveNamePattern.source, description: 'Lowercase letters, digits and `-`.' }),
    ous: Type.Optional(
      Type.Array(OuRef, {
        uniqueItems: true,
        description:
          'DeploymentTargets.OrganizationalUnitIds: the stack instances go to the accounts of these OUs.',
      }),
    ),
    accounts: Type.Optional(
      Type.Array(AccountId, {
        uniqueItems: true,
        description: 'DeploymentTargets.Accounts, combined with the OUs by `accountFilter`.',
      }),
    ),
    accountFilter: Type.Optional(
      literalUnion(
        accountFilterTypes,
        'DeploymentTargets.AccountFilterType: how `accounts` combine with `ous` (default UNION when accounts are given, else NONE).',
      ),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: limits.inputParameterNameLength }), ScalarValue, {
        maxProperties: limits.inputParameters,
        description: "ParameterOverrides: pack parameter name → value for this stage's stack instances.",
      }),
    ),
    maxConcurrent: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: maxConcurrentPattern.source })], {
        description:
          'MaxConcurrentCount (a number) or MaxConcurrentPercentage (`25%`), per Region; default 1.',
      }),
    ),
    failureTolerance: Type.Optional(
      FailureToleranceSchema(
        'FailureToleranceCount (a number) or FailureTolerancePercentage (`10%`), per Region; default 0.',
      ),
    ),
    concurrencyMode: Type.Optional(
      Type.Union([Type.Literal('STRICT'), Type.Literal('SOFT')], {
        description:
          'ConcurrencyMode: STRICT (STRICT_FAILURE_TOLERANCE, the default: concurrency shrinks with failures) or SOFT (SOFT_FAILURE_TOLERANCE).',
      }),
    ),
    regionConcurrency: Type.Optional(
      Type.Union([Type.Literal('SEQUENTIAL'), Type.Literal('PARALLEL')], {
        description:
          'RegionConcurrencyType: Regions one after the other (default, in the order of `regions`) or at once.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A stage of a stack set rollout: one operation per stage, followed to its end before the next starts.',
  },
);

export const PackDeploymentSchema = Type.Object(
  {
    engine: Type.Optional(
      literalUnion(
        deployEngines,
        'How the pack is deployed: one organization conformance pack (default) or a service-managed CloudFormation StackSet deploying it as a conformance pack in each account.',
      ),
    ),
    stackSetName: Type.Optional(
      Type.String({
        pattern: stackSetNamePattern.source,
        maxLength: stackSetLimits.stackSetNameLength,
        description: '`engine: stackset`: StackSetName; default `packsmith-<pack>`.',
      }),
    ),
    stages: Type.Optional(
      Type.Array(StageSchema, {
        minItems: 1,
        description:
          '`engine: stackset`: the ordered groups of stack instances, each deployed by its own operation.',
      }),
    ),
    autoDeployment: Type.Optional(
      Type.Object(
        {
          enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
          retainStacksOnAccountRemoval: Type.Optional(Type.Boolean({ description: 'Default false.' })),
        },
        {
          additionalProperties: false,
          description: '`engine: stackset`: AutoDeployment for accounts that join a targeted OU.',
        },
      ),
    ),
    callAs: Type.Optional(
      Type.Union([Type.Literal('SELF'), Type.Literal('DELEGATED_ADMIN')], {
        description:
          '`engine: stackset`: CallAs; default SELF for `role: management`, DELEGATED_ADMIN for a delegated administrator.',
      }),
    ),
    orgPackName: Type.Optional(
      Type.String({
        pattern: packNamePattern.source,
        minLength: 1,
        maxLength: limits.orgPackNameLength,
        description: 'OrganizationConformancePackName; defaults to the pack name.',
      }),
    ),
    targets: Type.Optional(TargetsSchema),
    deliveryBucket: Type.Optional(
      Type.String({
        pattern: `^${orgDeliveryBucketPrefix}[a-z0-9.-]*$`,
        maxLength: orgPackApiLimits.deliveryS3BucketLength,
        description: `DeliveryS3Bucket: an org pack's delivery bucket name must start with "${orgDeliveryBucketPrefix}".`,
      }),
    ),
    deliveryKeyPrefix: Type.Optional(
      Type.String({
        maxLength: orgPackApiLimits.deliveryS3KeyPrefixLength,
        description: 'DeliveryS3KeyPrefix.',
      }),
    ),
    parameters: Type.Optional(ParameterValues),
    regionParameters: Type.Optional(
      Type.Record(Type.String({ pattern: regionPattern.source }), ParameterValues, {
        description: 'Per Region, values that replace those of `parameters`.',
      }),
    ),
    excludeRules: Type.Optional(
      Type.Record(
        Type.String({ pattern: regionPattern.source }),
        Type.Array(Type.String({ minLength: 1, maxLength: limits.ruleNameLength }), {
          uniqueItems: true,
          description: 'ConfigRuleNames of the rules left out in this Region.',
        }),
        { description: 'Per Region, rules (ConfigRuleName) left out where they are not available.' },
      ),
    ),
    unavailableRules: Type.Optional(
      Type.Union([Type.Literal('fail'), Type.Literal('exclude')], {
        description:
          "Managed rules AWS does not document in a deployment Region (packsmith's catalog): `fail` (default) " +
          "refuses the plan listing them; `exclude` leaves them out of that Region's template, with their " +
          'remediations, and the plan names the controls not evaluated there.',
      }),
    ),
    waves: Type.Optional(
      Type.Array(WaveSchema, {
        minItems: 1,
        description:
          "Ordered waves that stage the pack's reach (its first deployment, or a widening of its targets). Target accounts no wave names form a last wave, `rest`.",
      }),
    ),
    failureTolerance: Type.Optional(
      FailureToleranceSchema('Failed accounts tolerated per wave unless the wave says otherwise; default 0.'),
    ),
  },
  {
    additionalProperties: false,
    description: 'How this pack is deployed: its targets, buckets, parameter values and waves.',
  },
);

/** An IAM role name (IAM: 1–64 characters of [\w+=,.@-]). */
export const roleNamePattern = /^[\w+=,.@-]{1,64}$/;

/** `bootstrap:` (issue 16): what `packsmith bootstrap` deploys to every target account. */
export const BootstrapSchema = Type.Object(
  {
    roles: Type.Optional(
      Type.Record(
        Type.String({ pattern: roleNamePattern.source }),
        Type.Object(
          {
            managedPolicyArns: Type.Optional(
              Type.Array(Type.String({ pattern: '^arn:[a-z-]+:iam::(aws|\\d{12}):policy/.+$' }), {
                uniqueItems: true,
                maxItems: 20,
                description: 'Managed policies attached to the role (ManagedPolicyArns).',
              }),
            ),
            policyFile: Type.Optional(
              Type.String({
                minLength: 1,
                description:
                  'An IAM policy document (JSON) in the repository, attached inline to the role. packsmith cannot derive it from the runbooks: the catalog has no runbook permissions.',
              }),
            ),
          },
          {
            additionalProperties: false,
            description:
              'The policy of one remediation role: managed policies, an inline policy file, or both.',
          },
        ),
        {
          description:
            "Per remediation role the packs' remediation blocks reference (AutomationAssumeRole), the policy it gets. Each role is created in every target account with the same name, trusting SSM Automation.",
        },
      ),
    ),
    recorder: Type.Optional(
      Type.Object(
        {
          deliveryBucket: Type.String({
            minLength: 3,
            maxLength: 63,
            description: "The delivery channel's S3 bucket (S3BucketName).",
          }),
          deliveryKeyPrefix: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 1024,
              description: "The delivery channel's S3KeyPrefix.",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            'Also deploy a configuration recorder (all resource types, the AWS Config service-linked role) and a delivery channel in every target account and Region. AWS allows one recorder per account and Region: the stack instance fails in an account that already has one, which keeps its own.',
        },
      ),
    ),
  },
  { additionalProperties: false, description: 'What `packsmith bootstrap` deploys to every target account.' },
);

export const DeployConfigSchema = Type.Object(
  {
    $schema: Type.Optional(
      Type.String({
        description:
          'Path or URL of the JSON Schema an editor checks this file with (e.g. .packsmith/schemas/deploy.schema.json); packsmith ignores it.',
      }),
    ),
    deployingAccount: Type.String({
      pattern: accountIdPattern.source,
      description: 'The account that calls PutOrganizationConformancePack (12 digits).',
    }),
    role: literalUnion(
      deployRoles,
      'Whether the deploying account is the management account or a delegated administrator.',
    ),
    assumeRoleName: Type.Optional(
      Type.String({
        pattern: iamRoleNamePattern.source,
        description: 'Role assumed in the deploying account (none: the current credentials are used).',
      }),
    ),
    accountCheckRoleName: Type.Optional(
      Type.String({
        pattern: iamRoleNamePattern.source,
        description:
          'Role assumed in each target account by `packsmith preflight --check-recorders` (no default: checks that need it are refused without it).',
      }),
    ),
    statePath: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The per-account status database, relative to the repository; default .packsmith/state.db.',
      }),
    ),
    regions: Type.Array(Region, { minItems: 1, uniqueItems: true, description: 'Regions to deploy to.' }),
    templateBuckets: Type.Record(
      Type.String({ pattern: regionPattern.source }),
      Type.String({
        pattern: s3BucketNamePattern.source,
        description: 'Name of an S3 bucket in this Region, e.g. my-org-config-templates-eu-west-1.',
      }),
      { description: 'Per Region, the S3 bucket (in that Region) the templates are uploaded to.' },
    ),
    complianceAggregator: Type.Optional(
      Type.Object(
        {
          name: Type.String({
            pattern: '^[\\w\\-]+$',
            minLength: 1,
            maxLength: 256,
            description: 'ConfigurationAggregatorName of an organization aggregator.',
          }),
          region: Type.Optional(
            Type.String({
              pattern: regionPattern.source,
              description: 'Region of the aggregator; default the first of `regions`.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'The AWS Config aggregator `packsmith status --compliance` reads compliance from.',
        },
      ),
    ),
    regionConcurrency: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Regions deployed at once (default: all). 1 deploys them one after the other, in the order of `regions`.',
      }),
    ),
    bootstrap: Type.Optional(BootstrapSchema),
    packs: Type.Record(
      Type.String({ pattern: packNamePattern.source, maxLength: limits.orgPackNameLength }),
      PackDeploymentSchema,
      { minProperties: 1, description: 'Per pack (by its manifest name), where and how it is deployed.' },
    ),
  },
  { additionalProperties: false, title: 'packsmith deployment configuration' },
);

export type DeployConfig = Static<typeof DeployConfigSchema>;
export type PackDeployment = Static<typeof PackDeploymentSchema>;
export type Targets = Static<typeof TargetsSchema>;
export type Wave = Static<typeof WaveSchema>;
export type Stage = Static<typeof StageSchema>;
export type Bootstrap = Static<typeof BootstrapSchema>;

/** The engine a pack deploys by. */
export const engineOf = (deployment: Pick<PackDeployment, 'engine'>): DeployEngine =>
  deployment.engine ?? 'organization';

/** An organization pack's targets (none for a stack set pack, which targets by `stages`). */
export const targetsOf = (deployment: PackDeployment): Targets => deployment.targets ?? {};

/** The stack set a pack deploys as. */
export const stackSetNameOf = (pack: string, deployment: PackDeployment): string =>
  deployment.stackSetName ?? `packsmith-${pack}`.slice(0, stackSetLimits.stackSetNameLength);
export type TargetField = keyof Targets;

/** Where a target entry sits in the file, to locate problems found when resolving targets. */
export const targetPath = (pack: string, field: TargetField, index: number): YamlPath => [
  'packs',
  pack,
  'targets',
  field,
  index,
];

/** The org pack name a pack deploys under. */
export const orgPackNameOf = (pack: string, deployment: PackDeployment): string =>
  deployment.orgPackName ?? pack;

export interface LoadedDeployConfig {
  /** Present when there is no error. */
  config?: DeployConfig;
  /** Every problem, sorted by position (warnings too). */
  problems: Diagnostic[];
  /** The parsed file, to locate later problems (see targetPath). */
  source: YamlSource;
  /**
   * The parts of the file the schema refused: later checks of the file's well-formed parts (the
   * packs against the repository, `deploy-packs.ts`) skip what lies at or under them.
   */
  brokenPaths: YamlPath[];
}

/** Reads and checks `path`; `displayPath` is the file name shown in locations (default `path`). */
export function loadDeployConfig(path: string, displayPath = path): LoadedDeployConfig {
  const read = readUserFile(path, {
    purpose: 'deployment configuration',
    maxBytes: inputFileLimits.configFileBytes,
  });
  if (!read.ok) {
    const location = { file: displayPath, line: 1, column: 1 };
    return {
      problems: [fileRefused('this file', read, location)],
      source: parseYamlSource(displayPath, ''),
      brokenPaths: [[]],
    };
  }
  return parseDeployConfig(displayPath, read.text);
}

export function parseDeployConfig(file: string, text: string): LoadedDeployConfig {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length) return { problems: source.syntaxErrors, source, brokenPaths: [[]] };
  const value = source.value;
  const problems: Diagnostic[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(schemaProblem(source, 'the deployment configuration must be a YAML mapping', []));
    return { problems, source, brokenPaths: [[]] };
  }
  const validate = validator();
  const schemaProblems = validate(value)
    ? []
    : translateSchemaErrors(validate.errors ?? [], value, schemaContext);
  problems.push(...schemaProblems.map((p) => schemaDiagnostic(source, p, schemaContext, p.fix)));
  problems.push(...semanticProblems(source, value as Partial<DeployConfig>));
  const sorted = sortDiagnostics(problems);
  const brokenPaths = schemaProblems.map((p) => p.subject);
  return sorted.some((d) => d.severity === 'error')
    ? { problems: sorted, source, brokenPaths }
    : { config: value as DeployConfig, problems: sorted, source, brokenPaths };
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  return (compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(
    DeployConfigSchema,
  ));
}

/** The editor schema and the keywords another check explains better. */
const schemaContext = {
  schema: DeployConfigSchema,
  schemaFile: 'deploy.schema.json',
  // Duplicates in lists are left to the semantic check, which points at the repeat.
  ignore: ['uniqueItems'],
};

function schemaProblem(source: YamlSource, message: string, path: YamlPath): Diagnostic {
  return schemaDiagnostic(
    source,
    { message, at: path, part: 'value' },
    schemaContext,
    'Write the deployment configuration as `key: value` lines (docs/deploy-config.md).',
  );
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): Array<[string, number]> =>
  Array.isArray(v)
    ? v.flatMap((s, i): Array<[string, number]> => (typeof s === 'string' ? [[s, i]] : []))
    : [];

/** The checks a schema cannot express. They read the value defensively: it may be invalid. */
function semanticProblems(source: YamlSource, config: Partial<DeployConfig>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const problem = (name: DeployCheckName, message: string, path: YamlPath, part: 'key' | 'value' = 'value') =>
    out.push(deployDiagnostic(source, name, message, path, part));
  const duplicatesIn = (list: unknown, path: YamlPath, what: string) => {
    const first = new Map<string, number>();
    for (const [item, i] of strings(list)) {
      const earlier = first.get(item);
      if (earlier === undefined) first.set(item, i);
      else
        problem('deploy-duplicate', `${what} \`${item}\` is listed twice (also item ${earlier + 1})`, [
          ...path,
          i,
        ]);
    }
  };

  const regions = new Set(strings(config.regions).map(([r]) => r));
  duplicatesIn(config.regions, ['regions'], 'Region');
  const [first] = strings(config.regions);
  for (const [region, i] of strings(config.regions)) {
    const partition = partitionOf(region).id;
    if (first && partition !== partitionOf(first[0]).id) {
      problem(
        'deploy-mixed-partitions',
        `${region} is in the ${partition} partition, ${first[0]} in ${partitionOf(first[0]).id}`,
        ['regions', i],
      );
    }
  }
  const buckets = isRecord(config.templateBuckets) ? config.templateBuckets : undefined;
  for (const [region, i] of strings(config.regions)) {
    if (buckets && !(region in buckets)) {
      problem(
        'deploy-template-bucket-missing',
        `no template bucket for Region ${region} in \`templateBuckets\``,
        ['regions', i],
      );
    }
  }
  for (const region of Object.keys(buckets ?? {})) {
    if (!regions.has(region)) {
      problem(
        'deploy-unused-template-bucket',
        `template bucket for ${region}, which is not in \`regions\`${suggestion(region, regions)}`,
        ['templateBuckets', region],
        'key',
      );
    }
  }

  const packs = isRecord(config.packs) ? config.packs : {};
  const orgNames = new Map<string, string>();
  for (const [pack, raw] of Object.entries(packs)) {
    if (!isRecord(raw)) continue;
    const base: YamlPath = ['packs', pack];
    const orgName = typeof raw.orgPackName === 'string' ? raw.orgPackName : pack;
    const other = raw.engine === 'stackset' ? undefined : orgNames.get(orgName);
    if (raw.engine === 'stackset') {
      // A stack set deploys no organization conformance pack.
    } else if (other !== undefined) {
      problem(
        'deploy-org-pack-name',
        `packs ${other} and ${pack} both deploy as organization conformance pack ${orgName}`,
        typeof raw.orgPackName === 'string' ? [...base, 'orgPackName'] : base,
        typeof raw.orgPackName === 'string' ? 'value' : 'key',
      );
    } else {
      orgNames.set(orgName, pack);
    }
    for (const field of ['regionParameters', 'excludeRules'] as const) {
      const byRegion = raw[field];
      if (!isRecord(byRegion)) continue;
      for (const region of Object.keys(byRegion)) {
        if (!regions.has(region)) {
          problem(
            'deploy-region-not-deployed',
            `\`${field}\` of pack ${pack} names Region ${region}, which is not in \`regions\`${suggestion(region, regions)}`,
            [...base, field, region],
            'key',
          );
        }
      }
      if (field === 'excludeRules') {
        for (const [region, rules] of Object.entries(byRegion)) {
          duplicatesIn(rules, [...base, field, region], 'rule');
        }
      }
    }
    if (Array.isArray(raw.waves)) {
      const names = raw.waves.map((w) => (isRecord(w) ? w.name : undefined));
      const first = new Map<string, number>();
      names.forEach((name, i) => {
        if (typeof name !== 'string') return;
        const earlier = first.get(name);
        if (earlier === undefined) first.set(name, i);
        else
          problem('deploy-duplicate', `wave \`${name}\` is named twice (also wave ${earlier + 1})`, [
            ...base,
            'waves',
            i,
            'name',
          ]);
      });
    }
    if (raw.engine === 'stackset') {
      stackSetProblems(pack, raw, problem, duplicatesIn);
      continue;
    }
    for (const field of stackSetOnlySettings) {
      if (raw[field] !== undefined)
        problem(
          'deploy-engine-setting',
          `\`${field}\` of pack ${pack} applies to \`engine: stackset\` only; this pack deploys as an organization conformance pack`,
          [...base, field],
          'key',
        );
    }
    const targets = raw.targets;
    if (targets === undefined) {
      problem(
        'deploy-no-targets',
        `pack ${pack} has no \`targets\` (or, with \`engine: stackset\`, \`stages\`)`,
        base,
        'key',
      );
      continue;
    }
    if (!isRecord(targets)) continue;
    const tbase: YamlPath = [...base, 'targets'];
    for (const field of ['ous', 'accounts', 'excludeOus', 'excludeAccounts'] as const) {
      duplicatesIn(targets[field], [...tbase, field], field.endsWith('ccounts') ? 'account' : 'OU');
    }
    for (const [include, exclude] of [
      ['ous', 'excludeOus'],
      ['accounts', 'excludeAccounts'],
    ] as const) {
      const included = new Set(strings(targets[include]).map(([s]) => s));
      for (const [item, i] of strings(targets[exclude])) {
        if (included.has(item)) {
          problem('deploy-duplicate', `\`${item}\` is both in \`${include}\` and in \`${exclude}\``, [
            ...tbase,
            exclude,
            i,
          ]);
        }
      }
    }
    if (strings(targets.ous).length === 0 && strings(targets.accounts).length === 0) {
      problem('deploy-no-targets', `pack ${pack} targets no OU and no account`, tbase, 'key');
    }
  }
  return out;
}

type Problem = (name: DeployCheckName, message: string, path: YamlPath, part?: 'key' | 'value') => void;

/** Settings of the stack set engine only. */
const stackSetOnlySettings = ['stackSetName', 'stages', 'autoDeployment', 'callAs'] as const;
/** Settings of the organization engine only (one template per Region, one put per wave). */
const organizationOnlySettings = [
  'orgPackName',
  'targets',
  'waves',
  'failureTolerance',
  'regionParameters',
  'excludeRules',
] as const;

/** `engine: stackset`: stages with targets, at most 50 OUs each, each OU in one stage. */
function stackSetProblems(
  pack: string,
  raw: Record<string, unknown>,
  problem: Problem,
  duplicatesIn: (list: unknown, path: YamlPath, what: string) => void,
): void {
  const base: YamlPath = ['packs', pack];
  for (const field of organizationOnlySettings) {
    if (raw[field] !== undefined)
      problem(
        'deploy-engine-setting',
        `\`${field}\` of pack ${pack} applies to organization conformance packs only; this pack deploys by \`engine: stackset\`` +
          (field === 'targets' || field === 'waves' ? ' (target OUs and accounts in `stages`)' : '') +
          (field === 'regionParameters' || field === 'excludeRules'
            ? ' (a stack set deploys one template with one set of parameters to every Region)'
            : ''),
        [...base, field],
        'key',
      );
  }
  if (raw.unavailableRules === 'exclude')
    problem(
      'deploy-engine-setting',
      `\`unavailableRules: exclude\` of pack ${pack} needs a template per Region, which a stack set does not have`,
      [...base, 'unavailableRules'],
    );
  const stages = raw.stages;
  if (stages === undefined) {
    problem(
      'deploy-no-targets',
      `pack ${pack} deploys by \`engine: stackset\` and has no \`stages\``,
      base,
      'key',
    );
    return;
  }
  if (!Array.isArray(stages)) return;
  const names = new Map<string, number>();
  const ouStage = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (!isRecord(stage)) return;
    const path: YamlPath = [...base, 'stages', i];
    if (typeof stage.name === 'string') {
      const earlier = names.get(stage.name);
      if (earlier === undefined) names.set(stage.name, i);
      else
        problem('deploy-duplicate', `stage \`${stage.name}\` is named twice (also stage ${earlier + 1})`, [
          ...path,
          'name',
        ]);
    }
    duplicatesIn(stage.ous, [...path, 'ous'], 'OU');
    duplicatesIn(stage.accounts, [...path, 'accounts'], 'account');
    const ous = strings(stage.ous);
    if (ous.length === 0 && strings(stage.accounts).length === 0)
      problem(
        'deploy-no-targets',
        `stage ${i + 1} of pack ${pack} targets no OU and no account`,
        path,
        'key',
      );
    if (ous.length > stackSetLimits.ousPerOperation)
      problem(
        'stackset-stage-ous',
        `stage ${i + 1} of pack ${pack} names ${ous.length} OUs; one stack set operation takes at most ${stackSetLimits.ousPerOperation}`,
        [...path, 'ous'],
        'key',
      );
    // STRICT (the default) caps concurrency at failureTolerance + 1: with no tolerance, one at a time.
    const most = stage.maxConcurrent;
    const tolerance = stage.failureTolerance;
    if (
      ((typeof most === 'number' && most > 1) || typeof most === 'string') &&
      stage.concurrencyMode !== 'SOFT' &&
      (tolerance === undefined ||
        tolerance === 0 ||
        (typeof tolerance === 'string' && parseFloat(tolerance) === 0))
    )
      problem(
        'stackset-strict-concurrency',
        `stage ${i + 1} of pack ${pack} sets maxConcurrent ${String(most)}, but with STRICT failure tolerance and failureTolerance 0 AWS runs one account at a time per Region`,
        [...path, 'maxConcurrent'],
        'key',
      );
    const seen = new Set<string>();
    for (const [ou, j] of ous) {
      if (seen.has(ou)) continue;
      seen.add(ou);
      const earlier = ouStage.get(ou);
      if (earlier === undefined) ouStage.set(ou, i);
      else if (earlier !== i)
        problem(
          'stackset-ou-in-two-stages',
          `OU \`${ou}\` is already in stage ${earlier + 1} of pack ${pack}`,
          [...path, 'ous', j],
        );
    }
  });
}

function suggestion(word: string, candidates: Iterable<string>): string {
  const [best] = closest(word, candidates, 1);
  return best ? ` (did you mean ${best}?)` : '';
}
