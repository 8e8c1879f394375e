import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateSource } from '../../src/generator/build.js';
import { packageRoot } from '../../src/util/package-root.js';

/** The templates shipped in templates/, read from disk. */
export function defaultTemplates(): TemplateSource {
  const dir = join(packageRoot(), 'templates');
  return {
    defaultPackTemplate: join(dir, 'conformance-pack.yaml.hbs'),
    defaultReadmeTemplate: join(dir, 'pack-readme.md.hbs'),
    read: (path) => readFileSync(path, 'utf8'),
  };
}
