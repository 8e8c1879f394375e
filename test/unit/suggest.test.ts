import { describe, expect, it } from 'vitest';
import { editDistance, normalizeForMatch, suggest, Suggester, words } from '../../src/util/suggest.js';

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['abcd', 'abdc', 1], // adjacent swap counts once
    ['VERSIONING', 'VERSIONNG', 1],
    ['flaw', 'lawn', 2],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('stops at the limit and reports limit + 1', () => {
    expect(editDistance('AAAAAAAAAA', 'BBBBBBBBBB', 3)).toBe(4);
    expect(editDistance('short', 'a much longer string', 2)).toBe(3);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
  });

  it('handles strings longer than its scratch rows', () => {
    const a = 'A'.repeat(200);
    expect(editDistance(a, `${a}B`)).toBe(1);
  });
});

describe('normalising', () => {
  it('folds case and separators', () => {
    expect(normalizeForMatch('s3-bucket_versioning enabled')).toBe('S3BUCKETVERSIONINGENABLED');
  });

  it('splits words on separators and camelCase', () => {
    expect(words('AWS-EnableS3BucketEncryption')).toEqual(['AWS', 'ENABLE', 'S3', 'BUCKET', 'ENCRYPTION']);
    expect(words('S3_BUCKET_VERSIONING_ENABLED')).toEqual(['S3', 'BUCKET', 'VERSIONING', 'ENABLED']);
    expect(words('AWSConfigRemediation-EnableVPCFlowLogs')).toEqual([
      'AWS',
      'CONFIG',
      'REMEDIATION',
      'ENABLE',
      'VPC',
      'FLOW',
      'LOGS',
    ]);
  });
});

describe('suggest', () => {
  const candidates = [
    {
      value: 'S3_BUCKET_VERSIONING_ENABLED',
      spellings: ['S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled'],
    },
    { value: 'S3_BUCKET_LOGGING_ENABLED', spellings: ['S3_BUCKET_LOGGING_ENABLED'] },
    { value: 'INCOMING_SSH_DISABLED', spellings: ['INCOMING_SSH_DISABLED', 'restricted-ssh'] },
    { value: 'EBS_OPTIMIZED_INSTANCE', spellings: ['EBS_OPTIMIZED_INSTANCE'] },
  ];

  it('ranks the closest first and drops ones much further than the best', () => {
    expect(suggest('S3_BUCKET_VERSIONNG_ENABLED', candidates)).toEqual(['S3_BUCKET_VERSIONING_ENABLED']);
  });

  it('matches any spelling, reporting the value', () => {
    expect(suggest('restricted_ssh', candidates)).toEqual(['INCOMING_SSH_DISABLED']);
  });

  it('words in a different order or one missing still match', () => {
    expect(suggest('BUCKET_LOGGING', candidates)).toEqual(['S3_BUCKET_LOGGING_ENABLED']);
    expect(suggest('S3_BUCKET_ENABLED', candidates)).toEqual([
      'S3_BUCKET_LOGGING_ENABLED',
      'S3_BUCKET_VERSIONING_ENABLED',
    ]);
  });

  it('an extra word still matches', () => {
    expect(suggest('EBS_OPTIMIZED_INSTANCE_CHECK', candidates)).toEqual(['EBS_OPTIMIZED_INSTANCE']);
  });

  it('returns nothing for empty or unrelated input', () => {
    expect(suggest('', candidates)).toEqual([]);
    expect(suggest('___', candidates)).toEqual([]);
    expect(suggest('LAMBDA_INSIDE_VPC', candidates)).toEqual([]);
  });

  it('ties are broken alphabetically, so results are stable', () => {
    const s = new Suggester([
      { value: 'RULE_B', spellings: ['RULE_B'] },
      { value: 'RULE_A', spellings: ['RULE_A'] },
    ]);
    expect(s.suggest('RULE_C')).toEqual(['RULE_A', 'RULE_B']);
    expect(s.suggest('RULE_C', 1)).toEqual(['RULE_A']);
  });
});
