/** The handlebars templates shipped in templates/, read from the installed package. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateSource } from './build.js';
import { inputFileLimits } from '../facts/limits.js';
import { readUserFile } from '../source/read-file.js';
import { packageRoot } from '../util/package-root.js';

export function packageTemplateSource(): TemplateSource {
  const templatesDir = join(packageRoot(), 'templates');
  return {
    defaultPackTemplate: join(templatesDir, 'conformance-pack.yaml.hbs'),
    defaultReadmeTemplate: join(templatesDir, 'pack-readme.md.hbs'),
    read: (path) => readFileSync(path, 'utf8'),
    readPackTemplate: (path, root) =>
      readUserFile(path, { purpose: 'pack template', maxBytes: inputFileLimits.packTemplateBytes, root }),
  };
}
