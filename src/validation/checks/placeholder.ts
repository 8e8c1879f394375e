import type { TemplateCheck } from '../check.js';

const placeholder = /<[A-Za-z][A-Za-z0-9 _-]{0,40}>/;

/**
 * The placeholders packsmith's own scaffolding writes for a value only the author can give (the
 * role ARN of `packsmith add remediation`: `arn:<partition>:iam::<REPLACE-ME-account-id>:role/<REPLACE-ME-role-name>`).
 * They are an error wherever they are: the block was written to be filled in before it is built.
 */
export const fillInMarker = 'REPLACE-ME';
const fillIn = new RegExp(`<${fillInMarker}[A-Za-z0-9 _-]{0,40}>`);

/**
 * Where a placeholder makes the pack fail when it is created, not when a remediation runs: the
 * Lambda function of a custom rule and the SSM document of a remediation are resolved when the
 * rule or remediation is created.
 */
function resolvedAtCreation(path: ReadonlyArray<string | number>): boolean {
  const [section, , properties, property] = path;
  if (section !== 'Resources' || properties !== 'Properties') return false;
  if (property === 'TargetId') return true;
  return property === 'Source' && path[4] === 'SourceIdentifier';
}

/** PS302: placeholders such as `<Account-Id>` left in values, as AWS's samples ship them. */
export const placeholderValue: TemplateCheck = {
  meta: {
    id: 'PS302',
    name: 'placeholder',
    severity: 'warning',
    summary: 'A value still holds a placeholder such as <Account-Id>.',
    rationale:
      "AWS's sample packs ship role ARNs like arn:<partition>:iam::<Account-Id>:role/…, which fail when remediation runs (a warning). In a custom rule's Lambda ARN (SourceIdentifier) or a remediation's TargetId the placeholder names a function or document that cannot exist, so the pack fails when it is created (an error). A <REPLACE-ME…> placeholder, which packsmith add remediation writes for the role ARN, is an error anywhere: the block is not built until it is filled in.",
    fix: 'Replace the placeholder with the real value.',
  },
  run(ctx) {
    for (const { path, value } of ctx.anglebracketStrings()) {
      if (path[0] === 'Conditions' || path.includes('Description') || path.includes('PolicyText')) continue;
      const own = fillIn.exec(value);
      if (own) {
        ctx.report(
          path,
          `the value holds the placeholder ${own[0]} that packsmith wrote for you to fill in: the pack is not built until it is`,
          { severity: 'error' },
        );
        continue;
      }
      const m = placeholder.exec(value);
      if (!m) continue;
      if (resolvedAtCreation(path)) {
        ctx.report(path, `the value holds the placeholder ${m[0]}: the pack fails when it is created`, {
          severity: 'error',
        });
      } else ctx.report(path, `the value holds the placeholder ${m[0]}`);
    }
  },
};
