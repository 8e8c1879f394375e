/**
 * The repository's validation configuration (`packsmith.config.yaml` at the repository root):
 * per check, a different severity or `enabled: false` — each with the reason, which the report
 * shows. One TypeBox definition gives the type and the schema (schemas/config.schema.json).
 */
import { Type, type Static } from '@sinclair/typebox';
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

export const configFileName = 'packsmith.config.yaml';
