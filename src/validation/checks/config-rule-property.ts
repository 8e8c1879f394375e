import { configRuleProperties } from '../../facts/resource-properties.js';
import type { TemplateCheck } from '../check.js';
import { reportPropertySpec } from '../property-spec.js';
import { isObject } from '../template-values.js';
import { ruleResources } from './resources.js';

/** PS210: AWS::Config::ConfigRule properties against the API's documented constraints. */
export const configRuleProperty: TemplateCheck = {
  meta: {
    id: 'PS210',
    name: 'config-rule-property',
    severity: 'error',
    summary:
      'A ConfigRule property is unknown, missing, of the wrong type, too long, out of its enum or pattern, or combined with one it excludes.',
    rationale:
      'AWS rejects the pack at deploy time; cfn-lint does not check most of these constraints (bad MaximumExecutionFrequency, Owner, SourceDetails, scope shapes).',
    fix: 'Correct the property as the message says (constraints: [BC:ConfigRule] in the AWS Config API).',
    sameAs: ['E3002', 'E3003', 'E3012'],
  },
  run(ctx) {
    for (const r of ruleResources(ctx)) {
      const base = ['Resources', r.logicalId, 'Properties'];
      if (!reportPropertySpec(ctx, r, configRuleProperties, 'rule')) continue;
      const scope = r.properties.Scope;
      if (isObject(scope)) {
        const types = scope.ComplianceResourceTypes;
        if (scope.ComplianceResourceId !== undefined && !(Array.isArray(types) && types.length === 1)) {
          ctx.report(
            [...base, 'Scope', 'ComplianceResourceId'],
            'ComplianceResourceId needs exactly one type in ComplianceResourceTypes',
            { part: 'key' },
          );
        }
        if (scope.TagValue !== undefined && scope.TagKey === undefined) {
          ctx.report([...base, 'Scope', 'TagValue'], 'TagValue needs a TagKey', { part: 'key' });
        }
      }
      const source = r.properties.Source;
      if (!isObject(source)) continue;
      const owner = source.Owner;
      if ((owner === 'AWS' || owner === 'CUSTOM_LAMBDA') && source.SourceIdentifier === undefined) {
        ctx.report([...base, 'Source'], `a Source with Owner ${owner} needs a SourceIdentifier`, {
          part: 'key',
        });
      }
      if (owner === 'CUSTOM_POLICY' && source.CustomPolicyDetails === undefined) {
        ctx.report([...base, 'Source'], 'a Source with Owner CUSTOM_POLICY needs CustomPolicyDetails', {
          part: 'key',
        });
      }
      if (owner !== 'CUSTOM_POLICY' && source.CustomPolicyDetails !== undefined) {
        ctx.report(
          [...base, 'Source', 'CustomPolicyDetails'],
          'CustomPolicyDetails applies only to Owner CUSTOM_POLICY',
          { part: 'key' },
        );
      }
      if (owner === 'CUSTOM_LAMBDA' && !Array.isArray(source.SourceDetails)) {
        ctx.report([...base, 'Source'], 'a CUSTOM_LAMBDA rule needs SourceDetails (its triggers)', {
          part: 'key',
        });
      }
      if (owner === 'AWS' && source.SourceDetails !== undefined) {
        ctx.report([...base, 'Source', 'SourceDetails'], 'managed rules (Owner AWS) take no SourceDetails', {
          part: 'key',
        });
      }
      if (owner === 'CUSTOM_POLICY' && Array.isArray(source.SourceDetails)) {
        source.SourceDetails.forEach((d, i) => {
          if (
            isObject(d) &&
            (d.MessageType === 'ScheduledNotification' ||
              d.MessageType === 'ConfigurationSnapshotDeliveryCompleted')
          ) {
            ctx.report(
              [...base, 'Source', 'SourceDetails', i, 'MessageType'],
              'Guard custom policy rules run only on configuration changes',
            );
          }
        });
      }
    }
  },
};
