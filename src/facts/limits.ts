/**
 * AWS Config conformance pack limits: the one place where these numbers live.
 * Sources are the keys of the project's fact sheet: [BC:Shape] = botocore service model
 * `config/2014-11-12/service-2.json` (1.43.11), [QUOTAS] = "AWS Config endpoints and quotas".
 */
export const limits = {
  /** [BC:TemplateBody] inline template body, UTF-8 bytes. Larger templates must be deployed from S3. */
  templateBodyBytes: 51_200,
  /** [BC:TemplateS3Uri] template object behind TemplateS3Uri: 300 KB (read as 300 × 1024 bytes). */
  templateS3Bytes: 300 * 1024,
  /**
   * [QUOTAS] 130 rules per pack. Whether remediations count is unverified (fact sheet §6): AWS's
   * error says "Number of resources", so packsmith counts rules plus remediations, the safe reading.
   */
  resourcesPerPack: 130,
  /** [BC:ConformancePackInputParameters] at most 60 input parameters can be passed at deploy time. */
  inputParameters: 60,
  /** [BC:ConformancePackInputParameter] */
  inputParameterNameLength: 255,
  inputParameterValueLength: 4096,
  /** [BC:ConformancePackName] single-account pack name. */
  packNameLength: 256,
  /** [BC:OrganizationConformancePackName] org pack name: packsmith packs deploy to organizations. */
  orgPackNameLength: 128,
  /** [BC:ConfigRuleName] 1–128 characters, pattern `.*\S.*`. */
  ruleNameLength: 128,
  /**
   * [BC:ConformancePackConfigRuleNames] the compliance filter APIs take rule names of at most 64
   * characters; fact sheet §6 marks the effective in-pack limit unverified, so longer names warn.
   */
  ruleNameRecommendedLength: 64,
  /** [BC:ConfigRule] */
  ruleDescriptionLength: 256,
  /** CloudFormation template anatomy, Parameters: a Description is a string of up to 4000 characters. */
  parameterDescriptionLength: 4000,
  /** packsmith's own bound: a pack description is written only as a comment in the template. */
  packDescriptionLength: 4096,
  /** [BC:ConfigRule] InputParameters is a JSON string of 1–1024 characters once serialised. */
  inputParametersJsonLength: 1024,
  /** [BC:Scope] */
  scopeResourceTypes: 100,
  scopeResourceTypeLength: 256,
  scopeResourceIdLength: 768,
  scopeTagKeyLength: 128,
  scopeTagValueLength: 256,
  /** [BC:Source] */
  sourceIdentifierLength: 256,
  sourceDetails: 25,
  /** [BC:CustomPolicyDetails] */
  guardPolicyTextLength: 10_000,
  /** [BC:RemediationConfiguration] SSM document name. */
  remediationTargetIdLength: 256,
  /** [BC:RemediationParameters] */
  remediationParameters: 25,
  remediationParameterNameLength: 256,
  /** [BC:StaticValue] */
  staticValues: 25,
  staticValueLength: 256,
  /** [BC:AutoRemediationAttempts] */
  automaticAttempts: { min: 1, max: 25 },
  /** [BC:AutoRemediationAttemptSeconds] */
  retryAttemptSeconds: { min: 1, max: 2_678_000 },
  /** [BC:SsmControls] */
  ssmPercentage: { min: 1, max: 100 },
  /** Resource-level Controls in AWS's sample packs; [BC:DescribeConformancePackCompliance] lists 0–20. */
  controlsPerRule: 20,
  /** [BC:ExcludedAccounts] */
  excludedAccounts: 1000,
} as const;

/** [BC:ConformancePackName] / [BC:OrganizationConformancePackName] */
export const packNamePattern = /^[a-zA-Z][-a-zA-Z0-9]*$/;
/** [BC:ConfigRuleName] */
export const ruleNamePattern = /.*\S.*/;
/** [BC:CustomPolicyDetails] PolicyRuntime */
export const guardRuntimePattern = /^guard-2\.x\.x$/;

/** Limits of the organization conformance pack API (fact sheet §1.2, §2.2). */
export const orgPackApiLimits = {
  /** [QUOTAS] organization conformance packs per organization, not adjustable. */
  orgPacksPerOrganization: 50,
  /** [BC:DescribeOrganizationConformancePacks] OrganizationConformancePackNames: 0–25 names. */
  describeNames: 25,
  /** [BC:DescribeOrganizationConformancePacks] / [BC:GetOrganizationConformancePackDetailedStatus] Limit 0–100, 0 = default 100. */
  pageLimit: 100,
  /** [BC:PutOrganizationConformancePackRequest] DeliveryS3Bucket 0–63. */
  deliveryS3BucketLength: 63,
  /** [BC:DeliveryS3KeyPrefix] 0–1024. */
  deliveryS3KeyPrefixLength: 1024,
  /** [BC:TemplateS3Uri] 1–1024, pattern `s3://.*`. */
  templateS3UriLength: 1024,
  /** [BC:OrganizationConformancePackDetailedStatus] member-side ConformancePackName, StringWithCharLimit256. */
  memberPackNameLength: 256,
} as const;

/** [BC:PutOrganizationConformancePackRequest] an org pack's DeliveryS3Bucket must start with this. */
export const orgDeliveryBucketPrefix = 'awsconfigconforms';
/** [BC:ExcludedAccounts] / [BC:ConformancePackComplianceFilters] account IDs. */
export const accountIdPattern = /^\d{12}$/;
/** [BC:TemplateS3Uri] */
export const templateS3UriPattern = /^s3:\/\/.*/;

/** Limits of the Organizations API that discovery depends on (fact sheet §4). */
export const organizationsApiLimits = {
  /** [BC-ORG:ListAccounts] List* calls take MaxResults 1–20; pages may be empty while NextToken is set. */
  listMaxResults: 20,
} as const;

/**
 * CloudFormation StackSets limits the stack set engine relies on ([CFN:Shape] = the CloudFormation
 * API model, `cloudformation/2010-05-15`; [PRIOR-ART §1.3] = shared/reference/prior-art.md).
 */
export const stackSetLimits = {
  /** [PRIOR-ART §1.3] CreateStackInstances accepts at most 50 OUs per call (DeploymentTargets). */
  ousPerOperation: 50,
  /** [CFN:CreateStackSetInput] StackSetName: 1–128, a letter then letters, digits and `-`. */
  stackSetNameLength: 128,
  /** [CFN:CreateStackSetInput] OperationId / ClientRequestToken: 1–128, `[a-zA-Z0-9][-a-zA-Z0-9]*`. */
  operationIdLength: 128,
} as const;
/** [CFN:CreateStackSetInput] StackSetName. */
export const stackSetNamePattern = /^[a-zA-Z][-a-zA-Z0-9]*$/;
/** [CFN:StackSetOperation] OperationId. */
export const operationIdPattern = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

/** S3 bucket names: 3–63 characters of lower-case letters, digits, `.` and `-` (S3 naming rules). */
export const s3BucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** IAM role names: 1–64 characters of `[\w+=,.@-]` (IAM quotas, role name). */
export const iamRoleNamePattern = /^[\w+=,.@-]{1,64}$/;

/** Limits of the aggregator compliance reads (fact sheet §2.3). */
export const aggregateComplianceApiLimits = {
  /** [BC:DescribeAggregateComplianceByConformancePacks] / [BC:GetAggregateConformancePackComplianceSummary] Limit 0–100, 0 = the maximum. */
  conformancePacksPageLimit: 100,
  /** [BC:DescribeAggregateComplianceByConfigRules] Limit 0–1000, 0 = the maximum. */
  configRulesPageLimit: 1000,
  /** [BC:ConfigurationAggregatorName] 1–256 characters. */
  aggregatorNameLength: 256,
  /** [BC:AggregateConformancePackComplianceFilters] / [BC:ConfigRuleComplianceFilters] AwsRegion 1–64. */
  awsRegionLength: 64,
} as const;
/** [BC:ConfigurationAggregatorName] */
export const aggregatorNamePattern = /^[\w-]+$/;

/**
 * How AWS names what an organization conformance pack deploys in a member account. Neither format
 * is specified by the API model; both are observations, so code matching them takes the safe side.
 * - [DG:compliance-history-conformance-pack] deployed rules: `<ConfigRuleName>-conformance-pack-<id>`
 *   (older docs also show an `awsconfigconforms-` prefix; fact sheet §1.1).
 * - Member pack: `OrgConformsPack-<org pack name>-<random>`, as moto mocks it (fact sheet §1.2,
 *   moto `moto/config/models.py`; a mock, not authoritative).
 */
export const orgPackDeployedNames = {
  ruleSuffixMarker: '-conformance-pack-',
  memberPackPrefix: 'OrgConformsPack-',
} as const;

/**
 * packsmith's own bounds on reading YAML (not AWS limits). Aliases may expand a file to at most
 * `aliasExpansionFactor` × its own values + `aliasExpansionAllowance`: linear in the file, so every
 * walk over the value stays linear, while anchors reused across a pack (a scope, a parameter set)
 * stay far below it. A 10-level "alias bomb" (each level ×9) expands to billions and is refused.
 */
export const yamlReadingLimits = {
  aliasExpansionFactor: 10,
  aliasExpansionAllowance: 10_000,
} as const;

/**
 * packsmith's own bounds on the times a user can set (`--poll-interval`, `--timeout`,
 * `--lock-wait`). Not AWS limits: packsmith's choice, so that no value makes the poller hammer the
 * detailed-status API or never poll again, and no wait outlives a working day.
 * - Poll interval 0.1–300 s: 0.1 s keeps rehearsals against the sandbox quick; against AWS the
 *   poller backs off on throttling. Terraform polls every 30 s (fact sheet §3, rollout time).
 * - Timeout up to 24 h: the longest observed rollouts take tens of minutes (fact sheet §3).
 * - Lock wait up to 24 h, 0 = do not wait.
 */
export const timeBounds = {
  pollIntervalSeconds: { min: 0.1, max: 300 },
  timeoutMinutes: { min: 0.1, max: 24 * 60 },
  lockWaitSeconds: { min: 0, max: 24 * 60 * 60 },
} as const;

/**
 * Timeouts of every AWS request (packsmith's choice, not an AWS limit). The SDK sets none by
 * default, so an endpoint that accepts connections and never answers would hang a command.
 * - `connectionMs`: establishing the TCP (and TLS) connection.
 * - `requestMs`: the whole request and response of one attempt (largest body: a 300 KB template).
 * - `attemptsOnTimeout`: attempts of one call while they time out; the SDK's standard retries
 *   would multiply the wait by their 5 attempts. One call to a silent endpoint thus ends after
 *   about `requestMs × attemptsOnTimeout` (plus the SDK's backoff of at most a second here).
 */
export const awsRequestTimeouts = {
  connectionMs: 5_000,
  requestMs: 10_000,
  attemptsOnTimeout: 2,
} as const;

/**
 * Bounds on the files packsmith reads from users, so no input can exhaust memory or time. Every file
 * is read only when it is a regular file and at most this many bytes (checked before and while
 * reading). Each bound is either derived from an AWS limit above or packsmith's own choice, as said.
 */
export const inputFileLimits = {
  /**
   * Derived from [BC:CustomPolicyDetails] PolicyText ≤ 10,000 characters: a character is at most 4
   * bytes of UTF-8, so a .guard file over 40,000 bytes can only hold a policy AWS refuses.
   */
  guardPolicyFileBytes: limits.guardPolicyTextLength * 4,
  /** [BC:TemplateS3Uri] a template over 300 KB cannot be deployed, so it is not parsed either. */
  templateBytes: limits.templateS3Bytes,
  /**
   * packsmith's choice: an authoring file holds one block, pack or catalog extension, and a pack
   * becomes a template of at most 300 KB; 1 MiB leaves room for comments and large catalog
   * extensions while bounding parse time and memory.
   */
  authoringFileBytes: 1024 * 1024,
  /**
   * packsmith's choice: a pack's own handlebars template renders one template of at most 300 KB;
   * 1 MiB leaves room for comments in it.
   */
  packTemplateBytes: 1024 * 1024,
  /** packsmith's choice: packsmith.config.yaml and packsmith.deploy.yaml are hand-written settings. */
  configFileBytes: 1024 * 1024,
  /**
   * packsmith's choice: a saved plan holds each pack's template once per Region (each at most
   * 300 KB), so 128 MiB covers over 400 templates of the largest size plus per-account data.
   */
  savedPlanBytes: 128 * 1024 * 1024,
  /**
   * packsmith's choice: a result cache entry holds one file's findings (the file itself is at most
   * 1 MiB); an entry over 16 MiB was not written by packsmith and is ignored, not parsed.
   */
  cacheEntryBytes: 16 * 1024 * 1024,
} as const;
