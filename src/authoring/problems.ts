/**
 * The problems packsmith finds in authoring files (rule blocks, remediation blocks, pack manifests,
 * catalog extensions) while loading and composing them. Each is reported with its id at the file,
 * line and column to fix.
 */
import type { CheckMeta } from '../diagnostics/check-meta.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { limits } from '../facts/limits.js';
import { yamlSyntaxCheck } from '../checks/yaml.js';

const define = <T extends Record<string, Omit<CheckMeta, 'name'>>>(table: T) =>
  Object.fromEntries(Object.entries(table).map(([name, meta]) => [name, { ...meta, name }])) as {
    [K in keyof T]: CheckMeta;
  };

export const authoringChecks = {
  'yaml-syntax': yamlSyntaxCheck,
  ...define({
    schema: {
      id: 'PS101',
      severity: 'error',
      summary: 'A field is missing, unknown, or of the wrong shape for its file kind.',
      rationale: 'Each kind of authoring file has a JSON Schema (schemas/); editors use it to autocomplete.',
      fix: 'Change the field as the message says; the schema line at the top of the file enables editor hints.',
    },
    'duplicate-block': {
      id: 'PS102',
      severity: 'error',
      summary: 'Two blocks or two packs of the same kind share a name.',
      rationale: 'Packs refer to blocks by name, so a name must identify one block.',
      fix: 'Rename one of the two blocks.',
    },
    'file-refused': {
      id: 'PS103',
      severity: 'error',
      summary:
        'A file that a pack names or a command is given is not read: it leads outside the repository, is not a regular file, or is over its size limit.',
      rationale:
        'Whatever a pack names is shipped to every account, so packsmith reads only regular files inside the pack repository, each within a size that fits its purpose (a template over 300 KB cannot be deployed).',
      fix: 'Keep the file inside the repository as a regular file within the size limit the message gives.',
    },
    'unknown-check-id': {
      id: 'PS104',
      severity: 'error',
      summary: 'packsmith.config.yaml sets a packsmith check id that does not exist.',
      rationale:
        'A setting for a check that does not exist changes nothing: a mistyped id leaves the check it meant at its default severity, silently.',
      fix: 'Correct the id (docs/checks.md lists every check), or remove the setting.',
    },
    'unknown-block': {
      id: 'PS110',
      severity: 'error',
      summary: 'A pack or remediation refers to a block that does not exist.',
      rationale: 'The pack cannot be composed without the block it names.',
      fix: 'Correct the name, or create the block (packsmith add rule IDENTIFIER).',
    },
    'unknown-managed-rule': {
      id: 'PS111',
      severity: 'error',
      summary: 'The managed rule identifier is not in the catalog.',
      rationale:
        'AWS rejects a conformance pack whose rule names an unknown SourceIdentifier, at deploy time.',
      fix: 'Correct the identifier, or declare a newer rule in a catalog extension file (docs/catalog.md).',
    },
    'unknown-parameter': {
      id: 'PS112',
      severity: 'error',
      summary: 'An input parameter is not one the managed rule takes.',
      rationale: 'Managed rules reject unknown InputParameters keys with InvalidParameterValueException.',
      fix: 'Use a parameter name that `packsmith catalog show IDENTIFIER` lists (names are case-sensitive).',
    },
    'missing-required-parameter': {
      id: 'PS113',
      severity: 'error',
      summary: 'A required parameter of the managed rule has no value.',
      rationale:
        'AWS rejects the rule with InvalidParameterValueException at deploy time (aws-config-rules#407).',
      fix: 'Give the parameter a value, or expose it as a pack parameter with a default.',
    },
    'parameter-type': {
      id: 'PS114',
      severity: 'error',
      summary:
        "A value does not parse as the parameter's documented type (int, double, boolean, CSV, StringMap).",
      rationale: 'The rule fails to evaluate, or AWS rejects the parameter, when the string does not parse.',
      fix: "Write a value of the parameter's type, e.g. '90' for int, 'true' for boolean.",
    },
    'duplicate-rule-name': {
      id: 'PS115',
      severity: 'error',
      summary: 'Two rules of one pack have the same ConfigRuleName.',
      rationale: 'Rule names are unique per account and Region; the pack fails to deploy.',
      fix: 'Give one of the rules a different ruleName.',
    },
    'duplicate-logical-id': {
      id: 'PS139',
      severity: 'error',
      summary:
        'A logical id a pack keeps (`logicalId:`) is already used by another resource or parameter of the pack.',
      rationale: 'Logical ids are unique within a template; CloudFormation rejects the pack.',
      fix: 'Keep a different logicalId, or remove it to let packsmith derive one.',
    },
    'frequency-on-change-triggered-rule': {
      id: 'PS116',
      severity: 'error',
      summary: 'MaximumExecutionFrequency is set on a rule that only runs on configuration changes.',
      rationale: 'A frequency requires a periodic trigger (ScheduledNotification); AWS rejects it otherwise.',
      fix: 'Remove maximumExecutionFrequency, or use a periodic rule.',
    },
    'parameter-constraint': {
      id: 'PS117',
      severity: 'error',
      summary:
        'A parameter value violates the constraints declared for it (minimum, maximum, pattern, allowed values, list size).',
      rationale:
        'Constraints are checked at build time against defaults and at deploy time against every Region.',
      fix: 'Change the value or the constraint.',
    },
    'remediation-role-not-literal': {
      id: 'PS118',
      severity: 'error',
      summary:
        'The automation role parameter of a remediation is bound to something other than a literal ARN.',
      rationale:
        'AWS allows no intrinsic function for the AutomationAssumeRole of a conformance pack remediation.',
      fix: 'Write the role ARN as a static value: AutomationAssumeRole: arn:<partition>:iam::123456789012:role/NAME (partition aws, aws-us-gov or aws-cn).',
    },
    'unknown-runbook': {
      id: 'PS119',
      severity: 'warning',
      summary: 'The remediation runbook is not in the catalog (a May 2021 snapshot).',
      rationale: 'Newer runbooks exist; a misspelt one fails when remediation runs.',
      fix: 'Check the runbook name, or declare it in a catalog extension file.',
    },
    'unknown-runbook-parameter': {
      id: 'PS120',
      severity: 'warning',
      summary: 'A remediation binds a parameter the runbook does not document (May 2021 snapshot).',
      rationale: 'SSM rejects an automation execution with an unknown parameter.',
      fix: 'Use a parameter the runbook takes (`packsmith catalog show RUNBOOK`).',
    },
    'remediation-rule-not-in-pack': {
      id: 'PS121',
      severity: 'error',
      summary: 'A pack includes a remediation whose rule it does not include.',
      rationale: 'A RemediationConfiguration must name a rule of the same pack.',
      fix: 'Add the rule to the pack, or remove the remediation.',
    },
    'guard-policy': {
      id: 'PS122',
      severity: 'error',
      summary: 'A Guard custom policy is missing, unreadable, empty or over the size limit.',
      rationale: `CustomPolicyDetails.PolicyText is required and at most ${limits.guardPolicyTextLength} characters.`,
      fix: 'Give the policy inline (policy:) or as a readable .guard file (file:), not both.',
    },
    'pack-parameter-conflict': {
      id: 'PS123',
      severity: 'error',
      summary:
        'One pack parameter is declared twice with different defaults or descriptions, or is used but not declared.',
      rationale: 'A template declares each parameter once.',
      fix: 'Give the exposed inputs different names, or the same default; declare pack parameters under `parameters`.',
    },
    'scope-shape': {
      id: 'PS124',
      severity: 'error',
      summary: 'A scope combines fields the API does not allow together.',
      rationale: 'ComplianceResourceId requires exactly one resource type; TagValue requires TagKey.',
      fix: 'Use resource types, or one type with a resource id, or a tag key (and value).',
    },
    'remediation-resource-id': {
      id: 'PS125',
      severity: 'warning',
      summary: 'A remediation passes no parameter the non-compliant resource id.',
      rationale: 'Without a RESOURCE_ID binding the runbook does not know which resource to fix.',
      fix: 'Bind the runbook parameter that takes the resource id: NAME: { resourceId: true }.',
    },
    'automatic-remediation-role': {
      id: 'PS126',
      severity: 'error',
      summary: 'An automatic remediation has no automation role parameter.',
      rationale: 'Automatic remediation requires the AutomationAssumeRole parameter.',
      fix: 'Add AutomationAssumeRole: arn:<partition>:iam::ACCOUNT:role/NAME, or make the remediation manual.',
    },
    'rule-name-length': {
      id: 'PS127',
      severity: 'warning',
      summary: `A rule name is longer than ${limits.ruleNameRecommendedLength} characters.`,
      rationale:
        'Compliance filter APIs take rule names of at most 64 characters (the in-pack limit is unverified).',
      fix: `Shorten the rule name to ${limits.ruleNameRecommendedLength} characters or fewer.`,
    },
    'input-parameters-length': {
      id: 'PS128',
      severity: 'error',
      summary: `A rule's InputParameters, written as JSON, are longer than ${limits.inputParametersJsonLength} characters.`,
      rationale: 'The API stores InputParameters as a JSON string of at most 1024 characters.',
      fix: 'Shorten the values, or move a long list into fewer parameters.',
    },
    'value-length': {
      id: 'PS129',
      severity: 'error',
      summary: 'A value is longer than the API allows for its field.',
      rationale: `Input parameter values take at most ${limits.inputParameterValueLength} characters, remediation static values ${limits.staticValueLength}.`,
      fix: 'Shorten the value.',
    },
    'pack-resource-limit': {
      id: 'PS130',
      severity: 'error',
      summary: `The pack has more than ${limits.resourcesPerPack} resources (rules plus remediations).`,
      rationale:
        'AWS rejects the template: "Number of resources provided in the template exceeds the allowed limit".',
      fix: 'Split the pack into two packs.',
    },
    'pack-size-limit': {
      id: 'PS131',
      severity: 'error',
      summary: 'The template is larger than 300 KB.',
      rationale: 'A template deployed from S3 may be at most 300 KB.',
      fix: 'Split the pack, or shorten descriptions.',
    },
    'pack-parameter-count': {
      id: 'PS132',
      severity: 'warning',
      summary: `The template declares more than ${limits.inputParameters} parameters.`,
      rationale: `At most ${limits.inputParameters} input parameters can be passed at deploy time; the rest keep their defaults.`,
      fix: 'Fix some inputs to literal values, or share one pack parameter between rules.',
    },
    'pack-inline-size': {
      id: 'PS133',
      severity: 'warning',
      summary: `The template is larger than ${limits.templateBodyBytes} bytes.`,
      rationale: 'An inline TemplateBody may be at most 51,200 bytes; the pack must be deployed from S3.',
      fix: 'Deploy from S3 (packsmith stages large templates in the template bucket).',
    },
    'unknown-condition': {
      id: 'PS134',
      severity: 'error',
      summary: 'A rule, remediation or input refers to a condition the pack does not declare.',
      rationale: 'CloudFormation rejects a template whose resources or Fn::If name an undefined condition.',
      fix: 'Declare the condition under the pack manifest’s `conditions:`, or correct its name.',
    },
    'condition-expression': {
      id: 'PS135',
      severity: 'error',
      summary:
        'A pack condition is not a valid condition expression, refers to an unknown parameter or condition, or refers to itself.',
      rationale:
        'Conditions may use only Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition, over parameters of the template.',
      fix: 'Write the condition in long form, e.g. Fn::Equals: [{ Ref: CheckForX }, "true"], naming declared parameters.',
    },
    'pattern-not-checked': {
      id: 'PS136',
      severity: 'warning',
      summary:
        'A parameter pattern uses a construct that cannot be evaluated in linear time, so its default is not checked offline.',
      rationale:
        'Patterns are evaluated with a linear-time engine (RE2), so no pattern can hang a check; backreferences, lookaround, atomic groups and possessive quantifiers need backtracking. AWS still enforces the pattern at deploy time.',
      fix: 'Rewrite the pattern without the construct if you can, or check the default against it yourself.',
    },
    'ambiguous-value': {
      id: 'PS137',
      severity: 'error',
      summary:
        'An unquoted value whose meaning depends on the YAML version or that loses digits (leading zeros, 0o/0x/0b, .inf/.nan, yes/no/on/off, 1:30, 1_000, numbers beyond 2^53).',
      rationale:
        'packsmith reads authoring files as YAML 1.2, where 012345678901 is the number 12345678901 (written 12345678901 into the template), while YAML 1.1 readers such as CloudFormation take the text "012345678901"; 9007199254740993 becomes 9007199254740992 and .inf an empty value. Quoting says what is meant.',
      fix: "Quote the value as it is written, e.g. '012345678901'.",
    },
    'ambiguous-template-value': {
      id: 'PS138',
      severity: 'warning',
      summary:
        'An unquoted template value that YAML 1.1 (CloudFormation) and YAML 1.2 tools read differently, or that loses digits.',
      rationale:
        'CloudFormation reads templates as YAML 1.1: 012345678901 is the text "012345678901" there, but the number 12345678901 to YAML 1.2 tools (linters, editors, packsmith import); 0755 is 493 or 755, yes is true or "yes".',
      fix: "Quote the value as it is written, e.g. '012345678901', so every reader takes the same text.",
    },
    'import-template': {
      id: 'PS150',
      severity: 'error',
      summary:
        'A template cannot be imported: it does not parse, is not a conformance pack, or uses something the authoring formats cannot express.',
      rationale:
        'packsmith import writes only blocks and manifests that build back into an equivalent template; anything else is refused, not approximated.',
      fix: 'Change the template at the reported position as the message says, or author that part by hand.',
    },
    'import-dropped': {
      id: 'PS151',
      severity: 'warning',
      summary:
        'Part of a template is not carried over by the import (it has no effect on the deployed pack).',
      rationale:
        'Resource-level Description or Metadata and AWSTemplateFormatVersion are not part of a rule or remediation; packsmith writes none of them.',
      fix: 'Nothing to do, unless you relied on it: keep such notes as comments in the blocks.',
    },
    'template-render': {
      id: 'PS140',
      severity: 'error',
      summary:
        'A pack template (handlebars) is unsafe or renders a document that differs from the composed pack.',
      rationale:
        'Every value must go through a YAML-safe helper so no value can change the document structure.',
      fix: 'Interpolate values only with {{str x}}, {{key x}}, {{block x N}} or {{comment x}}.',
    },
  }),
};

export type AuthoringCheckName = keyof typeof authoringChecks;

/** Ids of every authoring check: a template check sharing one finds the same mistake. */
export const allAuthoringCheckIds: ReadonlySet<string> = new Set(
  Object.values(authoringChecks).map((c) => c.id),
);

/**
 * The problem for a file that was not read (src/source/read-file.ts), located where it is named:
 * `subject` names the file as its author wrote it, the refusal says why and what to do.
 */
export function fileRefused(
  subject: string,
  refusal: { message: string; fix: string },
  location: SourceLocation,
): Diagnostic {
  const meta = authoringChecks['file-refused'];
  return {
    checkId: meta.id,
    severity: meta.severity,
    message: `${subject} ${refusal.message}`,
    fix: refusal.fix,
    location,
  };
}
