/** Parts of the messages about a cfn-lint process that failed (batches and the driver alike). */

/** The last and first lines of a process's stderr, indented, or that it printed none. */
export function stderrExcerpt(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return ' It printed nothing on stderr.';
  const shown = lines.length > 15 ? [...lines.slice(0, 12), '…', ...lines.slice(-3)] : lines;
  return `\nstderr:\n${shown.map((l) => `  ${l}`).join('\n')}`;
}

export function duration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} minute(s)` : `${ms / 1000} s`;
}
