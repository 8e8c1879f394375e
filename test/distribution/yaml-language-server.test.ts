/**
 * The editor schemas as an editor uses them: yaml-language-server (the engine of VS Code's YAML
 * extension) runs as a language server in a repository made by `packsmith init`, with the workspace
 * settings init writes. Authoring files at three folder depths load their schema (no "Unable to load
 * schema"), a schema error is reported, and hovering a field shows its description.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { LspClient, type LspDiagnostic } from '../support/lsp.js';

const server = join(packageRoot(), 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server');
const schemaLoadProblem = /unable to load|could not load|cannot load|failed to load|not found|ENOENT/i;

/** VS Code's settings.json keys (`yaml.schemas`) as the nested object a client sends. */
function nested(flat: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(flat)) {
    const [section, ...rest] = key.split('.');
    (out[section!] ??= {})[rest.join('.')] = value;
  }
  return out;
}

/** Line and character of `key:` in `text` (the first one, at the given indentation). */
function keyPosition(text: string, key: string, indent = ''): { line: number; character: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith(`${indent}${key}:`));
  if (line === -1) throw new Error(`no "${indent}${key}:" in\n${text}`);
  return { line, character: indent.length + 1 };
}

/**
 * The description as yaml-language-server's hover shows it: plain text turned into Markdown
 * (backslash escapes removed), without the schema's title above it or the "Source:" line below.
 */
function hoverText(markdown: string): string {
  return markdown
    .replace(/^#### .*\n\n/, '')
    .split(/\n\nSource: /)[0]!
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1')
    .trim();
}

describe('yaml-language-server in a repository made by packsmith init', () => {
  let root: string;
  let client: LspClient;
  const uri = (relative: string) => pathToFileURL(join(root, relative)).href;
  const texts = new Map<string, string>();

  const open = (relative: string) => {
    const text = readFileSync(join(root, relative), 'utf8');
    texts.set(relative, text);
    client.notify('textDocument/didOpen', {
      textDocument: { uri: uri(relative), languageId: 'yaml', version: 1, text },
    });
  };
  const schemaProblems = (diagnostics: LspDiagnostic[]) =>
    diagnostics.filter((d) => schemaLoadProblem.test(d.message));

  let ruleFile: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ps-yamlls-'));
    const init = await runCli(['init', root]);
    expect(init.code, init.stderr).toBe(0);
    ruleFile = `packs/rules/${readdirSync(join(root, 'packs', 'rules'))[0]!}`;
    // A rule block moved three folders deep, as a user would reorganise a repository.
    mkdirSync(join(root, 'packs', 'a', 'b', 'c'), { recursive: true });
    cpSync(join(root, ruleFile), join(root, 'packs/a/b/c/moved.yaml'));
    // A file with a schema error, so the test sees validation happen at all.
    writeFileSync(
      join(root, 'packs/a/b/c/broken.yaml'),
      'kind: rule\nname: broken\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\nevaluationModes: [SOMETIMES]\n',
    );

    // The repository configuration, mapped to its own schema by the same settings.
    writeFileSync(
      join(root, 'packsmith.config.yaml'),
      'checks:\n  PS101:\n    severity: warning\n    reason: kept for the legacy packs\n',
    );

    const settings = JSON.parse(readFileSync(join(root, '.vscode', 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    client = new LspClient(process.execPath, [server, '--stdio'], {
      cwd: root,
      // No proxy: nothing may leave the machine; the schemas are local files.
      env: { PATH: process.env.PATH ?? '', HOME: root, NO_PROXY: '*' },
    });
    await client.request(
      'initialize',
      {
        processId: process.pid,
        rootUri: pathToFileURL(root).href,
        workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'repo' }],
        capabilities: {
          textDocument: {
            hover: { contentFormat: ['markdown', 'plaintext'] },
            publishDiagnostics: {},
          },
          workspace: { workspaceFolders: true, configuration: true },
        },
      },
      20_000,
    );
    client.notify('initialized', {});
    // The settings init writes (the server pulls them once told they changed); the schema store
    // (a download) is off so the test runs offline.
    const yaml = nested(settings).yaml ?? {};
    client.settings = { yaml: { ...yaml, validate: true, hover: true, schemaStore: { enable: false } } };
    client.notify('workspace/didChangeConfiguration', { settings: client.settings });
    // The server validates a document on open without waiting for its settings: the file with an
    // error goes first, and its error (which only the mapped schema finds) says the settings apply.
    // The files after it are then validated with the settings, never before them.
    open('packs/a/b/c/broken.yaml');
    await client.diagnosticsFor(uri('packs/a/b/c/broken.yaml'), (d) => d.length > 0, 20_000);
    for (const file of ['packs/baseline.yaml', ruleFile, 'packs/a/b/c/moved.yaml', 'packsmith.config.yaml']) {
      open(file);
    }
  }, 60_000);

  afterAll(() => {
    client?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes a yaml.schemas mapping for the packs folder at any depth', () => {
    const settings = JSON.parse(readFileSync(join(root, '.vscode', 'settings.json'), 'utf8')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    expect(Object.values(settings['yaml.schemas']).flat()).toContain('packs/**/*.yaml');
  });

  it.each([
    'packs/baseline.yaml',
    'rule block (packs/rules/)',
    'packs/a/b/c/moved.yaml',
    'packsmith.config.yaml',
  ])('loads the schema of %s', async (label) => {
    const file = label.startsWith('rule block') ? ruleFile : label;
    const diagnostics = await client.diagnosticsFor(uri(file), () => true);
    expect(schemaProblems(diagnostics)).toEqual([]);
    expect(diagnostics).toEqual([]);
  });

  it('reports a schema error (the schema is applied, not just found)', async () => {
    const diagnostics = await client.diagnosticsFor(uri('packs/a/b/c/broken.yaml'), (d) => d.length > 0);
    expect(schemaProblems(diagnostics)).toEqual([]);
    const error = diagnostics.find((d) => d.range.start.line === 4);
    expect(error, JSON.stringify(diagnostics)).toBeDefined();
    expect(error!.message).toMatch(/DETECTIVE|PROACTIVE|allowed|enum|match/i);
  });

  const schema = (kind: string) =>
    JSON.parse(readFileSync(join(root, '.packsmith', 'schemas', `${kind}.schema.json`), 'utf8')) as {
      properties: Record<
        string,
        { description: string; properties?: Record<string, { description: string }> }
      >;
    };

  it.each([
    { file: 'rule', key: 'name', indent: '', description: () => schema('rule').properties.name!.description },
    {
      file: 'rule',
      key: 'description',
      indent: '',
      description: () => schema('rule').properties.description!.description,
    },
    {
      file: 'moved',
      key: 'source',
      indent: '',
      description: () => schema('rule').properties.source!.description,
    },
    {
      file: 'moved',
      key: 'resourceTypes',
      indent: '  ',
      description: () => schema('rule').properties.scope!.properties!.resourceTypes!.description,
    },
    {
      file: 'packsmith.config.yaml',
      key: 'reason',
      indent: '    ',
      description: () =>
        JSON.parse(readFileSync(join(root, '.packsmith', 'schemas', 'config.schema.json'), 'utf8')).properties
          .checks.patternProperties['^(PS[0-9]{3}|[EWI][0-9]{4})$'].properties.reason.description as string,
    },
    {
      file: 'packs/baseline.yaml',
      key: 'rules',
      indent: '',
      description: () => schema('pack').properties.rules!.description,
    },
  ])('hovering $key in $file shows its description', async ({ file, key, indent, description }) => {
    const relative = file === 'rule' ? ruleFile : file === 'moved' ? 'packs/a/b/c/moved.yaml' : file;
    await client.diagnosticsFor(uri(relative), () => true);
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>(
      'textDocument/hover',
      { textDocument: { uri: uri(relative) }, position: keyPosition(texts.get(relative)!, key, indent) },
    );
    expect(hover, `no hover for ${key}`).not.toBeNull();
    expect(hoverText(hover!.contents.value)).toBe(description());
  });
});
