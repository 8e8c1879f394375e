/** The YAML reading check, shared by every file packsmith reads (authoring files, templates, configuration). */
import type { CheckMeta } from '../diagnostics/check-meta.js';

export const yamlSyntaxCheck: CheckMeta = {
  id: 'PS100',
  name: 'yaml-syntax',
  severity: 'error',
  summary: 'The file is not valid YAML.',
  rationale: 'Nothing in a file that does not parse can be checked or built.',
  fix: 'Fix the YAML syntax at the reported position.',
  sameAs: ['E0000'],
};
