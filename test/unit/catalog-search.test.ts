import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import {
  ruleSearchFields,
  runbookSearchFields,
  searchEntries,
  searchWords,
  stem,
} from '../../src/catalog/search.js';

const catalog = loadCatalog();
const rank = (query: string) =>
  searchEntries(catalog.rules(), query, ruleSearchFields).map((h) => h.entry.identifier);

describe('catalog search: words', () => {
  it('splits CamelCase, :: and _ so a resource type and its words are the same words', () => {
    expect(searchWords('AWS::EC2::SecurityGroup')).toEqual(['aws', 'ec2', 'security', 'group']);
    expect(searchWords('SECURITY_GROUP')).toEqual(['security', 'group']);
    expect(searchWords('maxAccessKeyAge')).toEqual(['max', 'access', 'key', 'age']);
    expect(searchWords('S3BucketName IAMUser')).toEqual(['s3', 'bucket', 'name', 'iam', 'user']);
  });

  it('stems common endings, keeping four letters', () => {
    expect(stem('rotation')).toBe(stem('rotated'));
    expect(stem('groups')).toBe('group');
    expect(stem('uses')).toBe('uses');
  });
});

describe('catalog search: matching and ranking', () => {
  const entries = [
    { id: 'B', texts: ['group of security'] },
    { id: 'A', texts: ['security group'] },
    { id: 'C', texts: ['security only'] },
    { id: 'D', texts: ['security groups'] },
  ];
  const fields = (e: { texts: string[] }) => [{ texts: e.texts, weight: 10 }];
  const ids = (q: string) => searchEntries(entries, q, fields).map((h) => h.entry.id);

  it('every word must match; a phrase in a row ranks first; a partial match scores less; ties keep order', () => {
    expect(ids('security group')).toEqual(['A', 'D', 'B']);
    expect(ids('security')).toEqual(['B', 'A', 'C', 'D']);
    expect(ids('nothing')).toEqual([]);
    expect(ids('')).toEqual(['B', 'A', 'C', 'D']);
  });

  it('identifier and name weigh more than description, then resource types, then parameters', () => {
    const fieldsOf = (e: { f: string; text: string }) =>
      ['identifier', 'description', 'resourceType', 'parameter'].map((f, i) => ({
        texts: e.f === f ? [e.text] : [],
        weight: [10, 5, 3, 1][i]!,
      }));
    const list = ['parameter', 'resourceType', 'description', 'identifier'].map((f) => ({
      f,
      text: 'bucket',
    }));
    expect(searchEntries(list, 'bucket', fieldsOf).map((h) => h.entry.f)).toEqual([
      'identifier',
      'description',
      'resourceType',
      'parameter',
    ]);
  });

  it('issue 12: "security group" and "rotation" find the rules people mean', () => {
    const group = rank('security group').slice(0, 10);
    expect(group).toContain('RESTRICTED_INCOMING_TRAFFIC');
    expect(group).toContain('INCOMING_SSH_DISABLED');
    expect(rank('rotation')).toContain('ACCESS_KEYS_ROTATED');
    expect(rank('S3 versioning')[0]).toBe('S3_BUCKET_VERSIONING_ENABLED');
  });

  it('runbooks: by name words and parameter names', () => {
    const names = searchEntries(catalog.runbooks(), 's3 encryption', runbookSearchFields).map(
      (h) => h.entry.name,
    );
    expect(names[0]).toBe('AWS-EnableS3BucketEncryption');
    expect(
      searchEntries(catalog.runbooks(), 'S3BucketName', runbookSearchFields).map((h) => h.entry.name),
    ).toContain('AWS-DisableS3BucketPublicReadWrite');
  });
});
