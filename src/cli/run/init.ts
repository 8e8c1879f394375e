/**
 * `packsmith init`: a new pack repository with one rule block and one pack (so `packsmith build`
 * works at once), editor schemas, a .gitignore, a README and a GitHub Actions workflow.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import { packManifestYaml, ruleBlockYaml } from '../../authoring/scaffold.js';
import { authoringKinds } from '../../authoring/schema.js';
import { loadCatalog } from '../../catalog/catalog.js';
import { packageRoot } from '../../util/package-root.js';
import { displayPath } from '../../util/paths.js';
import { CliError, ExitCode } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';

export interface InitOptions {
  force?: boolean;
  format: OutputFormat;
  /** What the CI workflow installs (`npm install --global SPEC`); default packsmith@VERSION. */
  package?: string;
  /** Only rewrite the editor schemas (and the editor mapping when missing); touch no other file. */
  refreshSchemas?: boolean;
}

/**
 * The schemas init ships into .packsmith/schemas: every authoring kind, the one for any authoring
 * file (chosen by `kind`), and the deployment and repository configurations.
 */
const shippedSchemas = [...authoringKinds, 'packsmith', 'deploy', 'config'] as const;

/**
 * The editor mapping (VS Code's YAML extension, i.e. yaml-language-server): schemas by file pattern,
 * so a file validates at any folder depth and after a move.
 */
export const editorSchemaMapping: Readonly<Record<string, string[]>> = {
  './.packsmith/schemas/packsmith.schema.json': ['packs/**/*.yaml', 'packs/**/*.yml'],
  './.packsmith/schemas/deploy.schema.json': ['packsmith.deploy.yaml', 'packsmith.deploy.yml'],
  './.packsmith/schemas/config.schema.json': ['packsmith.config.yaml', 'packsmith.config.yml'],
};
const editorSettingsPath = '.vscode/settings.json';

/** The cfn-lint release the CI workflow installs when the runner has none: the one packsmith is tested with. */
const ciCfnLintVersion = '1.51.0';

/** The example rule and pack of a new repository. */
const exampleRule = 'S3_BUCKET_VERSIONING_ENABLED';
const examplePack = 'baseline';

interface PlannedFile {
  /** Path relative to the repository root, with `/`. */
  path: string;
  content: string;
}

export async function runInit(dir: string, options: InitOptions): Promise<number> {
  const io = processOutput();
  const root = resolve(dir);
  if (existsSync(root) && !statSync(root).isDirectory()) {
    throw new CliError(`${displayPath(root)} exists and is not a folder`);
  }
  if (options.refreshSchemas) return refreshSchemas(root, options, io);
  const files = planFiles(options.package);

  const existing = files.filter((f) => existsSync(join(root, f.path))).map((f) => f.path);
  if (existing.length > 0 && !options.force) {
    const shown =
      existing.length > 3
        ? `${existing.slice(0, 3).join(', ')} and ${existing.length - 3} more`
        : existing.join(', ');
    throw new CliError(
      `${displayPath(root)} already has ${shown}; ` +
        'nothing was written (run again with --force to overwrite these files)',
    );
  }
  await refuseNameClashes(root, files);

  const created: string[] = [];
  for (const file of files) {
    const path = join(root, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { encoding: 'utf8', flag: options.force ? 'w' : 'wx' });
    created.push(displayPath(path));
  }
  const overwritten = existing.map((p) => displayPath(join(root, p)));

  if (options.format === 'json') {
    io.out(jsonDocument('init', { root: displayPath(root), created, overwritten }));
  } else {
    for (const path of created) {
      io.out(`${io.paint.green(overwritten.includes(path) ? 'overwrote' : 'created')} ${path}`);
    }
    const cd = displayPath(root) === '.' ? '' : `cd ${displayPath(root)} && `;
    io.err(
      `next: ${cd}packsmith add rule IDENTIFIER --pack ${examplePack}, then packsmith build (see README.md)`,
    );
  }
  return ExitCode.ok;
}

/**
 * Every file init writes, in the order it writes them. The authoring files have no `$schema` line:
 * the editor mapping gives them their schema, and a relative path in the file would break as soon
 * as the file moved to another folder depth (the line wins over the mapping).
 */
function planFiles(packageSpec: string | undefined): PlannedFile[] {
  const pkg = packageRoot();
  const version = packageVersion(pkg);
  const values: Record<string, string> = {
    version,
    package: yamlScalar(packageSpec ?? `packsmith@${version}`),
    cfnLintVersion: yamlScalar(ciCfnLintVersion),
  };
  const rule = loadCatalog().rule(exampleRule);
  if (!rule) throw new Error(`the catalog has no ${exampleRule}`);
  const ruleFile = `packs/rules/${rule.name}.yaml`;
  const template = (name: string) =>
    readFileSync(join(pkg, 'templates', 'init', name), 'utf8').replace(
      /\{\{(\w+)\}\}/g,
      (whole, key: string) => values[key] ?? whole,
    );

  const schemas = schemaFiles(pkg);

  return [
    {
      path: ruleFile,
      content: ruleBlockYaml(rule, { name: rule.name }),
    },
    {
      path: `packs/${examplePack}.yaml`,
      content: packManifestYaml({
        name: examplePack,
        description: 'Checks every account of the organization should pass.',
        rules: [rule.name],
      }),
    },
    ...schemas,
    editorSettings(),
    { path: '.gitignore', content: template('gitignore') },
    { path: '.github/workflows/packsmith.yml', content: template('packsmith.yml') },
    { path: 'README.md', content: template('README.md') },
  ];
}

/** A value for a YAML template: JSON's double-quoted string is valid YAML and cannot break out of its line. */
function yamlScalar(value: string): string {
  return JSON.stringify(value);
}

/** The schema files init ships, read from packsmith's own schemas/. */
function schemaFiles(pkg: string): PlannedFile[] {
  return shippedSchemas.map((kind) => {
    const from = join(pkg, 'schemas', `${kind}.schema.json`);
    let content: string;
    try {
      content = readFileSync(from, 'utf8');
    } catch (error) {
      throw new Error(`packsmith's JSON Schemas are missing (${(error as Error).message})`);
    }
    return { path: `.packsmith/schemas/${kind}.schema.json`, content };
  });
}

function editorSettings(): PlannedFile {
  return {
    path: editorSettingsPath,
    content: `${JSON.stringify({ 'yaml.schemas': editorSchemaMapping }, null, 2)}\n`,
  };
}

/**
 * `init --refresh-schemas`: this version's schemas replace those in .packsmith/schemas; the editor
 * mapping is written only when the repository has no .vscode/settings.json (the user's file is theirs).
 */
async function refreshSchemas(
  root: string,
  options: InitOptions,
  io: ReturnType<typeof processOutput>,
): Promise<number> {
  if (!existsSync(join(root, 'packs'))) {
    throw new CliError(`${displayPath(root)} has no packs/ folder: run packsmith init there first`);
  }
  const files = schemaFiles(packageRoot());
  const settings = existsSync(join(root, editorSettingsPath)) ? [] : [editorSettings()];
  const written: string[] = [];
  for (const file of [...files, ...settings]) {
    const path = join(root, file.path);
    if (existsSync(path) && readFileSync(path, 'utf8') === file.content) continue;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, 'utf8');
    written.push(displayPath(path));
  }
  if (options.format === 'json') {
    io.out(jsonDocument('init', { root: displayPath(root), created: written, overwritten: [] }));
  } else if (written.length === 0) io.err('schemas are up to date');
  else for (const path of written) io.out(`${io.paint.green('refreshed')} ${path}`);
  return ExitCode.ok;
}

function packageVersion(pkg: string): string {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * A folder that already holds packs may define the example rule block or pack in another file;
 * writing ours would then make two blocks (or packs) of one name.
 */
async function refuseNameClashes(root: string, files: readonly PlannedFile[]): Promise<void> {
  if (!existsSync(join(root, 'packs'))) return;
  const repo = await loadRepository(root);
  const ours = new Set(files.map((f) => resolve(root, f.path)));
  const clashes: string[] = [];
  const rule = loadCatalog().rule(exampleRule);
  const ruleBlock = rule ? repo.rules.get(rule.name) : undefined;
  if (ruleBlock && !ours.has(ruleBlock.path)) {
    clashes.push(`rule block "${ruleBlock.value.name}" (${displayPath(ruleBlock.path)})`);
  }
  const pack = repo.packs.get(examplePack);
  if (pack && !ours.has(pack.path)) clashes.push(`pack "${examplePack}" (${displayPath(pack.path)})`);
  if (clashes.length > 0) {
    throw new CliError(
      `${displayPath(join(root, 'packs'))} already defines ${clashes.join(' and ')}; ` +
        'nothing was written (packsmith add rule adds rules to an existing repository)',
    );
  }
}
