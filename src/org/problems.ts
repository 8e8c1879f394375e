/**
 * The problems packsmith finds in the deployment configuration (`packsmith.deploy.yaml`) and in
 * the targets it names. YAML syntax and schema problems share the authoring files' ids (PS100,
 * PS101); the ones below are about what the file means.
 */
import type { CheckMeta } from '../checks/meta.js';
import { limits } from '../facts/limits.js';

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
  'inactive-target-account': {
    id: 'PS513',
    severity: 'warning',
    summary: 'A targeted account is suspended or being closed.',
    rationale: 'Config cannot deploy to it; packsmith excludes it.',
    fix: 'Remove the account from the targets.',
  },
});
export type DeployCheckName = keyof typeof deployChecks;
