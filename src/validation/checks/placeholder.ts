import type { TemplateCheck } from '../check.js';

const placeholder = /<[A-Za-z][A-Za-z0-9 _-]{0,40}>/;

/** PS302: placeholders such as `<Account-Id>` left in values, as AWS's samples ship them. */
export const placeholderValue: TemplateCheck = {
  meta: {
    id: 'PS302',
    name: 'placeholder',
    severity: 'warning',
    summary: 'A value still holds a placeholder such as <Account-Id>.',
    rationale:
      "AWS's sample packs ship role ARNs like arn:aws:iam::<Account-Id>:role/…, which fail when remediation runs.",
    fix: 'Replace the placeholder with the real value.',
  },
  run(ctx) {
    for (const { path, value } of ctx.anglebracketStrings()) {
      if (path[0] === 'Conditions' || path.includes('Description') || path.includes('PolicyText')) continue;
      const m = placeholder.exec(value);
      if (m) ctx.report(path, `the value holds the placeholder ${m[0]}`);
    }
  },
};
