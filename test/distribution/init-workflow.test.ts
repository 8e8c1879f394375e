/**
 * "The workflow runs" is checked, not assumed: the packed tarball is installed into an empty prefix,
 * `packsmith init --package TARBALL` makes a repository in an empty folder, and the `run:` steps of
 * the workflow it wrote run in order as the runner would (bash -e, the workflow's env, a job summary
 * file). Validate runs with cfn-lint and writes SARIF that the SARIF 2.1.0 schema accepts.
 *
 * Installing compiles better-sqlite3 where no prebuilt binary can be downloaded, which takes minutes:
 * the test runs when PACKSMITH_TEST_TARBALL is set (.ci/run sets it). Without npm's cache or
 * registry it skips with the reason, and fails under CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import _addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { tool } from '../support/tools.js';

const addFormats = _addFormats.default;
const root = packageRoot();
const sarifSchemaPath = join(root, '../shared/reference/sarif-2.1.0.schema.json');
const enabled = process.env.PACKSMITH_TEST_TARBALL === '1';
const built = existsSync(join(root, 'dist', 'cli', 'bin.js'));

/** An npm failure that says npm could not reach its cache or the registry (offline machine). */
const unreachable = /ENOTCACHED|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network|proxy/i;

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

const skipReason = !enabled
  ? 'set PACKSMITH_TEST_TARBALL=1 (.ci/run does): it installs the packed tarball, minutes of work'
  : !built
    ? 'dist/ is not built (npm run build)'
    : undefined;

describe.skipIf(skipReason !== undefined && !(process.env.CI && enabled))(
  `the workflow init writes, run from the packed tarball${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    const work = mkdtempSync(join(tmpdir(), 'ps-tarball-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('installs, inits, and runs every run: step; validate writes SARIF that the schema accepts', (ctx) => {
      const cfnLint = tool('cfn-lint');
      if (!cfnLint.available) return ctx.skip(cfnLint.reason);
      const started = Date.now();
      const timings: string[] = [];
      const lap = (what: string, since: number) =>
        timings.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);

      // npm pack over the dist/ that was built (prepare already ran; not again).
      let t = Date.now();
      const packDir = join(work, 'pack');
      mkdirSync(packDir);
      execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const tarball = join(
        packDir,
        readdirSync(packDir).find((f) => f.endsWith('.tgz'))!,
      );
      lap('pack', t);

      // Installed into an empty prefix, from npm's cache (warm after npm ci) where it can.
      t = Date.now();
      const prefix = join(work, 'prefix');
      const npmEnv = {
        ...process.env,
        npm_config_prefix: prefix,
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      };
      const install = spawnSync('npm', ['install', '--global', tarball], {
        cwd: work,
        env: npmEnv,
        encoding: 'utf8',
        timeout: 600_000,
      });
      if (install.status !== 0) {
        const output = `${install.stdout}\n${install.stderr}`;
        if (unreachable.test(output) && !process.env.CI) {
          return ctx.skip(
            `npm could not reach its cache or the registry: ${output.trim().split('\n').at(-1)}`,
          );
        }
        throw new Error(`npm install of the tarball failed:\n${output}`);
      }
      lap('install', t);
      const bin = join(prefix, 'bin');
      const path = `${bin}:${process.env.PATH ?? ''}`;

      // packsmith init in an empty folder, with the install source set to the tarball.
      const repo = join(work, 'repo');
      mkdirSync(repo);
      const init = spawnSync(join(bin, 'packsmith'), ['init', '--package', tarball], {
        cwd: repo,
        env: { ...process.env, PATH: path, NO_COLOR: '1' },
        encoding: 'utf8',
      });
      expect(init.status, init.stderr).toBe(0);
      const workflow = parse(readFileSync(join(repo, '.github/workflows/packsmith.yml'), 'utf8')) as {
        env: Record<string, string>;
        jobs: Record<string, { steps: Step[] }>;
      };
      expect(workflow.env.PACKSMITH_PACKAGE).toBe(tarball);

      // The job's run: steps, in order, as the runner runs them (uses: steps are GitHub's own).
      t = Date.now();
      const summary = join(work, 'step-summary.md');
      writeFileSync(summary, '');
      const ran: string[] = [];
      for (const [, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps) {
          if (step.run === undefined) continue;
          const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
            cwd: repo,
            env: {
              ...npmEnv,
              ...workflow.env,
              ...step.env,
              PATH: path,
              GITHUB_WORKSPACE: repo,
              GITHUB_STEP_SUMMARY: summary,
            },
            encoding: 'utf8',
            timeout: 600_000,
          });
          expect(result.status, `step "${step.name ?? step.run}":\n${result.stdout}\n${result.stderr}`).toBe(
            0,
          );
          ran.push(step.name ?? step.run);
        }
      }
      lap('workflow steps', t);
      const validateStep = Object.values(workflow.jobs)
        .flatMap((job) => job.steps)
        .find((step) => step.name === 'Validate the packs');
      expect(validateStep?.run).toContain('--cfn-lint require');
      expect(ran).toEqual(
        expect.arrayContaining([
          'Install packsmith',
          'Install cfn-lint',
          'Validate the packs',
          'Build the templates',
        ]),
      );

      // Validate ran with cfn-lint (required: it fails without it) and wrote valid SARIF; the summary
      // and the templates are there.
      const sarif = JSON.parse(readFileSync(join(repo, 'packsmith.sarif'), 'utf8')) as {
        runs: Array<{ tool: { driver: { name: string } } }>;
      };
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      const validateSarif = ajv.compile(JSON.parse(readFileSync(sarifSchemaPath, 'utf8')) as object);
      expect(validateSarif(sarif), JSON.stringify(validateSarif.errors, null, 2)).toBe(true);
      expect(readFileSync(summary, 'utf8')).toContain('## packsmith validate');
      expect(readFileSync(summary, 'utf8')).not.toContain('cfn-lint did not run');
      expect(existsSync(join(repo, 'build', 'baseline.yaml'))).toBe(true);

      lap('total', started);
      console.info(`[tarball workflow] ${timings.join(', ')}`);
    }, 900_000);
  },
);
