/** Writes docs/checks.md: every check with its id, severity and doc, and the cfn-lint suppressions. */
import { checksDocPath } from '../src/validation/format/checks-doc.js';
import { checksPage } from '../src/validation/checks-page.js';
import { writeGenerated } from './lib/generated.js';

writeGenerated(checksDocPath, checksPage(), 'npm run docs:generate');
