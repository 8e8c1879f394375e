/** `packsmith add rule`: a rule block pre-filled from the catalog, optionally added to a pack. */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadRepository, type Repository } from '../../authoring/repository.js';
import {
  addRuleToManifest,
  includedRuleNames,
  ruleBlockYaml,
  schemaReference,
} from '../../authoring/scaffold.js';
import { RuleBlockSchema } from '../../authoring/schema.js';
import { unknownRuleMessage } from '../../authoring/catalog-extensions.js';
import type { ManagedRule } from '../../catalog/types.js';
import { processCheckIdentifier } from '../../facts/enums.js';
import { inputFileLimits } from '../../facts/limits.js';
import { readUserFile } from '../../source/read-file.js';
import { packageRoot } from '../../util/package-root.js';
import { displayPath } from '../../util/paths.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';

export interface AddRuleOptions {
  pack?: string;
  name?: string;
  root: string;
  format: OutputFormat;
  /** `--guard NAME`: a Guard custom policy rule instead of a managed one. */
  guard?: string;
  resourceType?: string;
}

export const blockNamePattern = new RegExp(RuleBlockSchema.properties.name.pattern ?? '^.+$');

export async function runAddRule(identifier: string | undefined, options: AddRuleOptions): Promise<number> {
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UsageError(`--root ${options.root}: not a directory`);
  }
  if (identifier === undefined) {
    throw new UsageError(
      'give a managed rule identifier (packsmith catalog list), or --guard NAME --resource-type TYPE',
    );
  }
  const io = processOutput();
  const repo = await loadRepository(root);
  const rule = findRule(identifier, repo);

  const blockName = options.name ?? rule.name;
  if (!blockNamePattern.test(blockName) || blockName.length > RuleBlockSchema.properties.name.maxLength!) {
    throw new UsageError(
      `--name ${JSON.stringify(blockName)}: a block name is letters, digits, ".", "_" and "-", ` +
        `starting with a letter or digit`,
    );
  }
  const file = join(repo.packsDir, 'rules', `${blockName}.yaml`);
  if (existsSync(file)) {
    throw new CliError(
      `${displayPath(file)} already exists; edit it, or give the new block another name with --name`,
    );
  }
  const taken = repo.rules.get(blockName);
  if (taken) {
    throw new CliError(
      `a rule block named "${blockName}" already exists in ${displayPath(taken.path)}; ` +
        'give the new block another name with --name',
    );
  }

  const pack = options.pack === undefined ? undefined : await packEdit(options.pack, blockName, repo);

  const schemaPath = editorSchemaPath(root, dirname(file), 'rule');
  const text = ruleBlockYaml(rule, { name: blockName, ...(schemaPath === undefined ? {} : { schemaPath }) });
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(
        `${displayPath(file)} already exists; edit it, or give the new block another name with --name`,
      );
    }
    throw error;
  }
  if (pack) await replaceFile(pack.path, pack.text);

  if (options.format === 'json') {
    const report: Record<string, unknown> = {
      identifier: rule.identifier,
      block: blockName,
      file: displayPath(file),
    };
    if (pack) report.pack = { name: pack.name, manifest: displayPath(pack.path) };
    io.out(jsonDocument('add-rule', report));
  } else {
    io.out(`${io.paint.green('created')} ${displayPath(file)}`);
    if (pack)
      io.out(`${io.paint.green('added')} ${blockName} to pack ${pack.name} (${displayPath(pack.path)})`);
    const required = rule.parameters.filter((p) => !p.optional && p.default === undefined);
    if (required.length > 0) {
      io.err(
        `note: ${rule.identifier} requires ${required.map((p) => p.name).join(', ')}; ` +
          'the block exposes them as pack parameters without a default (give one in the block or at deploy time)',
      );
    }
  }
  return ExitCode.ok;
}

/** The catalog entry for an identifier (or a documented rule name); exits 1 with suggestions when unknown. */
function findRule(identifier: string, repo: Repository): ManagedRule {
  const catalog = repo.catalog;
  const rule = catalog.rule(identifier) ?? catalog.rules().find((r) => r.name === identifier);
  if (rule) return rule;
  if (identifier === processCheckIdentifier) {
    throw new CliError(
      `${processCheckIdentifier} is a manual process check with no catalog entry to scaffold from; ` +
        'write its block by hand (kind: rule, source: { managed: AWS_CONFIG_PROCESS_CHECK })',
    );
  }
  const { message, fix } = unknownRuleMessage(identifier, catalog);
  throw new CliError(`${message}\n  fix: ${fix}`);
}

/** The manifest of `packName` with `blockName` added to its rules; checked before anything is written. */
export async function packEdit(
  packName: string,
  blockName: string,
  repo: Repository,
): Promise<{ name: string; path: string; text: string }> {
  const manifest = repo.packs.get(packName);
  if (!manifest) {
    if (repo.broken.pack.has(packName)) {
      throw new CliError(
        `the manifest of pack "${packName}" has errors; fix them first (packsmith validate)`,
      );
    }
    const names = [...repo.packs.keys()].sort();
    const known = names.length
      ? `the packs are: ${names.join(', ')}`
      : `there are no pack manifests under ${displayPath(repo.packsDir)} (packsmith init creates one)`;
    throw new CliError(`there is no pack named "${packName}"; ${known}`);
  }
  if (includedRuleNames(manifest.value.rules).includes(blockName)) {
    throw new CliError(
      `pack "${packName}" already includes "${blockName}" (${displayPath(manifest.path)}); ` +
        'run again without --pack to create only the block',
    );
  }
  const original = await readFile(manifest.path, 'utf8');
  let text: string;
  try {
    text = addRuleToManifest(original, blockName);
  } catch (error) {
    throw new CliError(
      `cannot add "${blockName}" to ${displayPath(manifest.path)}: ${(error as Error).message}`,
    );
  }
  return { name: packName, path: manifest.path, text };
}

/**
 * The `# yaml-language-server: $schema=` path of a new file in `fileDir`, or none when the
 * repository's editor settings map packsmith's schemas to its files (what `init` writes): the
 * mapping holds at any folder depth, while a relative path in the file, which wins over the
 * mapping, breaks as soon as the file moves.
 */
export function editorSchemaPath(root: string, fileDir: string, kind: string): string | undefined {
  if (hasEditorMapping(root)) return undefined;
  return schemaReference(fileDir, editorSchemasDir(root), kind);
}

/** Whether .vscode/settings.json maps packsmith's any-file schema (`yaml.schemas`). */
export function hasEditorMapping(root: string): boolean {
  const read = readUserFile(join(root, '.vscode', 'settings.json'), {
    purpose: 'editor settings',
    maxBytes: inputFileLimits.configFileBytes,
    root,
  });
  return read.ok && read.text.includes('"yaml.schemas"') && read.text.includes('packsmith.schema.json');
}

/** Where new blocks point editors for their schemas: the repository's copies (init), else packsmith's. */
export function editorSchemasDir(root: string): string {
  return existsSync(join(root, '.packsmith', 'schemas'))
    ? join(root, '.packsmith', 'schemas')
    : join(packageRoot(), 'schemas');
}

/** Replaces a file atomically (temp file + rename). */
export async function replaceFile(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, path);
}
