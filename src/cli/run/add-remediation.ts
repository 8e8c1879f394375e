/**
 * `packsmith add remediation`: a remediation block for a rule block, with the runbook proposed from
 * the catalog, added to the pack. The decision is the core's (`planAddRemediation`); this writes.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import {
  AddRemediationError,
  planAddRemediation,
  type RemediationPlan,
  type RunbookProposal,
} from '../../authoring/remediation-scaffold.js';
import type { AddRemediationOutput } from '../../report/schemas/scaffold.js';
import { addRemediationToManifest } from '../../authoring/scaffold.js';
import { displayPath } from '../../util/paths.js';
import { printable } from '../../util/text.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';
import { editorSchemaPath, replaceFile } from './add-rule.js';
import { deployConfigFileName, loadDeployConfig } from '../../org/deploy-config.js';
import { partitionOf, type Partition } from '../../facts/partitions.js';

export interface AddRemediationOptions {
  pack?: string;
  name?: string;
  runbook?: string;
  dryRun?: boolean;
  root: string;
  format?: OutputFormat;
}

/**
 * The partition the repository deploys to, for the role ARN placeholder: that of the first Region of
 * its packsmith.deploy.yaml (a configuration cannot span partitions, PS516); commercial `aws` when
 * there is none or it names no Region.
 */
function deployedPartition(root: string): Partition['id'] {
  const path = join(root, deployConfigFileName);
  if (!existsSync(path)) return 'aws';
  // The Regions as written, also when another part of the configuration is still wrong.
  const value: unknown = loadDeployConfig(path).source.value;
  const regions =
    value !== null && typeof value === 'object' ? (value as { regions?: unknown }).regions : undefined;
  const first = Array.isArray(regions) ? regions.find((r): r is string => typeof r === 'string') : undefined;
  return first === undefined ? 'aws' : partitionOf(first).id;
}

/** How many other proposals are listed. */
const alternativesShown = 5;

function proposalLine(p: RunbookProposal): string {
  const id =
    p.resourceIdParameter === undefined
      ? 'no resource-id parameter known'
      : `resource id → ${p.resourceIdParameter}${p.resourceIdConfirmed ? '' : ' (guess)'}`;
  return printable(`${p.runbook.name}: ${p.why}; ${id}`, { line: true });
}

export async function runAddRemediation(rule: string, options: AddRemediationOptions): Promise<number> {
  const io = processOutput();
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`--root ${options.root}: not a directory`);
  }
  const repo = await loadRepository(root);
  let plan;
  try {
    plan = planAddRemediation(repo, rule, {
      ...(options.runbook !== undefined ? { runbook: options.runbook } : {}),
      ...(options.pack !== undefined ? { pack: options.pack } : {}),
      ...(options.name !== undefined ? { name: options.name } : {}),
      schemaPath: (fileDir) => editorSchemaPath(root, fileDir, 'remediation'),
      partition: deployedPartition(root),
    });
  } catch (error) {
    if (error instanceof AddRemediationError) {
      const message = printable(error.message);
      throw error.kind === 'usage' ? new UsageError(message) : new CliError(message);
    }
    throw error;
  }

  let manifestText: string | undefined;
  if (plan.pack) {
    const original = await readFile(plan.pack.path, 'utf8');
    try {
      manifestText = addRemediationToManifest(original, plan.block.name);
    } catch (error) {
      throw new CliError(
        `cannot add "${plan.block.name}" to ${displayPath(plan.pack.path)}: ${(error as Error).message}`,
      );
    }
  }

  const file = displayPath(plan.block.path);
  const json = options.format === 'json';
  if (!options.dryRun) {
    await mkdir(dirname(plan.block.path), { recursive: true });
    try {
      await writeFile(plan.block.path, plan.block.text, { encoding: 'utf8', flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CliError(`${file} already exists; edit it, or give the new block another name with --name`);
      }
      throw error;
    }
    if (plan.pack && manifestText !== undefined) await replaceFile(plan.pack.path, manifestText);
  }
  if (json) {
    io.out(jsonDocument('add-remediation', jsonReport(plan, options.dryRun === true)));
    return ExitCode.ok;
  }
  if (options.dryRun) {
    io.out(`# ${file} (dry run: nothing written)`);
    io.out(printable(plan.block.text.trimEnd()));
    if (plan.pack) {
      io.out(`# would add ${plan.block.name} to pack ${plan.pack.name} (${displayPath(plan.pack.path)})`);
    }
  } else {
    io.out(`${io.paint.green('created')} ${file}`);
    if (plan.pack) {
      io.out(
        `${io.paint.green('added')} ${plan.block.name} to pack ${plan.pack.name} (${displayPath(plan.pack.path)})`,
      );
    }
  }
  io.err(`runbook: ${proposalLine(plan.chosen)}`);
  if (plan.alternatives.length > 0) {
    io.err('other runbooks (choose with --runbook NAME):');
    for (const p of plan.alternatives.slice(0, alternativesShown)) io.err(`  ${proposalLine(p)}`);
    if (plan.alternatives.length > alternativesShown) {
      io.err(`  ... and ${plan.alternatives.length - alternativesShown} more`);
    }
  }
  if (plan.noPackReason)
    io.err(`note: ${plan.noPackReason}; add ${plan.block.name} to a pack's remediations`);
  if (plan.chosen.resourceIdParameter === undefined) {
    io.err(
      `note: ${plan.chosen.runbook.name} has no known resource-id parameter: bind one with { resourceId: true } in ${file}`,
    );
  }
  io.err(
    `next: fill in ${plan.fillIn.join(', ')} in ${file} (the <REPLACE-ME…> values); packsmith build fails until you do`,
  );
  return ExitCode.ok;
}

function proposalJson(p: RunbookProposal): AddRemediationOutput['runbook'] {
  return {
    name: p.runbook.name,
    reason: p.reason,
    why: p.why,
    ...(p.resourceIdParameter !== undefined ? { resourceIdParameter: p.resourceIdParameter } : {}),
    resourceIdConfirmed: p.resourceIdConfirmed,
  };
}

function jsonReport(
  plan: RemediationPlan,
  dryRun: boolean,
): Omit<AddRemediationOutput, 'schemaVersion' | 'kind'> {
  return {
    rule: plan.ruleBlock.name,
    block: plan.block.name,
    file: displayPath(plan.block.path),
    dryRun,
    runbook: proposalJson(plan.chosen),
    alternatives: plan.alternatives.map(proposalJson),
    ...(plan.pack ? { pack: { name: plan.pack.name, manifest: displayPath(plan.pack.path) } } : {}),
    fillIn: plan.fillIn,
  };
}
