/** `packsmith add rule --guard NAME --resource-type TYPE`: a Guard policy rule with its samples and tests. */
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { guardRuleScaffold, resourceTypePattern } from '../../authoring/guard-scaffold.js';
import { loadRepository } from '../../authoring/repository.js';
import { displayPath } from '../../util/paths.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput } from '../output.js';
import {
  blockNamePattern,
  editorSchemaPath,
  packEdit,
  replaceFile,
  type AddRuleOptions,
} from './add-rule.js';

export async function runAddGuardRule(
  identifier: string | undefined,
  options: AddRuleOptions,
): Promise<number> {
  const io = processOutput();
  if (identifier !== undefined) {
    throw new UsageError('give a managed rule identifier, or --guard NAME --resource-type TYPE, not both');
  }
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`--root ${options.root}: not a directory`);
  }
  const name = options.name ?? options.guard;
  if (options.guard === undefined || name === undefined || !blockNamePattern.test(name)) {
    throw new UsageError(
      `--guard ${JSON.stringify(options.guard ?? '')}: a rule name is letters, digits, ".", "_" and "-", starting with a letter or digit`,
    );
  }
  if (options.resourceType === undefined || !resourceTypePattern.test(options.resourceType)) {
    throw new UsageError(
      `--resource-type ${JSON.stringify(options.resourceType ?? '')}: give the resource type the policy evaluates, e.g. AWS::EC2::Volume`,
    );
  }
  const repo = await loadRepository(root);
  const taken = repo.rules.get(name);
  if (taken) throw new CliError(`a rule block named "${name}" already exists in ${displayPath(taken.path)}`);
  const schemaPath = editorSchemaPath(root, join(repo.packsDir, 'rules'), 'rule');
  const scaffold = guardRuleScaffold({
    name,
    resourceType: options.resourceType,
    ...(schemaPath === undefined ? {} : { schemaPath }),
  });
  const files = scaffold.files.map((f) => ({ ...f, path: join(repo.packsDir, f.path) }));
  const existing = files.find((f) => existsSync(f.path));
  if (existing) throw new CliError(`${displayPath(existing.path)} already exists; nothing was written`);
  const pack = options.pack === undefined ? undefined : await packEdit(options.pack, name, repo);
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.text, { encoding: 'utf8', flag: 'wx' });
  }
  if (pack) await replaceFile(pack.path, pack.text);
  const block = join(repo.packsDir, scaffold.blockPath);
  if (options.format === 'json') {
    io.out(
      jsonDocument('add-rule', {
        block: name,
        file: displayPath(block),
        ...(pack ? { pack: { name: pack.name, manifest: displayPath(pack.path) } } : {}),
      }),
    );
  } else {
    for (const file of files) io.out(`${io.paint.green('created')} ${displayPath(file.path)}`);
    if (pack) io.out(`${io.paint.green('added')} ${name} to pack ${pack.name} (${displayPath(pack.path)})`);
    io.err(`next: edit the policy and its samples, then packsmith test ${name}`);
  }
  return ExitCode.ok;
}
