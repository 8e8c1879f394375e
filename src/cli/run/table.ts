import { printableLine } from '../../util/text.js';

/**
 * A plain text table: columns padded to their widest cell; the header is emphasised by `bold` when
 * given. Every cell is sanitised for the terminal and kept on its line (`printableLine`).
 */
export function table(
  header: readonly string[],
  cells: ReadonlyArray<readonly string[]>,
  bold: (s: string) => string = (s) => s,
): string {
  const rows = cells.map((r) => r.map(printableLine));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [bold(line(header)), ...rows.map(line)].join('\n');
}
