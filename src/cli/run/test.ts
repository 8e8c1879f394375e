/** `packsmith test`: Guard rules' test cases through cfn-guard, a line per case, exit 1 on a failure. */
import { loadRepository } from '../../authoring/repository.js';
import { displayPath } from '../../util/paths.js';
import { printable } from '../../util/text.js';
import { CFN_GUARD_INSTALL_HINT, detectCfnGuard } from '../../validation/guard/engine.js';
import { runGuardTests, selectGuardRules } from '../../validation/guard/test-cases.js';
import type { TestCommandOptions } from '../options.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput } from '../output.js';

export async function runTest(names: string[], options: TestCommandOptions): Promise<number> {
  const io = processOutput();
  const repo = await loadRepository(options.root);
  const { rules, unknown } = selectGuardRules(repo, names);
  if (unknown.length) {
    throw new UsageError(`no pack or rule named ${unknown.map((n) => `"${n}"`).join(', ')}`);
  }
  const total = rules.reduce(
    (n, r) => n + ('guard' in r.value.source ? (r.value.source.guard.tests?.length ?? 0) : 0),
    0,
  );
  if (total === 0) {
    throw new UsageError(
      `no test cases: ${rules.length ? 'the selected Guard rules list no tests' : `no Guard rule in ${displayPath(repo.packsDir)}`} (add source.guard.tests to a Guard rule block)`,
    );
  }
  const engine = await detectCfnGuard();
  if (!engine.found) {
    throw new CliError(`packsmith test needs cfn-guard, but it ${engine.problem}; ${CFN_GUARD_INSTALL_HINT}`);
  }
  const cases = await runGuardTests(repo, rules, engine.executable);
  const failed = cases.filter((c) => !c.ok).length;
  const summary = { cases: cases.length, passed: cases.length - failed, failed };

  if (options.format === 'junit') {
    const { formatGuardTestsJunit } = await import('../../report/guard-tests.js');
    io.out(formatGuardTestsJunit(cases, engine.version));
  } else if (options.format === 'json') {
    io.out(jsonDocument('test', { ok: failed === 0, cfnGuard: engine.version, cases, summary }));
  } else {
    for (const c of cases) {
      const at = `${c.location.file}:${c.location.line}:${c.location.column}`;
      const label = printable(`${c.rule} › ${c.case}`, { line: true });
      if (c.ok) io.out(`${io.paint.green('pass')} ${label} (${c.expected})`);
      else {
        const why = c.error ? printable(c.error, { line: true }) : `expected ${c.expected}, got ${c.actual}`;
        io.out(`${io.paint.red('FAIL')} ${label}: ${why}  ${at}`);
      }
    }
    const line = `${summary.cases} case(s): ${summary.passed} passed, ${summary.failed} failed (cfn-guard ${engine.version})`;
    io.err(failed ? io.paint.bold(io.paint.red(line)) : io.paint.green(line));
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}
