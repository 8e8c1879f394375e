/** Precompiles the handlebars templates of templates/ into src/generator/templates.generated.ts. */
import { generatedTemplatesSource } from './lib/templates-source.js';
import { writeGenerated } from './lib/generated.js';

writeGenerated(
  'src/generator/templates.generated.ts',
  generatedTemplatesSource(),
  'npm run templates:generate',
);
