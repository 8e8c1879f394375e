/** Every template check, in the order their findings are most useful: structure, properties, semantics, references, limits. */
import type { TemplateCheck } from '../check.js';
import { ambiguousValue } from './ambiguous-value.js';
import { automaticRemediationRole } from './automatic-remediation-role.js';
import { configRuleProperty } from './config-rule-property.js';
import { dependsOn } from './depends-on.js';
import { duplicateRuleName } from './duplicate-rule-name.js';
import { frequency } from './frequency.js';
import { inputParameterValue } from './input-parameter-value.js';
import { inputParametersLength } from './input-parameters-length.js';
import { intrinsicFunction } from './intrinsic-function.js';
import { missingRequiredParameter } from './missing-required-parameter.js';
import { packInlineSize, packParameterCount, packResourceLimit, packSizeLimit } from './pack-limits.js';
import { parameterDefinition } from './parameter-definition.js';
import { parameterType } from './parameter-type.js';
import { patternNotChecked } from './pattern-not-checked.js';
import { placeholderValue } from './placeholder.js';
import { remediationProperty } from './remediation-property.js';
import { remediationResourceId } from './remediation-resource-id.js';
import { remediationRole } from './remediation-role.js';
import { remediationRule } from './remediation-rule.js';
import { resourceAttribute } from './resource-attribute.js';
import { resourceType } from './resource-type.js';
import { scopeResourceType } from './scope-resource-type.js';
import { templateLookup } from './template-lookup.js';
import { templateShape } from './template-shape.js';
import { topLevelSection } from './top-level-section.js';
import { undefinedCondition } from './undefined-condition.js';
import { undefinedReference } from './undefined-reference.js';
import { ruleRegion } from './rule-region.js';
import { unknownManagedRule } from './unknown-managed-rule.js';
import { unknownParameter } from './unknown-parameter.js';
import { unknownRunbook } from './unknown-runbook.js';
import { unknownRunbookParameter } from './unknown-runbook-parameter.js';

export const templateChecks: readonly TemplateCheck[] = [
  templateShape,
  topLevelSection,
  resourceType,
  resourceAttribute,
  intrinsicFunction,
  templateLookup,
  parameterDefinition,
  patternNotChecked,
  configRuleProperty,
  inputParameterValue,
  ambiguousValue,
  remediationProperty,
  unknownManagedRule,
  ruleRegion,
  unknownParameter,
  missingRequiredParameter,
  parameterType,
  frequency,
  scopeResourceType,
  unknownRunbook,
  unknownRunbookParameter,
  remediationRole,
  automaticRemediationRole,
  remediationResourceId,
  placeholderValue,
  duplicateRuleName,
  remediationRule,
  undefinedReference,
  undefinedCondition,
  dependsOn,
  inputParametersLength,
  packResourceLimit,
  packSizeLimit,
  packInlineSize,
  packParameterCount,
];
