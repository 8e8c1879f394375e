import { describe, expect, it } from 'vitest';
import { packsmithLinks } from '../../src/util/version.js';

describe('packsmithLinks', () => {
  it('gives no link the manifest does not name', () => {
    expect(packsmithLinks({ version: '1.0.0' })).toEqual({});
  });

  it('points the docs at the release tag of a GitHub repository', () => {
    for (const repository of [
      'https://github.com/acme/packsmith.git',
      { url: 'git+https://github.com/acme/packsmith.git' },
      'git@github.com:acme/packsmith',
    ]) {
      expect(packsmithLinks({ version: '1.2.3', repository })).toEqual({
        homepage: 'https://github.com/acme/packsmith',
        docsBase: 'https://github.com/acme/packsmith/blob/v1.2.3/',
      });
    }
    expect(packsmithLinks({ version: '1.2.3', homepage: 'https://x.test/' }).homepage).toBe(
      'https://x.test/',
    );
  });
});
