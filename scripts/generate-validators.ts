/**
 * Compiles the authoring schemas into standalone validation code (ajv standalone), written to
 * src/authoring/validators.generated.ts. Loading precompiled validators instead of compiling the
 * schemas at start-up saves every command that reads a pack repository ~150 ms of CPU.
 */
import { generatedValidatorsSource } from './lib/validators-source.js';
import { writeGenerated } from './lib/generated.js';

writeGenerated(
  'src/authoring/validators.generated.ts',
  generatedValidatorsSource(),
  'npm run validators:generate',
);
