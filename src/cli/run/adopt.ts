/**
 * `packsmith adopt PACK`: one call of the adopt use case (src/app/adopt.ts), its result printed:
 * per Region, the record written and where AWS differs from the configuration.
 */
import { adopt, type AdoptResult } from '../../app/adopt.js';
import type { AdoptCommandOptions } from '../options.js';
import { jsonDocument, processOutput, type Output } from '../output.js';
import { printableLine } from '../../util/text.js';
import { connectFor, fromCore, printDiagnostics, selectionOf } from './rollout-context.js';

export function formatAdopt(result: AdoptResult, io: Output): string {
  const p = io.paint;
  const lines = [p.bold(`Adopted ${printableLine(result.orgPackName)} (pack ${printableLine(result.pack)})`)];
  for (const r of result.regions) {
    lines.push(
      `  ${r.region}: recorded template ${r.templateSha256.slice(0, 12)} (${r.uploaded ? 'staged' : 'already staged'} at s3://${printableLine(r.bucket)}/${printableLine(r.templateKey)}), LastUpdateTime ${r.packLastUpdateTime}${r.replacedRecord ? ', replacing the previous record' : ''}`,
    );
    const differs = [
      ...(r.differs.parameters.length
        ? [`parameters ${r.differs.parameters.map((n) => printableLine(n)).join(', ')}`]
        : []),
      ...(r.differs.excludedAccounts ? ['excluded accounts'] : []),
      ...(r.differs.delivery ? ['delivery bucket or key prefix'] : []),
    ];
    if (differs.length > 0)
      lines.push(
        p.yellow(`    AWS differs from the configuration (${differs.join('; ')}): plan will say update`),
      );
  }
  lines.push(
    p.dim(
      'The records say the deployed template is the one this repository builds: `packsmith plan` now compares against it.',
    ),
  );
  return lines.join('\n');
}

export async function runAdopt(pack: string, options: AdoptCommandOptions): Promise<number> {
  const io = processOutput();
  const { packs: _packs, ...selection } = selectionOf([pack], options);
  const result = await fromCore(io, () =>
    adopt({ ...selection, pack }, { force: options.force === true }, { connect: connectFor(options, io) }),
  );
  printDiagnostics(result.diagnostics, io);
  const { diagnostics: _d, ...body } = result;
  if (options.format === 'json') io.out(jsonDocument('adopt', body));
  else io.out(formatAdopt(result, io));
  return 0;
}
