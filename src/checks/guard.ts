/**
 * The Guard policy checks, shared by authoring files (rule blocks, .guard files) and templates
 * (CustomPolicyDetails.PolicyText) given to `validate` or `import`.
 */
import type { CheckMeta } from '../diagnostics/check-meta.js';

export const guardChecks = {
  'guard-syntax': {
    id: 'PS160',
    name: 'guard-syntax',
    severity: 'error',
    summary: 'A Guard custom policy does not parse (checked by the cfn-guard engine).',
    rationale:
      'AWS Config accepts PolicyText without parsing it; a policy with a syntax error fails at evaluation time, in every account the pack reaches.',
    fix: "Fix the Guard syntax at the reported position (the engine's message says what it expected).",
  },
  'guard-3-syntax': {
    id: 'PS161',
    name: 'guard-3-syntax',
    severity: 'warning',
    summary:
      'A Guard custom policy uses syntax introduced in Guard 3 (built-in functions, is_null / is_float).',
    rationale:
      'AWS Config evaluates custom policies with the guard-2.x.x runtime (PolicyRuntime); Guard 3 constructs parse with cfn-guard 3 but not with the runtime Config uses.',
    fix: 'Express the condition with Guard 2 syntax (queries, filters and operators without functions).',
  },
} satisfies Record<string, CheckMeta>;
