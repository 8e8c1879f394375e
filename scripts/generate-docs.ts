/**
 * Writes docs/checks.md (every check with its id, severity and doc, and the cfn-lint suppressions)
 * and the IAM policy section of README.md (from src/aws/iam-policy.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/util/package-root.js';
import { withIamPolicySection } from '../src/aws/iam-policy.js';
import { checksDocPath } from '../src/validation/checks-doc.js';
import { checksPage } from '../src/validation/checks-page.js';
import { writeGenerated } from './lib/generated.js';

writeGenerated(checksDocPath, checksPage(), 'npm run docs:generate');
writeGenerated(
  'README.md',
  withIamPolicySection(readFileSync(join(packageRoot(), 'README.md'), 'utf8')),
  'npm run docs:generate',
);
