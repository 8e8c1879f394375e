import { painter, useColor, type Painter } from './terminal.js';

export { jsonDocument, outputSchemaVersion } from '../report/json-document.js';

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
