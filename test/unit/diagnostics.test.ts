import { describe, expect, it } from 'vitest';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../../src/diagnostics/diagnostic.js';

const d = (
  checkId: string,
  file: string,
  line: number,
  column: number,
  severity: Diagnostic['severity'] = 'error',
): Diagnostic => ({
  checkId,
  severity,
  message: checkId,
  location: { file, line, column },
});

describe('diagnostics', () => {
  it('sorts by file, line, column and id', () => {
    const sorted = sortDiagnostics([
      d('PS2', 'b.yaml', 1, 1),
      d('PS1', 'a.yaml', 3, 2),
      d('PS3', 'a.yaml', 3, 1),
      d('PS0', 'a.yaml', 1, 9),
    ]);
    expect(sorted.map((x) => x.checkId)).toEqual(['PS0', 'PS3', 'PS1', 'PS2']);
  });
  it('counts only errors as errors', () => {
    expect(hasErrors([d('PS1', 'a', 1, 1, 'warning')])).toBe(false);
    expect(hasErrors([d('PS1', 'a', 1, 1, 'warning'), d('PS2', 'a', 1, 1)])).toBe(true);
  });
});
