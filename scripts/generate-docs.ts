/** Writes docs/checks.md: every packsmith check with its id, severity and doc, from the check metadata. */
import { checkRuleInfo, checksDocPath, formatChecksDoc } from '../src/validation/format/checks-doc.js';
import { allChecks } from '../src/validation/registry.js';
import { writeGenerated } from './lib/generated.js';

writeGenerated(checksDocPath, formatChecksDoc(allChecks().map(checkRuleInfo)), 'npm run docs:generate');
