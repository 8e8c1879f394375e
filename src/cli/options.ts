/**
 * The options of each command as commander hands them over: declared by src/cli/commands/, read by
 * src/cli/run/. Both import them from here, so neither imports the other's types.
 */

/** Options every rollout command takes. */
export interface RolloutCommandOptions {
  root: string;
  config?: string;
  profile?: string;
  endpointUrl?: string;
  region?: string[];
  state?: string;
  debug?: boolean;
}

export interface TrackingCommandOptions {
  timeout: string;
  pollInterval: string;
  quiet?: boolean;
  yes?: boolean;
  format: 'text' | 'json';
}

export interface DeployCommandOptions extends RolloutCommandOptions, TrackingCommandOptions {
  plan?: string;
  lockWait: string;
  regionConcurrency?: string;
  resume?: boolean;
  rollback?: boolean;
}

export interface BootstrapCommandOptions extends RolloutCommandOptions, TrackingCommandOptions {
  dryRun?: boolean;
  lockWait: string;
  resume?: boolean;
}

export interface DestroyCommandOptions extends RolloutCommandOptions, TrackingCommandOptions {
  lockWait: string;
}

export interface AdoptCommandOptions extends RolloutCommandOptions {
  force?: boolean;
  format: 'text' | 'json';
}

export interface PlanCommandOptions extends RolloutCommandOptions {
  out?: string;
  quiet?: boolean;
  format: 'text' | 'json' | 'markdown';
}

export interface PreflightCommandOptions extends RolloutCommandOptions {
  checkRecorders?: boolean;
  roleName?: string;
  concurrency: string;
  format: 'text' | 'json';
}

export interface HistoryCommandOptions extends RolloutCommandOptions {
  limit: string;
  format: 'table' | 'json';
}

export interface StatusCommandOptions extends RolloutCommandOptions {
  account?: string[];
  ou?: string[];
  failed?: boolean;
  all?: boolean;
  format: 'table' | 'json' | 'html' | 'csv';
  output?: string;
  compliance?: boolean;
}

export interface UnlockCommandOptions extends RolloutCommandOptions {
  yes?: boolean;
}

export interface ValidateCommandOptions {
  format: 'text' | 'json' | 'sarif' | 'junit' | 'github' | 'markdown';
  strict?: boolean;
  inline?: boolean;
  cfnLint: 'auto' | 'require' | 'off';
  cfnGuard: 'auto' | 'require' | 'off';
  cache: boolean;
  config?: string;
  output?: string;
  /** Also append the Markdown summary to this file (GitHub's $GITHUB_STEP_SUMMARY). */
  summary?: string;
  sarifRoot?: string;
  quiet?: boolean;
  /** Regions the packs are meant for (PS230). */
  region?: string[];
}

export interface TestCommandOptions {
  root: string;
  format: 'text' | 'json' | 'junit';
}

export interface IamPolicyCommandOptions {
  root: string;
  config?: string;
  role: 'deployer' | 'account-check';
}
