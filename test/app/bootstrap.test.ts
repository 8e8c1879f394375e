/**
 * Issue 16: `bootstrap` against the sandbox (moto's organization, the StackSets emulator): the
 * remediation role the s3-data-protection pack's remediations reference (AutomationAssumeRole
 * `.../role/packsmith-s3-remediation`) refused without a policy (PS553), planned, then created by
 * the stack set `packsmith-bootstrap` in every target account, in the first Region only; the pack,
 * deployed afterwards by `engine: stackset`, names a role that exists in each account it reaches.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrap, type BootstrapRequest } from '../../src/app/bootstrap.js';
import { deploy } from '../../src/app/deploy.js';
import { preflight } from '../../src/app/preflight.js';
import { accountsShownInFinding, formatFindings } from '../../src/cli/run/preflight.js';
import type { Output } from '../../src/cli/output.js';
import { painter } from '../../src/cli/terminal.js';
import { AppError } from '../../src/app/errors.js';
import type { AppEvent, RolloutDeps } from '../../src/app/events.js';
import { createAws } from '../../src/aws/clients.js';
import { deployChecks } from '../../src/checks/deploy.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const ROLE = 'packsmith-s3-remediation';

describe.skipIf(!motoStatus().available)(`bootstrap${motoSkipNote()}`, () => {
  const rollout = useRolloutFixture({
    accounts: 4,
    regions: REGIONS,
    packs: ['s3-data-protection'],
    depth: 1,
    fanout: 2,
  });
  const request: BootstrapRequest = { lockWaitSeconds: 0, tracking: { intervalMs: 50, timeoutMs: 60_000 } };
  const deps = (events: AppEvent[] = []): RolloutDeps => ({
    connect: (settings) => createAws(settings),
    confirm: () => Promise.resolve(true),
    onEvent: (event) => events.push(event),
    lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
    isProcessAlive: () => true,
  });
  const write = (text: string) => writeFileSync(join(rollout.fx.repo, 'packsmith.deploy.yaml'), text);
  const withBootstrap = () =>
    `${rollout.fx.config}bootstrap:\n  roles:\n    ${ROLE}:\n      managedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]\n`;

  it('refuses with PS553 while the referenced role has no policy, before any stack set exists', async () => {
    write(rollout.fx.config);
    const emu = rollout.fx.sandbox.stackSets;
    emu.resetStats();
    const error = await bootstrap(rollout.selection, request, deps()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    const diagnostics = (error as AppError).diagnostics;
    expect(diagnostics.map((d) => d.checkId)).toEqual([deployChecks['bootstrap-role-policy'].id]);
    expect(diagnostics[0]!.message).toContain(ROLE);
    expect(emu.stats().total).toBe(0);
  }, 120_000);

  it('plans (dry run, nothing created), then creates the role in every target account in one Region; the pack deployed afterwards finds it', async () => {
    write(withBootstrap());
    const emu = rollout.fx.sandbox.stackSets;
    emu.resetStats();
    const dry = await bootstrap(rollout.selection, { ...request, dryRun: true }, deps());
    expect(dry.kind).toBe('done');
    if (dry.kind !== 'done') return;
    expect(dry.roles.map((r) => r.name)).toEqual([ROLE]);
    expect(dry.plans.map((p) => [p.stackSetName, p.stackSet, p.regions])).toEqual([
      ['packsmith-bootstrap', 'create', [REGIONS[0]]],
    ]);
    const targeted = dry.plans[0]!.stages[0]!.accounts;
    expect(targeted.length).toBeGreaterThan(0);
    expect(emu.stats().requests.CreateStackSet ?? 0).toBe(0);
    expect(emu.roleAccounts(ROLE)).toEqual([]);

    const done = await bootstrap(rollout.selection, request, deps());
    expect(done.kind).toBe('done');
    if (done.kind !== 'done') return;
    expect(done.results.map((r) => [r.stackSetName, r.outcome])).toEqual([
      ['packsmith-bootstrap', 'succeeded'],
    ]);
    // Every target account has the role; IAM is global, so one Region's instances made it.
    expect([...emu.roleAccounts(ROLE)].sort()).toEqual(targeted);
    for (const account of targeted) {
      expect(emu.roleExists(account, ROLE)).toBe(true);
      expect(emu.deployed(account, REGIONS[1]!)).toEqual([]);
    }
    // Deployed: the next bootstrap plan is unchanged.
    const again = await bootstrap(rollout.selection, { ...request, dryRun: true }, deps());
    expect(again.kind === 'done' && again.plans[0]!.stages.map((s) => s.action)).toEqual(['unchanged']);

    // The pack, by the stack set engine: each account it reaches names a role that exists there.
    write(
      withBootstrap().replace(
        / {2}s3-data-protection:\n {4}targets:\n {6}ous: \[\/Root\]\n/,
        '  s3-data-protection:\n    engine: stackset\n    stages:\n      - name: all\n        ous: [/Root]\n',
      ),
    );
    const deployed = await deploy(
      rollout.selection,
      { lockWaitSeconds: 0, tracking: request.tracking },
      deps(),
    );
    expect(deployed.kind === 'done' && deployed.stackSets.map((r) => r.outcome)).toEqual(['succeeded']);
    let packs = 0;
    for (const account of targeted) {
      for (const region of REGIONS) {
        for (const stack of emu.deployed(account, region)) {
          for (const pack of stack.resources.conformancePacks) {
            packs += 1;
            expect(pack.templateBody).toContain(`:role/${ROLE}`);
            expect(emu.roleExists(account, ROLE), `${account} ${region}`).toBe(true);
          }
        }
      }
    }
    expect(packs).toBe(targeted.length * REGIONS.length);
  }, 180_000);
  it('policyFile: a JSON policy in the repository becomes the role inline policy (an update); one outside the repository is refused', async () => {
    const emu = rollout.fx.sandbox.stackSets;
    const outside = join(rollout.fx.repo, '..', `outside-${process.pid}.json`);
    writeFileSync(outside, '{}');
    write(
      `${rollout.fx.config}bootstrap:\n  roles:\n    ${ROLE}:\n      policyFile: ../${basename(outside)}\n`,
    );
    try {
      await expect(bootstrap(rollout.selection, request, deps())).rejects.toThrow(/outside the repository/);
    } finally {
      rmSync(outside);
    }

    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:PutBucketPublicAccessBlock', Resource: '*' }],
    };
    mkdirSync(join(rollout.fx.repo, 'policies'), { recursive: true });
    writeFileSync(join(rollout.fx.repo, 'policies', 'remediation.json'), JSON.stringify(policy));
    write(
      `${rollout.fx.config}bootstrap:\n  roles:\n    ${ROLE}:\n      policyFile: policies/remediation.json\n`,
    );
    const done = await bootstrap(rollout.selection, request, deps());
    expect(done.kind === 'done' && done.plans.map((p) => p.stackSet)).toEqual(['update']);
    expect(done.kind === 'done' && done.results.map((r) => r.outcome)).toEqual(['succeeded']);
    const [account] = emu.roleAccounts(ROLE);
    const role = emu
      .deployed(account!, REGIONS[0]!)
      .flatMap((s) => s.resources.roles)
      .find((r) => r.roleName === ROLE);
    expect(role?.policies).toEqual([{ PolicyName: 'packsmith-bootstrap', PolicyDocument: policy }]);
    expect(role?.managedPolicyArns).toEqual([]);
  }, 180_000);
});

describe.skipIf(!motoStatus().available)(`bootstrap honours the packs' exclusions${motoSkipNote()}`, () => {
  const rollout = useRolloutFixture({
    accounts: 6,
    regions: REGIONS,
    packs: ['s3-data-protection'],
    depth: 1,
    fanout: 2,
  });
  const request: BootstrapRequest = { lockWaitSeconds: 0, tracking: { intervalMs: 50, timeoutMs: 60_000 } };
  const deps: RolloutDeps = {
    connect: (settings) => createAws(settings),
    confirm: () => Promise.resolve(true),
    lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
    isProcessAlive: () => true,
  };

  it('excludeOus and excludeAccounts: the role stack set reaches exactly the pack accounts (checked at the emulator)', async () => {
    const { org } = rollout.fx.sandbox;
    const excludedOu = org.ous[0]!;
    const members = org.accounts.filter((a) => !a.management);
    const excludedAccount = members.find((a) => a.parentId !== excludedOu.id)!;
    const expected = members
      .filter((a) => a.parentId !== excludedOu.id && a.id !== excludedAccount.id)
      .map((a) => a.id)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(members.length - 1);
    writeFileSync(
      join(rollout.fx.repo, 'packsmith.deploy.yaml'),
      rollout.fx.config.replace(
        '      ous: [/Root]\n',
        `      ous: [/Root]\n      excludeOus: ['${excludedOu.path}']\n      excludeAccounts: ['${excludedAccount.id}']\n`,
      ) +
        `bootstrap:\n  roles:\n    ${ROLE}:\n      managedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]\n`,
    );
    // Before bootstrap: preflight names the role and exactly the pack's accounts (not the excluded ones).
    const roleFindings = async () =>
      (await preflight(rollout.selection, {}, deps)).findings.filter(
        (f) => f.checkId === deployChecks['preflight-remediation-role'].id,
      );
    const before = await roleFindings();
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({
      severity: 'warning',
      pack: 's3-data-protection',
      accountIds: expected,
    });
    expect(before[0]!.message).toContain(ROLE);
    expect(before[0]!.message).toContain('packsmith-bootstrap does not exist');
    expect(before[0]!.fix).toContain('packsmith bootstrap');
    const text = formatFindings(before, { paint: painter(false) } as Output);
    expect(text).toContain(
      `${expected.length} accounts: ${expected.slice(0, accountsShownInFinding).join(', ')}`,
    );

    const done = await bootstrap(rollout.selection, request, deps);
    expect(done.kind).toBe('done');
    if (done.kind !== 'done') return;
    expect(done.plans[0]!.stages[0]!.targets).toMatchObject({ AccountFilterType: 'DIFFERENCE' });
    expect(done.plans[0]!.stages[0]!.accounts).toEqual(expected);
    expect(done.results.map((r) => r.outcome)).toEqual(['succeeded']);
    expect([...rollout.fx.sandbox.stackSets.roleAccounts(ROLE)].sort()).toEqual(expected);
    expect(rollout.fx.sandbox.stackSets.roleExists(excludedAccount.id, ROLE)).toBe(false);
    // After bootstrap: nothing missing.
    expect(await roleFindings()).toEqual([]);
  }, 180_000);
});
