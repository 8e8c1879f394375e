/**
 * A built template is parsed once: rendering reads it back to prove it equals the model, and the
 * template checks reuse that value instead of parsing the text again (issue 15, speed: the second
 * parse was about a tenth of `packsmith build`). The reused value is the one a parse would give.
 */
import type jsyamlModule from 'js-yaml';
import { describe, expect, it, vi } from 'vitest';

const loads = vi.hoisted(() => ({ texts: [] as string[] }));
vi.mock('js-yaml', async (importOriginal) => {
  const actual = await importOriginal<{ default: typeof jsyamlModule }>();
  return {
    ...actual,
    default: {
      ...actual.default,
      load: (text: string, options?: Parameters<typeof actual.default.load>[1]) => {
        loads.texts.push(text);
        return actual.default.load(text, options);
      },
    },
  };
});

const { build } = await import('../../src/app/build.js');
const { buildRepository } = await import('../../src/generator/build.js');
const { loadRepository } = await import('../../src/authoring/repository.js');
const { packageTemplateSource } = await import('../../src/generator/package-templates.js');
const { parseYamlSource } = await import('../../src/source/yaml-source.js');
const { packageRoot } = await import('../../src/util/package-root.js');

describe('built templates', () => {
  it('are read by js-yaml once each, and the value the checks see is what a parse gives', async () => {
    loads.texts = [];
    const outcome = await build({ root: packageRoot(), cfnGuard: 'off' });
    expect(outcome.built.length).toBe(3);
    for (const pack of outcome.built) {
      expect(loads.texts.filter((t) => t === pack.template)).toHaveLength(1);
    }
  });

  it('the value the checks are given is what parsing the template gives', async () => {
    const seen: Array<[string, unknown]> = [];
    const repo = await loadRepository(packageRoot());
    const result = buildRepository(repo, [], packageTemplateSource(), {
      readme: false,
      onBuilt: (pack, value) => seen.push([pack.template, value]),
    });
    expect(seen.map(([t]) => t)).toEqual(result.built.map((p) => p.template));
    for (const [text, value] of seen) {
      expect(value).toEqual(parseYamlSource('t.yaml', text, { cloudFormation: true }).value);
    }
  });

  it('a value given for other text is not used: the text is parsed', () => {
    const source = parseYamlSource('t.yaml', 'a: 1\n', {
      cloudFormation: true,
      coreValue: { text: 'a: 2\n', value: { a: 2 } },
    });
    expect(source.value).toEqual({ a: 1 });
    const reused = { a: 1 };
    expect(
      parseYamlSource('t.yaml', 'a: 1\n', {
        cloudFormation: true,
        coreValue: { text: 'a: 1\n', value: reused },
      }).value,
    ).toBe(reused);
  });
});
