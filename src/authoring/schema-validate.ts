/**
 * Validates parsed authoring files against their JSON Schema (ajv, all errors, precompiled); ajv's
 * errors become diagnostics through the one translator (schema-errors.ts).
 */
import type { ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { schemaDiagnostic, translateSchemaErrors } from './schema-errors.js';
import { authoringKinds, authoringSchemas, isAuthoringKind, type AuthoringKind } from './schema.js';
import * as precompiled from './validators.generated.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';

export { pointerToPath } from './schema-errors.js';

/** Validators compiled ahead of time from the schemas (scripts/generate-validators.ts). */
function validatorFor(kind: AuthoringKind): ValidateFunction {
  return (precompiled as unknown as Record<AuthoringKind, ValidateFunction>)[kind];
}

export { isAuthoringKind };

/** A file's schema problems: the diagnostics, and for each the part of the value that is wrong. */
export interface AuthoringFileCheck {
  diagnostics: Diagnostic[];
  /** Paths of the wrong parts of the value ([]: the file as a whole). */
  subjects: YamlPath[];
}

/** Validates one file; returns [] when it is valid. */
export function validateAuthoringFile(source: YamlSource): Diagnostic[] {
  return checkAuthoringFile(source).diagnostics;
}

/** Validates one file against the schema of its kind. */
export function checkAuthoringFile(source: YamlSource): AuthoringFileCheck {
  const value = source.value;
  const whole = (message: string, path: YamlPath, fix: string): AuthoringFileCheck => ({
    diagnostics: [schemaDiagnostic(source, { message, at: path, part: 'value' }, {}, fix)],
    subjects: [[]],
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return whole(
      'an authoring file must be a YAML mapping with a `kind` field',
      [],
      `Start the file with \`kind:\` (one of ${authoringKinds.join(', ')}) and write its fields as \`key: value\` lines.`,
    );
  }
  const kind = (value as { kind?: unknown }).kind;
  if (!isAuthoringKind(kind)) {
    const shown = kind === undefined ? 'missing' : JSON.stringify(kind);
    const [best] = typeof kind === 'string' ? closest(kind, authoringKinds, 1) : [];
    return whole(
      `\`kind\` is ${shown}; it must be one of ${authoringKinds.join(', ')}${best ? ` (did you mean ${best}?)` : ''}`,
      kind === undefined ? [] : ['kind'],
      best ? `Write \`kind: ${best}\`.` : `Set \`kind:\` to one of ${authoringKinds.join(', ')}.`,
    );
  }
  const validate = validatorFor(kind);
  if (validate(value)) return { diagnostics: [], subjects: [] };
  const context = { schema: authoringSchemas[kind], schemaFile: `${kind}.schema.json` };
  const problems = translateSchemaErrors(validate.errors ?? [], value, context);
  return {
    diagnostics: problems.map((p) => schemaDiagnostic(source, p, context, p.fix)),
    subjects: problems.map((p) => p.subject),
  };
}
