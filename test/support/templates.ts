import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inputFileLimits } from '../../src/facts/limits.js';
import type { TemplateSource } from '../../src/generator/build.js';
import { readUserFile } from '../../src/source/read-file.js';
import { packageRoot } from '../../src/util/package-root.js';

/** The templates shipped in templates/, read from disk. */
export function defaultTemplates(): TemplateSource {
  const dir = join(packageRoot(), 'templates');
  return {
    defaultPackTemplate: join(dir, 'conformance-pack.yaml.hbs'),
    defaultReadmeTemplate: join(dir, 'pack-readme.md.hbs'),
    read: (path) => readFileSync(path, 'utf8'),
    readPackTemplate: (path, root) =>
      readUserFile(path, { purpose: 'pack template', maxBytes: inputFileLimits.packTemplateBytes, root }),
  };
}
