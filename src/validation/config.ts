/**
 * The repository's validation configuration (`packsmith.config.yaml` at the repository root):
 * per check, a different severity or `enabled: false` — each with the reason, which the report
 * shows. One TypeBox definition gives the type and the schema (schemas/config.schema.json).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { schemaDiagnostics } from '../authoring/schema-errors.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseYamlSource } from '../source/yaml-source.js';
import { literalUnion } from '../util/typebox.js';

export const CheckSettingSchema = Type.Object(
  {
    severity: Type.Optional(literalUnion(['error', 'warning', 'info'] as const)),
    enabled: Type.Optional(Type.Boolean()),
    reason: Type.String({ minLength: 3, description: 'Why this check is changed: shown in every report.' }),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    checks: Type.Optional(
      Type.Record(Type.String({ pattern: '^(PS[0-9]{3}|[EWI][0-9]{4})$' }), CheckSettingSchema, {
        description: 'Settings by check id: packsmith checks (PS…) and cfn-lint rules (E…, W…, I…).',
      }),
    ),
  },
  { additionalProperties: false, title: 'packsmith repository configuration' },
);

export type Config = Static<typeof ConfigSchema>;
export type CheckSetting = Static<typeof CheckSettingSchema>;

export { configFileName } from './config-file.js';

export interface LoadedConfig {
  config?: Config;
  /** Problems of the configuration file itself, located; empty when it is right. */
  diagnostics: Diagnostic[];
  /** Display path and text of the file, when there is one (its own markers are not read). */
  file?: string;
}

let compiled: ReturnType<Ajv['compile']> | undefined;

/**
 * The repository configuration from its text (display path `file`): the same schema check and the
 * same located problems as every authoring file. Pure.
 */
export function parseRepositoryConfig(file: string, text: string): LoadedConfig {
  const source = parseYamlSource(file, text);
  if (source.syntaxErrors.length) return { diagnostics: source.syntaxErrors, file };
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(ConfigSchema);
  const value = source.value ?? {};
  if (!compiled(value))
    return {
      diagnostics: schemaDiagnostics(source, compiled.errors ?? [], {
        schema: ConfigSchema,
        schemaFile: 'config.schema.json',
      }),
      file,
    };
  return { config: value as Config, diagnostics: [], file };
}
