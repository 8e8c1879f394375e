import type { Command } from 'commander';
import { registerBuild } from './build.js';
import { registerCatalog } from './catalog.js';
import { registerInit } from './init.js';
import { registerAdd } from './add.js';
import { registerValidate } from './validate.js';
import { registerImport } from './import.js';
import { registerPreflight } from './preflight.js';
import { registerPlan } from './plan.js';
import { registerDeploy } from './deploy.js';
import { registerBootstrap } from './bootstrap.js';
import { registerDestroy } from './destroy.js';
import { registerAdopt } from './adopt.js';
import { registerStatus } from './status.js';
import { registerHistory } from './history.js';
import { registerUnlock } from './unlock.js';
import { registerIamPolicy } from './iam-policy.js';
import { registerTest } from './test.js';

/**
 * Every command, in the order `packsmith --help` lists them. One command per file: the file
 * declares the command and its options and loads its implementation (src/cli/run/) only when run.
 */
export const commands: ReadonlyArray<(program: Command) => void> = [
  registerBuild,
  registerValidate,
  registerTest,
  registerCatalog,
  registerInit,
  registerAdd,
  registerImport,
  registerPreflight,
  registerPlan,
  registerBootstrap,
  registerDeploy,
  registerAdopt,
  registerStatus,
  registerHistory,
  registerDestroy,
  registerUnlock,
  registerIamPolicy,
];
