import type { TemplateCheck } from '../check.js';

/** Intrinsics used in AWS's samples or documented for packs. */
const documented = new Set(['Ref', 'Fn::If', 'Fn::Equals', 'Fn::Not', 'Fn::ImportValue', 'Condition']);
/** The only pseudo parameter AWS's samples use. */
const pseudoParameters = new Set(['AWS::NoValue']);

/** PS203: intrinsic functions and pseudo parameters that conformance packs do not document. */
export const intrinsicFunction: TemplateCheck = {
  meta: {
    id: 'PS203',
    name: 'intrinsic-function',
    severity: 'warning',
    summary: 'An intrinsic function or pseudo parameter not documented for conformance packs.',
    rationale:
      'Packs document Ref, Fn::If, Fn::Equals, Fn::Not, Fn::ImportValue and AWS::NoValue; others (Fn::Sub, Fn::GetAtt, Fn::And, AWS::AccountId, …) are unverified (fact sheet §6).',
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
