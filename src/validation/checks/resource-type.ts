import { packResourceTypes } from '../../facts/enums.js';
import type { TemplateCheck } from '../check.js';

/** PS202: a pack may contain only ConfigRule and RemediationConfiguration resources. */
export const resourceType: TemplateCheck = {
  meta: {
    id: 'PS202',
    name: 'resource-type',
    severity: 'error',
    summary: 'A resource that is not an AWS::Config::ConfigRule or AWS::Config::RemediationConfiguration.',
    rationale: 'PutConformancePack accepts only these two resource types ([BC:PutConformancePackRequest]).',
    fix: 'Deploy other resources (roles, Lambdas, buckets) separately, e.g. with CloudFormation StackSets.',
  },
  run(ctx) {
    for (const { logicalId, type, resource } of ctx.resources) {
      if (!('Type' in resource)) {
        ctx.report(['Resources', logicalId], `resource ${logicalId} has no Type`, { part: 'key' });
      } else if (!(packResourceTypes as readonly unknown[]).includes(type)) {
        ctx.report(
          ['Resources', logicalId, 'Type'],
          `resource ${logicalId} is ${JSON.stringify(type)}; a conformance pack may contain only ${packResourceTypes.join(' and ')}`,
        );
      }
    }
  },
};
