/**
 * One-line hints for per-account rollout errors. `ErrorCode` and `ErrorMessage` of the detailed
 * status are undocumented free text (fact sheet §6), so codes are matched case-insensitively and
 * messages by substrings; the first matching rule wins.
 */
import { orgDeliveryBucketPrefix } from '../facts/limits.js';

interface HintRule {
  code?: RegExp;
  message?: RegExp;
  hint: string;
}

/** What packsmith says about a target AWS never reported on after the Put (see tracker.ts). */
export const notReportedHint =
  'AWS did not report this account since the put (no fresh status before the timeout): check that the ' +
  'account is ACTIVE, then poll again later (AWS may still be deploying) or deploy again.';

const rules: readonly HintRule[] = [
  {
    // §2.5, §3 "Recorder", §5.10: typical message "You must create a configuration recorder …".
    code: /NoAvailableConfigurationRecorder/i,
    message: /configuration recorder/i,
    hint:
      'Turn on an AWS Config configuration recorder in this account and Region, then deploy again; ' +
      '`packsmith preflight --check-recorders` finds such accounts before a rollout.',
  },
  {
    // §2.5: the recorder needs a delivery channel before Config can record.
    code: /NoAvailableDeliveryChannel/i,
    message: /delivery channel/i,
    hint: 'Create an AWS Config delivery channel in this account and Region (the recorder needs one), then deploy again.',
  },
  {
    // §2.5, §5.11: caller is neither the management account nor a delegated administrator.
    code: /OrganizationAccessDenied/i,
    message: /can only be made by accounts in an AWS Organization/i,
    hint:
      'Call from the management account or a registered delegated administrator for ' +
      'config-multiaccountsetup.amazonaws.com, with trusted access and all features enabled; right after ' +
      'enabling trusted access this error is transient, so retry after a minute.',
  },
  {
    // §2.5 InsufficientPermissions; §3 "Service-linked roles" and "Delivery bucket policy (org)".
    code: /InsufficientPermissions|AccessDenied/i,
    message: /not authorized|access denied|insufficient permissions/i,
    hint:
      'Check the service-linked role AWSServiceRoleForConfigConforms in the account, and that the delivery ' +
      `bucket (${orgDeliveryBucketPrefix}*) policy allows s3:GetObject, s3:PutObject and s3:GetBucketAcl to ` +
      'config-conforms.amazonaws.com roles with an aws:PrincipalOrgID condition.',
  },
  {
    // §2.5: the rules quota says 1000 per account and Region.
    code: /MaxNumberOfConfigRulesExceeded/i,
    message: /maximum number of config rules|limit of 1,?000/i,
    hint:
      'The account already has 1,000 AWS Config rules in this Region: remove unused rules or packs, or ' +
      'exclude the account.',
  },
  {
    // §2.5, §2.1: another create, update or delete of the pack is still running.
    code: /ResourceInUse/i,
    message: /currently being (created|updated|deleted)/i,
    hint: 'Another operation on this pack was still running; wait for it to finish and deploy again.',
  },
  {
    // §5.2: rollouts are often slower than default timeouts.
    code: /timeout|timed.?out|not.?reported/i,
    message: /timed? ?out|did not report/i,
    hint: notReportedHint,
  },
  {
    // §2.5, §5.5, §5.6: the template itself was refused (structure, resources, size), not one rule.
    code: /TemplateValidation/i,
    message: /invalid conformance pack template/i,
    hint:
      'AWS refused the template itself (its structure, resources or size): run `packsmith validate` on the ' +
      'built template, and check any rules left out in this Region (`excludeRules`).',
  },
  {
    // §2.5, §5.9: e.g. a required managed-rule parameter is missing.
    code: /ValidationException|InvalidParameterValue|TemplateValidation/i,
    message: /required parameter|parameter.*(missing|invalid)|validation error/i,
    hint:
      'A rule was rejected, e.g. a required managed-rule parameter is missing or invalid: run ' +
      '`packsmith validate` and fix the reported rule.',
  },
];

export function hintFor(errorCode?: string, errorMessage?: string): string | undefined {
  const code = errorCode?.trim() ?? '';
  const message = errorMessage ?? '';
  if (code !== '') {
    for (const r of rules) if (r.code?.test(code)) return r.hint;
  }
  if (message !== '') {
    for (const r of rules) if (r.message?.test(message)) return r.hint;
  }
  return undefined;
}
