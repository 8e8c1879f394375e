import type { TemplateCheck } from '../check.js';

/**
 * Intrinsics used in AWS's samples or documented for packs, and those CloudFormation evaluates into
 * plain values when it deploys the pack's stack in each account (string and condition functions,
 * used by packs people publish; PS206 checks their arguments).
 */
const documented = new Set([
  'Ref',
  'Fn::If',
  'Fn::Equals',
  'Fn::Not',
  'Fn::And',
  'Fn::Or',
  'Fn::ImportValue',
  'Condition',
  'Fn::Sub',
  'Fn::FindInMap',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
]);
/** Pseudo parameters CloudFormation resolves in the stack of each account. */
const pseudoParameters = new Set([
  'AWS::NoValue',
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::StackName',
  'AWS::StackId',
]);

/** PS203: intrinsic functions and pseudo parameters that conformance packs do not document. */
export const intrinsicFunction: TemplateCheck = {
  meta: {
    id: 'PS203',
    name: 'intrinsic-function',
    severity: 'warning',
    summary: 'An intrinsic function or pseudo parameter not documented for conformance packs.',
    rationale:
      'A pack is deployed as a CloudFormation stack in each account, so the functions that compute plain values (Ref, Fn::Sub, Fn::FindInMap, Fn::Join, Fn::Select, Fn::Split, Fn::ImportValue, the condition functions) and the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition are evaluated there, as packs published on GitHub rely on. Others (Fn::GetAtt, Fn::GetAZs, Fn::Cidr, Fn::Transform, AWS::NotificationARNs, …) have no documented use in packs (fact sheet §6): a warning.',
    fix: 'Use a pack parameter and a literal value, or check the function in a sandbox account first.',
  },
  run(ctx) {
    for (const { path, name, argument } of ctx.intrinsics()) {
      // A resource's own `Condition: name` attribute is not a function call.
      if (name === 'Condition' && path[0] === 'Resources' && path.length === 2) continue;
      if (!documented.has(name)) {
        ctx.report([...path, name], `${name} is not documented for conformance packs`, { part: 'key' });
      } else if (
        name === 'Ref' &&
        typeof argument === 'string' &&
        argument.startsWith('AWS::') &&
        !pseudoParameters.has(argument)
      ) {
        ctx.report(
          [...path, name],
          `the pseudo parameter ${argument} is not documented for conformance packs`,
        );
      }
    }
  },
};
