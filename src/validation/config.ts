/**
 * The repository's validation configuration (`packsmith.config.yaml` at the repository root):
 * per check, a different severity or `enabled: false` — each with the reason, which the report
 * shows. One TypeBox definition gives the type and the schema (schemas/config.schema.json).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { schemaDiagnostics } from '../authoring/schema-errors.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { authoringChecks } from '../authoring/problems.js';
import { parseYamlSource, type YamlSource } from '../source/yaml-source.js';
import { allChecks } from './registry.js';
import { literalUnion } from '../util/typebox.js';

export const CheckSettingSchema = Type.Object(
  {
    severity: Type.Optional(
      literalUnion(
        ['error', 'warning', 'info'] as const,
        'Severity of its findings in this repository: error (fails validate and build), warning or info.',
      ),
    ),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false: the check does not run here (default true).' }),
    ),
    reason: Type.String({ minLength: 3, description: 'Why this check is changed: shown in every report.' }),
  },
  {
    additionalProperties: false,
    description: 'What changes for this check (`severity` or `enabled`), and why (`reason`).',
  },
);

export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(
      Type.String({
        description:
          'Path or URL of the JSON Schema an editor checks this file with (e.g. .packsmith/schemas/config.schema.json); packsmith ignores it.',
      }),
    ),
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
  const config = value as Config;
  return { config, diagnostics: unknownCheckIds(source, config), file };
}

/** Ids one typing slip apart: two neighbouring digits swapped (PS320 for PS302), else one changed. */
function slips(id: string, known: readonly string[]): string[] {
  const differing = (k: string) => [...id].flatMap((c, i) => (c === k[i] ? [] : [i]));
  const swapped = known.filter((k) => {
    const [i, j, ...more] = differing(k);
    return more.length === 0 && j === i! + 1 && id[i!] === k[j] && id[j] === k[i!];
  });
  return swapped.length ? swapped : known.filter((k) => differing(k).length === 1).slice(0, 3);
}

/**
 * Settings for packsmith check ids that no check has, at the id. cfn-lint's ids are not checked:
 * which exist depends on the cfn-lint release that runs.
 */
function unknownCheckIds(source: YamlSource, config: Config): Diagnostic[] {
  const known = allChecks().map((c) => c.id);
  const meta = authoringChecks['unknown-check-id'];
  return Object.keys(config.checks ?? {})
    .filter((id) => id.startsWith('PS') && !known.includes(id))
    .map((id) => {
      const near = slips(id, known);
      return {
        checkId: meta.id,
        severity: meta.severity,
        message: `no packsmith check has the id ${id}${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
        fix: meta.fix,
        location: source.locate(['checks', id], 'key'),
      };
    });
}
