/**
 * Writing imported documents as YAML with the `yaml` library, so that any string a template held
 * (newlines, `: `, `#`, quotes, `!Ref` as text, unicode) is quoted as it needs and loads back the
 * same. Every document is read back with the reader packsmith loads authoring files with, and
 * compared with what was meant, before it is returned.
 */
import jsyaml from 'js-yaml';
import { Document, isPair, isScalar, visit } from 'yaml';
import { firstDifference } from '../generator/render.js';
import { ambiguousReading } from '../source/yaml-scalars.js';

/** Scalars written plain inside a flow list (`[a, b]`) without any doubt. */
const flowSafe = /^[A-Za-z0-9][A-Za-z0-9:._/-]*$/;
const flowWidth = 72;
/** Lists of short values that read better on one line. */
const flowKeys = new Set(['resourceTypes', 'controls', 'allowedValues', 'evaluationModes', 'values']);

/**
 * The YAML text of an authoring document: an optional `# yaml-language-server: $schema=…` line,
 * an optional comment line, then the document in block style, short lists of simple values in flow style.
 */
export function authoringYaml(value: Record<string, unknown>, schemaPath?: string, comment?: string): string {
  const doc = new Document(value, { aliasDuplicateObjects: false, version: '1.2' });
  visit(doc, {
    // A text another YAML version reads as a number or boolean (012345678901, yes) is quoted.
    Scalar(_key, node) {
      if (typeof node.value === 'string' && ambiguousReading(node.value) !== undefined)
        node.type = 'QUOTE_SINGLE';
    },
    Seq(_key, node, path) {
      const parent = path[path.length - 1];
      const key = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      const items = node.items;
      if (
        key !== undefined &&
        flowKeys.has(key) &&
        items.length > 0 &&
        items.every((i) => isScalar(i) && typeof i.value === 'string' && flowSafe.test(i.value)) &&
        items.reduce<number>((n, i) => n + String((i as { value: string }).value).length + 2, 0) <= flowWidth
      ) {
        node.flow = true;
      }
    },
  });
  const body = doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
  const header =
    schemaPath !== undefined && !/[\r\n\u0085\u2028\u2029]/.test(schemaPath)
      ? `# yaml-language-server: $schema=${schemaPath}\n`
      : '';
  const note = comment !== undefined && !/[\r\n\u0085\u2028\u2029]/.test(comment) ? `# ${comment}\n` : '';
  const text = `${header}${note}${body}`;
  const back = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  const difference = firstDifference(JSON.parse(JSON.stringify(value)), back);
  if (difference !== undefined) {
    throw new Error(
      `internal error: the YAML written for "${String(value.name)}" reads back differently at ${difference}`,
    );
  }
  return text;
}
