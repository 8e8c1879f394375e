/**
 * Committed files generated from one source of truth must match their source: the JSON Schemas
 * (from the TypeBox definitions), the precompiled validators (from the same schemas) and the
 * precompiled handlebars templates (from templates/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedValidatorsSource } from '../../scripts/lib/validators-source.js';
import { generatedTemplatesSource } from '../../scripts/lib/templates-source.js';
import { schemaFiles } from '../../scripts/lib/schemas.js';
import { packageRoot } from '../../src/util/package-root.js';
import { checksPage } from '../../src/validation/checks-page.js';
import { checksDocPath } from '../../src/validation/checks-doc.js';
import { withIamPolicySection } from '../../src/aws/iam-policy.js';

const read = (relative: string) => readFileSync(join(packageRoot(), relative), 'utf8');

describe('generated files are current', () => {
  it.each(schemaFiles())('%s (npm run schemas:generate)', (relative, content) => {
    expect(read(relative)).toBe(content);
  });
  it('src/authoring/validators.generated.ts (npm run validators:generate)', () => {
    expect(read('src/authoring/validators.generated.ts')).toBe(generatedValidatorsSource());
  });
  it('docs/checks.md (npm run docs:generate)', () => {
    expect(read(checksDocPath)).toBe(checksPage());
  });
  it('README.md IAM policy section (npm run docs:generate)', () => {
    const readme = read('README.md');
    expect(readme).toBe(withIamPolicySection(readme));
  });
  it('src/generator/templates.generated.ts (npm run templates:generate)', () => {
    expect(read('src/generator/templates.generated.ts')).toBe(generatedTemplatesSource());
  });
});
