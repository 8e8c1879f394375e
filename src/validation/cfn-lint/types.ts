import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RuleInfo } from '../report.js';

/** A template to lint: `file` is its display path (relative, `/`), `text` its content. */
export interface LintInput {
  file: string;
  /** Absolute path on disk (cfn-lint reads files; content is also the cache key). */
  path: string;
  text: string;
}

export type CfnLintMode = 'auto' | 'require' | 'off';

export interface CfnLintOptions {
  mode: CfnLintMode;
  /** Cache folder; undefined disables the cache (`--no-cache`). */
  cacheDir?: string;
  /** packsmith's version: part of the cache key. */
  packsmithVersion: string;
  /** Parallel cfn-lint processes; default: the number of CPU cores (`os.availableParallelism()`). */
  concurrency?: number;
  /** Executable name or path; default `cfn-lint`. */
  executable?: string;
  /**
   * Time one cfn-lint process (or the driver, with all its workers) may take before it is killed and
   * the run fails; default 10 minutes.
   */
  timeoutMs?: number;
  /**
   * Working directory of the cfn-lint processes; default `process.cwd()`. cfn-lint reads a project
   * `.cfnlintrc` from there (and a user one from the home folder); both are part of the cache key.
   */
  cwd?: string;
  /**
   * Called when the cfn-lint batches are planned (0 of N) and after each one (a process) ends; with
   * the driver, when the templates are handed to it (0 of N) and after each template.
   */
  onBatch?: (done: number, total: number) => void;
}

export interface CfnLintResult {
  /** cfn-lint's findings mapped to diagnostics (ids such as E3002), minus the documented suppressions. */
  diagnostics: Diagnostic[];
  /** Findings dropped because they are wrong for conformance packs, with the documented reason. */
  suppressed: Array<{ diagnostic: Diagnostic; reason: string }>;
  /** Metadata of the cfn-lint rules seen (in diagnostics or suppressed findings), sorted by id. */
  rules: RuleInfo[];
  /**
   * `version` is cfn-lint's bare version (`1.51.0`). `cached`: templates answered from the cache;
   * `linted`: templates cfn-lint read in this run; `processes`: cfn-lint processes (batches, or the
   * driver's workers) started to lint.
   */
  status:
    | { ran: true; version: string; cached: number; linted: number; processes: number }
    | { ran: false; reason: string };
  /** Problems that did not stop the run, e.g. a cache folder that cannot be written. */
  warnings?: string[];
}
