import type { TSchema } from '@sinclair/typebox';
import { BuildOutputSchema } from './build.js';
import { catalogOutputSchemas } from './catalog.js';
import { scaffoldOutputSchemas } from './scaffold.js';
import { ValidateOutputSchema } from './validate.js';
import { ImportOutputSchema } from './import.js';
import { rolloutOutputSchemas } from './rollout.js';
import { TestOutputSchema } from './test.js';

/** Every `--format json` report by its `kind`; schemas/output/<kind>.schema.json is generated from this. */
export const outputSchemas: Record<string, TSchema> = {
  build: BuildOutputSchema,
  ...catalogOutputSchemas,
  ...scaffoldOutputSchemas,
  validate: ValidateOutputSchema,
  test: TestOutputSchema,
  import: ImportOutputSchema,
  ...rolloutOutputSchemas,
};
