/**
 * The problems packsmith finds in the deployment configuration (`packsmith.deploy.yaml`) and in
 * the targets it names. YAML syntax and schema problems share the authoring files' ids (PS100,
 * PS101); the ones below are about what the file means.
 */
import type { CheckMeta } from '../diagnostics/check-meta.js';
import { limits, stackSetLimits } from '../facts/limits.js';

const define = <T extends Record<string, Omit<CheckMeta, 'name'>>>(table: T) =>
  Object.fromEntries(Object.entries(table).map(([name, meta]) => [name, { ...meta, name }])) as {
    [K in keyof T]: CheckMeta;
  };

export const deployChecks = define({
  'deploy-region-not-deployed': {
    id: 'PS501',
    severity: 'error',
    summary: 'Parameters or rule exclusions are given for a Region that is not in `regions`.',
    rationale: 'Settings for a Region packsmith does not deploy to are never used: usually a typo.',
    fix: 'Add the Region to `regions`, or correct or remove the Region key.',
  },
  'deploy-template-bucket-missing': {
    id: 'PS502',
    severity: 'error',
    summary: 'A deployment Region has no template bucket.',
    rationale:
      'Templates are uploaded to a bucket in the Region they deploy to (TemplateS3Uri); without one the Region cannot be deployed.',
    fix: 'Add `templateBuckets: { REGION: BUCKET }` with a bucket in that Region.',
  },
  'deploy-duplicate': {
    id: 'PS503',
    severity: 'error',
    summary: 'A Region, target or rule is listed twice, or is both targeted and excluded.',
    rationale: 'A repeated or contradictory entry hides what the author meant.',
    fix: 'Remove one of the two entries.',
  },
  'deploy-no-targets': {
    id: 'PS504',
    severity: 'error',
    summary: 'A pack targets no OU and no account.',
    rationale: 'An organization conformance pack with no target would deploy nowhere.',
    fix: 'List OUs (`/Root` for the whole organization) or accounts under `targets`.',
  },
  'deploy-org-pack-name': {
    id: 'PS505',
    severity: 'error',
    summary: 'Two packs deploy under the same organization conformance pack name.',
    rationale: `Org pack names (at most ${limits.orgPackNameLength} characters) are unique per Region: the second deploy would replace the first pack.`,
    fix: 'Give one of the packs a different `orgPackName`.',
  },
  'deploy-unused-template-bucket': {
    id: 'PS506',
    severity: 'warning',
    summary: 'A template bucket is given for a Region that is not in `regions`.',
    rationale: 'It is never used: usually a typo of a Region name.',
    fix: 'Correct the Region, add it to `regions`, or remove the bucket.',
  },
  'deploy-unknown-pack': {
    id: 'PS507',
    severity: 'error',
    summary: 'The deployment configuration names a pack the repository does not have.',
    rationale: 'There is no template to deploy for it.',
    fix: 'Correct the pack name (the `name` of a pack manifest under packs/), or remove the entry.',
  },
  'deploy-unknown-parameter': {
    id: 'PS508',
    severity: 'error',
    summary: 'A parameter value is given for a parameter the pack does not declare.',
    rationale:
      'ConformancePackInputParameters must name parameters of the template; AWS rejects the put otherwise.',
    fix: 'Correct the parameter name, or declare the parameter in the pack.',
  },
  'deploy-parameter-value': {
    id: 'PS509',
    severity: 'error',
    summary: "A parameter value breaks the parameter's constraints.",
    rationale:
      'The rule would be created with a value it rejects, or the put fails: found before the deploy.',
    fix: "Give a value that meets the parameter's constraints (allowed values, pattern, range).",
  },
  'unknown-target': {
    id: 'PS510',
    severity: 'error',
    summary: 'A target or exclusion names an OU or account that is not in the organization.',
    rationale: 'packsmith turns targets into ExcludedAccounts; an unknown name cannot be resolved.',
    fix: 'Correct the OU id, OU path (/Root/…) or account id.',
  },
  'excluded-accounts-limit': {
    id: 'PS511',
    severity: 'error',
    summary: `The targets leave more than ${limits.excludedAccounts} accounts to exclude.`,
    rationale: `PutOrganizationConformancePack takes at most ${limits.excludedAccounts} ExcludedAccounts.`,
    fix: 'Target more of the organization (fewer, larger OUs, or /Root with fewer exclusions).',
  },
  'no-included-account': {
    id: 'PS512',
    severity: 'error',
    summary: 'The targets include no active account.',
    rationale: 'Every account would be excluded: the pack would deploy nowhere.',
    fix: 'Target an OU or account that has active accounts.',
  },
  'deploy-unknown-rule': {
    id: 'PS514',
    severity: 'error',
    summary: '`excludeRules` names a rule the pack does not have.',
    rationale: 'The rule is not left out anywhere: usually a typo, and the rule it meant is still deployed.',
    fix: 'Use the ConfigRuleName of a rule of the pack (see its built template).',
  },
  'deploy-missing-parameter': {
    id: 'PS515',
    severity: 'error',
    summary: 'A pack parameter without a default has no value for a Region.',
    rationale: 'AWS would reject the put: every parameter without a default needs a value.',
    fix: 'Give the value under `parameters` (or `regionParameters` for that Region), or a default in the pack.',
  },
  'deploy-rule-unavailable': {
    id: 'PS517',
    severity: 'error',
    summary: 'A pack holds managed rules AWS does not document in a deployment Region.',
    rationale:
      "AWS Config rejects the pack in that Region, naming one missing rule per attempt; packsmith's catalog carries each rule's documented Regions, so all of them are named at once, before any change.",
    fix: "Add `unavailableRules: exclude` to the pack in packsmith.deploy.yaml (that Region's template then omits the rules), or list them under `excludeRules` for the Region.",
  },
  'deploy-mixed-partitions': {
    id: 'PS516',
    severity: 'error',
    summary: '`regions` spans more than one AWS partition (commercial, China, GovCloud, ISO).',
    rationale:
      'An organization, its accounts and its credentials live in one partition: one configuration cannot deploy to Regions of two.',
    fix: 'Keep the Regions of one partition here, and deploy the other partition from its own configuration file (--config).',
  },
  'stackset-stage-ous': {
    id: 'PS550',
    severity: 'error',
    summary: `A stack set stage names more than ${stackSetLimits.ousPerOperation} OUs.`,
    rationale: `CreateStackInstances accepts at most ${stackSetLimits.ousPerOperation} OUs per call (prior-art §1.3), and a stage is one operation: AWS would refuse it.`,
    fix: `Split the stage into stages of at most ${stackSetLimits.ousPerOperation} OUs, or target parent OUs.`,
  },
  'stackset-ou-in-two-stages': {
    id: 'PS551',
    severity: 'error',
    summary: 'An OU is named by two stages of the same stack set.',
    rationale:
      'Its stack instances would be created by the first stage and then changed again by the later one, with other parameter overrides: the stages no longer say where each value goes.',
    fix: 'Name each OU in one stage only (use `accounts` with `accountFilter` to split an OU).',
  },
  'deploy-engine-setting': {
    id: 'PS552',
    severity: 'error',
    summary: "A pack's deployment has a setting of the other engine (`engine: organization | stackset`).",
    rationale:
      'Organization packs are targeted by `targets` and `waves`; stack set packs by `stages` with one template for every Region. A setting of the other engine would be silently ignored.',
    fix: 'Remove the setting, or move it to its counterpart (`targets`/`waves` ↔ `stages`), or change `engine`.',
  },
  'stackset-strict-concurrency': {
    id: 'PS554',
    severity: 'warning',
    summary:
      'A stack set stage sets `maxConcurrent` above one account, but STRICT failure tolerance with `failureTolerance` 0 runs one account at a time.',
    rationale:
      'With ConcurrencyMode STRICT_FAILURE_TOLERANCE (the default) AWS starts at most the lower of MaxConcurrent and FailureTolerance + 1 accounts at once per Region (API reference, StackSetOperationPreferences): with a tolerance of 0 a stage of 1,200 accounts deploys them one after the other, whatever `maxConcurrent` says.',
    fix: 'Add `concurrencyMode: SOFT` (`maxConcurrent` as given; the stage still stops beyond its tolerance), or a `failureTolerance` of at least `maxConcurrent` − 1.',
  },
  'bootstrap-role-policy': {
    id: 'PS553',
    severity: 'error',
    summary:
      'A remediation role the packs reference (AutomationAssumeRole) has no policy under `bootstrap.roles`, so `packsmith bootstrap` cannot create it.',
    rationale:
      'bootstrap creates each referenced role in every target account; a role without permissions would let every automatic remediation fail. packsmith cannot derive the policy from the runbooks: the catalog holds their parameters, not the permissions their steps need.',
    fix: 'Add `bootstrap: { roles: { ROLE: { managedPolicyArns: [...] } } }` (or `policyFile:` with a policy document in the repository) granting what the remediation runbooks do.',
  },
  'inactive-target-account': {
    id: 'PS513',
    severity: 'warning',
    summary: 'A targeted account is suspended or being closed.',
    rationale: 'Config cannot deploy to it; packsmith excludes it.',
    fix: 'Remove the account from the targets.',
  },
  'preflight-wrong-caller': {
    id: 'PS520',
    severity: 'error',
    summary: 'The credentials in use belong to another account than `deployingAccount`.',
    rationale:
      'Organization conformance packs are visible only to the account that put them: deploying from another account creates a second, separate set of packs (or fails).',
    fix: 'Use credentials of `deployingAccount` (or `assumeRoleName`), or correct `deployingAccount`.',
  },
  'preflight-no-organization': {
    id: 'PS521',
    severity: 'error',
    summary: 'The deploying account is not in an AWS Organization.',
    rationale:
      'PutOrganizationConformancePack needs an organization; outside one it fails with OrganizationAccessDeniedException or NoAvailableOrganizationException.',
    fix: 'Deploy from the management account or a delegated administrator of the organization.',
  },
  'preflight-not-all-features': {
    id: 'PS522',
    severity: 'error',
    summary: 'The organization does not have all features enabled.',
    rationale:
      'Organization conformance packs need all features; the deploy fails with OrganizationAllFeaturesNotEnabledException.',
    fix: 'Enable all features in AWS Organizations (EnableAllFeatures), then run preflight again.',
  },
  'preflight-role-mismatch': {
    id: 'PS523',
    severity: 'error',
    summary: '`role` does not match what the deploying account is in the organization.',
    rationale:
      'Packs put by the management account and by a delegated administrator are invisible to each other: deploying under the wrong role creates a second set of packs beside the first.',
    fix: 'Set `role` to what `deployingAccount` is (management or delegated-administrator), or correct `deployingAccount`.',
  },
  'preflight-not-delegated-admin': {
    id: 'PS524',
    severity: 'error',
    summary: 'The deploying account is not a registered delegated administrator for AWS Config.',
    rationale:
      'Only the management account or a delegated administrator of config-multiaccountsetup.amazonaws.com may put organization conformance packs.',
    fix: 'From the management account: RegisterDelegatedAdministrator --service-principal config-multiaccountsetup.amazonaws.com --account-id DEPLOYING_ACCOUNT.',
  },
  'preflight-unverified': {
    id: 'PS525',
    severity: 'warning',
    summary: 'A prerequisite could not be checked: the call was denied.',
    rationale:
      'A delegated administrator may not be allowed the Organizations or S3 read calls preflight uses; the deploy may still work, but nothing vouches for it.',
    fix: 'Check the prerequisite by hand, or allow the denied call to the deploying credentials.',
  },
  'preflight-delegated-admin-exists': {
    id: 'PS527',
    severity: 'info',
    summary: 'The management account deploys while a delegated administrator is registered for Config.',
    rationale:
      'Organization packs put by the management account and by a delegated administrator are invisible to each other: packs the delegated administrator deployed do not show in plan or status.',
    fix: 'Deploy every pack from one of them; to use the delegated administrator, set `role: delegated-administrator` and its `deployingAccount`.',
  },
  'preflight-trusted-access': {
    id: 'PS526',
    severity: 'error',
    summary: 'Trusted access for config-multiaccountsetup.amazonaws.com is not enabled in the organization.',
    rationale:
      "A delegated administrator's deploy fails without it; the management account's first PutOrganizationConformancePack enables it (then it is only a notice).",
    fix: 'From the management account: EnableAWSServiceAccess --service-principal config-multiaccountsetup.amazonaws.com.',
  },
  'preflight-check-failed': {
    id: 'PS529',
    severity: 'error',
    summary: 'A preflight call failed unexpectedly, so a prerequisite is unknown.',
    rationale:
      'Preflight reports every problem at once; a failed call is reported instead of stopping the others.',
    fix: 'Read the error in the message (credentials, network, throttling), fix it and run preflight again.',
  },
  'preflight-bucket-missing': {
    id: 'PS530',
    severity: 'error',
    summary: 'A template or delivery bucket does not exist.',
    rationale:
      'Templates are uploaded to the template bucket and Config writes to the delivery bucket; a missing bucket fails the deploy.',
    fix: 'Create the bucket (template buckets in `deployingAccount`, in their Region) or correct its name.',
  },
  'preflight-bucket-region': {
    id: 'PS531',
    severity: 'error',
    summary: 'A template bucket is in another Region than the one it serves.',
    rationale:
      "TemplateS3Uri must point to a bucket in the pack's Region for PutConformancePack; for organization packs this is not documented, so packsmith takes the safe side.",
    fix: 'Use a bucket in that Region for `templateBuckets.REGION`.',
  },
  'preflight-delivery-bucket-region': {
    id: 'PS532',
    severity: 'warning',
    summary: 'A delivery bucket is in none of the Regions the pack deploys to.',
    rationale:
      'Whether Config delivers across Regions for organization packs is not documented; a bucket in one of the deployment Regions is the safe choice.',
    fix: 'Use a delivery bucket in one of the deployment Regions, or check cross-Region delivery in a sandbox.',
  },
  'preflight-bucket-public': {
    id: 'PS533',
    severity: 'error',
    summary: 'A template or delivery bucket is public by its bucket policy.',
    rationale:
      'Templates and Config deliveries describe your controls and resources; they must not be readable by anyone.',
    fix: 'Remove the public statements from the bucket policy and enable S3 Block Public Access on the bucket.',
  },
  'preflight-bucket-public-access-block': {
    id: 'PS534',
    severity: 'warning',
    summary: 'A template or delivery bucket does not have all four Block Public Access settings on.',
    rationale:
      'Without them a later policy or ACL change can make the bucket public; the account-level setting (not checked here) may cover it.',
    fix: 'PutPublicAccessBlock with BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets all true.',
  },
  'preflight-bucket-access': {
    id: 'PS535',
    severity: 'error',
    summary:
      'A template bucket cannot be read by the deploying credentials, or is not owned by `deployingAccount`.',
    rationale:
      'packsmith uploads templates with ExpectedBucketOwner = deployingAccount, so that a bucket of the same name in another account never receives them.',
    fix: 'Use a bucket owned by `deployingAccount` and allow the deploying credentials to read and write it.',
  },
  'preflight-stacksets-trusted-access': {
    id: 'PS545',
    severity: 'error',
    summary:
      'A pack deploys by `engine: stackset`, and trusted access for CloudFormation StackSets is not enabled in the organization.',
    rationale:
      'Service-managed stack sets need trusted access for member.org.stacksets.cloudformation.amazonaws.com (prior-art §1.3); without it CreateStackSet with PermissionModel SERVICE_MANAGED fails.',
    fix: 'From the management account: activate trusted access with AWS Organizations in the CloudFormation StackSets console (or ActivateOrganizationsAccess), then run preflight again.',
  },
  'preflight-stacksets-not-delegated-admin': {
    id: 'PS546',
    severity: 'error',
    summary:
      'A stack set pack uses `callAs: DELEGATED_ADMIN`, and the deploying account is not a registered delegated administrator for CloudFormation StackSets.',
    rationale:
      'With CallAs DELEGATED_ADMIN the calling account must be registered as a delegated administrator for member.org.stacksets.cloudformation.amazonaws.com in the management account (CloudFormation API reference, CreateStackSet CallAs); the management account itself cannot be one. Every stack set call fails otherwise.',
    fix: 'From the management account: RegisterDelegatedAdministrator --service-principal member.org.stacksets.cloudformation.amazonaws.com --account-id DEPLOYING_ACCOUNT (or use `callAs: SELF` from the management account).',
  },
  'preflight-stacksets-self-not-management': {
    id: 'PS547',
    severity: 'error',
    summary: 'A stack set pack uses `callAs: SELF`, and the deploying account is not the management account.',
    rationale:
      'Service-managed stack sets are administered with CallAs SELF only from the management account; a delegated administrator must call with DELEGATED_ADMIN (CloudFormation API reference, CreateStackSet CallAs). The stack set calls fail otherwise.',
    fix: 'Set `callAs: DELEGATED_ADMIN` for the pack (or remove `callAs`: it follows `role`), or deploy it from the management account.',
  },
  'preflight-remediation-role': {
    id: 'PS548',
    severity: 'warning',
    summary:
      'A remediation role the packs reference is not verified in some of their target accounts: the bootstrap stack set does not provide it there.',
    rationale:
      'Automatic remediation assumes the role named by AutomationAssumeRole in each account; where it is missing, every remediation fails. packsmith sees the roles `packsmith bootstrap` created (the stack set packsmith-bootstrap: its template names the role, and it has a CURRENT stack instance in the account). A role created another way (by hand, Control Tower) is not visible from the deploying account, so this is a warning, not an error. The management account is never a stack set target: a role needed there is created by hand.',
    fix: 'Run `packsmith bootstrap` (with the role under `bootstrap.roles`), or create the role in the listed accounts another way.',
  },
  'preflight-template-bucket-org-read': {
    id: 'PS549',
    severity: 'error',
    summary:
      "A stack set pack is too large to travel inline (TemplateS3Uri), and the template bucket's policy does not let the organization's accounts read its staged template.",
    rationale:
      "The stack instance in each member account creates the conformance pack from the staged object: the member account reads it from the deploying account's bucket, which S3 allows only when the bucket policy grants it. That the reader is the member account (not the deploying one) is not documented for AWS::Config::ConformancePack; packsmith takes the safe side and asks for read access for the organization (aws:PrincipalOrgID), limited to the pack's templates.",
    fix: "Add the statement the finding gives to the template bucket's policy (s3:GetObject on packsmith/STACKSET/templates/* for aws:PrincipalOrgID = the organization id).",
  },
  'preflight-no-recorder': {
    id: 'PS540',
    severity: 'error',
    summary: 'An included account has no configuration recorder in a deployment Region.',
    rationale:
      'The deploy fails in that account and Region with NoAvailableConfigurationRecorderException; accounts that join later are retried for only 7 hours.',
    fix: 'Create and start a configuration recorder there (e.g. with a StackSet or Control Tower), or exclude the account.',
  },
  'preflight-recorder-stopped': {
    id: 'PS541',
    severity: 'error',
    summary: 'The configuration recorder of an included account is not recording.',
    rationale:
      'Rules evaluate recorded configuration items; a stopped recorder leaves every rule without data.',
    fix: 'StartConfigurationRecorder in that account and Region.',
  },
  'preflight-recording-gap': {
    id: 'PS542',
    severity: 'warning',
    summary: "The recorder does not record resource types the pack's rules evaluate.",
    rationale: 'Rules on types that are not recorded only ever report INSUFFICIENT_DATA.',
    fix: "Add the listed types to the recorder's recording group (or stop excluding them), or scope the rules to recorded types.",
  },
  'preflight-no-delivery-channel': {
    id: 'PS543',
    severity: 'error',
    summary: 'An included account has no delivery channel in a deployment Region.',
    rationale:
      'A recorder without a delivery channel cannot start, and Config rules need a running recorder.',
    fix: 'Create a delivery channel there (PutDeliveryChannel) and start the recorder.',
  },
  'preflight-account-check-role': {
    id: 'PS544',
    severity: 'error',
    summary: 'The account check role could not be assumed (or used) in an included account.',
    rationale:
      'Without it, preflight cannot see the recorders of that account, so a missing recorder would only show at deploy time.',
    fix: 'Deploy the role named by `accountCheckRoleName` to every target account, trusting the deploying account, with config:Describe* permissions.',
  },
});
export type DeployCheckName = keyof typeof deployChecks;
