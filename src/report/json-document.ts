/** The envelope of every `--format json` document. */
import { terminalSafeJson } from '../util/text.js';

import { outputSchemaVersion } from '../app/output-version.js';

export { outputSchemaVersion };

/**
 * A JSON report: `kind` names its schema in schemas/output/, `schemaVersion` its version. Every
 * control and bidirectional character in a value is written as a `\uNNNN` escape.
 */
export function jsonDocument<T extends object>(kind: string, data: T): string {
  return `${terminalSafeJson({ schemaVersion: outputSchemaVersion, kind, ...data }, 2)}\n`;
}
