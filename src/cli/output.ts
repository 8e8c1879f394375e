import { terminalSafeJson } from '../util/text.js';
import { outputSchemaVersion } from '../app/output-version.js';
import { painter, useColor, type Painter } from './terminal.js';

export { outputSchemaVersion } from '../app/output-version.js';

export type OutputFormat = 'text' | 'json';

/** Where a command writes: injectable so commands are tested without a process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  paint: Painter;
}

export function processOutput(): Output {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    paint: painter(useColor(process.stdout)),
  };
}

/**
 * A JSON report: `kind` names its schema in schemas/output/, `schemaVersion` its version. Every
 * control and bidirectional character in a value is written as a `\uNNNN` escape.
 */
export function jsonDocument<T extends object>(kind: string, data: T): string {
  return `${terminalSafeJson({ schemaVersion: outputSchemaVersion, kind, ...data }, 2)}\n`;
}
