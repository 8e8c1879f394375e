/**
 * Writes the JSON Schemas of the authoring formats (schemas/<kind>.schema.json) and of every
 * `--format json` report (schemas/output/<kind>.schema.json) from their TypeBox definitions.
 */
import { schemaFiles } from './lib/schemas.js';
import { writeGenerated } from './lib/generated.js';

for (const [relative, content] of schemaFiles())
  writeGenerated(relative, content, 'npm run schemas:generate');
