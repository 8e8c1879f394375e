/**
 * Summaries first, detail on request (issue 12), end to end against the sandbox: 200 accounts in
 * two Regions, 6 of them failing for one cause (no configuration recorder). The deploy summary and
 * `status` each fit one screen and name the cause once with its 6 accounts; `--failed`, `--ou`,
 * `--account` and `--all` give the rows; JSON keeps every row; writing the HTML report exits 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { hintFor } from '../../src/rollout/hints.js';
import { StatusOutputSchema } from '../../src/report/schemas/rollout.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const REGIONS = ['us-east-1', 'eu-west-1'];
const CODE = 'NoAvailableConfigurationRecorderException';
const SCREEN = 40;

interface StatusDoc {
  accounts: Array<{ accountId: string; region: string; status: string }>;
  summary: {
    rows: number;
    accounts: number;
    failures: Array<{ errorCode?: string; accounts: Array<{ accountId: string }>; command: string }>;
  };
}

describe.skipIf(!available)(`status and the deploy summary at 200 accounts${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let failing: Array<{ id: string; path: string }>;
  const once = (text: string, part: string) => expect(text.split(part), part).toHaveLength(2);

  beforeAll(async () => {
    f = await startRolloutFixture({ accounts: 199, regions: REGIONS, delay: { baseMs: 20, jitterMs: 60 } });
    const members = f.sandbox.org.accounts.filter((a) => !a.management);
    failing = [0, 31, 62, 93, 124, 155].map((i) => members[i]!);
    f.sandbox.emulator.faults.set({
      accountFailures: Object.fromEntries(
        failing.map((a) => [
          a.id,
          {
            errorCode: CODE,
            errorMessage:
              'You must create a configuration recorder before you can create or update a Config rule.',
          },
        ]),
      ),
    });
  }, 180_000);
  afterAll(async () => {
    await f?.stop();
  });

  it('the deploy summary fits one screen and names the cause once with its 6 accounts', async () => {
    expect(f.sandbox.org.accounts).toHaveLength(200);
    const r = await f.cli(...deployArgs());
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length, r.stdout).toBeLessThanOrEqual(SCREEN);
    once(r.stdout, CODE);
    once(r.stdout, hintFor(CODE)!);
    expect(r.stdout).toContain(`${CODE}: 6 account(s), 12 row(s)`);
    for (const a of failing) once(r.stdout, a.id);
    for (const region of REGIONS) expect(r.stdout).toMatch(new RegExp(`in ${region} failed: 194 of 200`));
  }, 180_000);

  it('status: a summary on one screen, the cause once with its 6 accounts and the command to retry', async () => {
    const r = await f.cli('status');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length, r.stdout).toBeLessThanOrEqual(SCREEN);
    expect(r.stdout).toMatch(/200 account\(s\), 400 row\(s\)/);
    once(r.stdout, CODE);
    once(r.stdout, hintFor(CODE)!);
    for (const a of failing) once(r.stdout, a.id);
    expect(r.stdout).toContain('retry once fixed: packsmith deploy s3-data-protection');
  });

  it('--failed lists the failed rows; --all every row; --ou and --account narrow', async () => {
    const failed = await f.cli('status', '--failed');
    const rowsOf = (text: string) =>
      text.split('\n').filter((l) => /^s3-data-protection +\S+-\d +\d{12}/.test(l));
    expect(rowsOf(failed.stdout)).toHaveLength(12);
    for (const a of failing) expect(rowsOf(failed.stdout).filter((l) => l.includes(a.id))).toHaveLength(2);

    const all = await f.cli('status', '--all');
    expect(rowsOf(all.stdout)).toHaveLength(400);

    // An OU and its children, not the root: a filter that did nothing would list all 200.
    const ou = '/Root/ou-1';
    const inOu = f.sandbox.org.accounts.filter((a) => a.path === ou || a.path.startsWith(`${ou}/`));
    expect(inOu.length).toBeGreaterThan(0);
    expect(inOu.length).toBeLessThan(200);
    expect(inOu.some((a) => a.path !== ou)).toBe(true);
    const byOu = await f.cli('status', '--ou', ou, '--format', 'json');
    const doc = JSON.parse(byOu.stdout) as StatusDoc;
    expect(new Set(doc.accounts.map((a) => a.accountId))).toEqual(new Set(inOu.map((a) => a.id)));
    const ouId = f.sandbox.org.ous.find((o) => o.path === ou)!.id;
    const byId = JSON.parse((await f.cli('status', '--ou', ouId, '--format', 'json')).stdout) as StatusDoc;
    expect(byId.accounts).toEqual(doc.accounts);

    const one = await f.cli('status', '--account', failing[1]!.id);
    expect(rowsOf(one.stdout)).toHaveLength(2);

    const bad = await f.cli('status', '--ou', 'Prod');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--ou Prod: give an OU id');
  });

  it('JSON keeps every row and adds the summary; writing the HTML report exits 0', async () => {
    const r = await f.cli('status', '--format', 'json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as StatusDoc;
    const validate = new Ajv({ strict: false }).compile(StatusOutputSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.accounts).toHaveLength(400);
    expect(doc.summary).toMatchObject({ rows: 400, accounts: 200 });
    expect(doc.summary.failures).toHaveLength(1);
    expect(doc.summary.failures[0]!.errorCode).toBe(CODE);
    expect(doc.summary.failures[0]!.accounts.map((a) => a.accountId)).toEqual(
      failing.map((a) => a.id).sort(),
    );

    const out = join(f.repo, 'status.html');
    const html = await f.cli('status', '--format', 'html', '--output', out);
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(CODE);
  });
});
