/**
 * What a rollout use case depends on, given explicitly, and what it tells as it goes. The shell
 * supplies real AWS clients, a readline confirmation, process signals as an AbortSignal and a
 * progress printer; a test supplies its own.
 */
import type { Aws, AwsSettings } from '../aws/clients.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { RegionEvent } from '../rollout/apply.js';
import type { PreflightFinding } from '../rollout/preflight.js';
import type { WaveEvent } from '../rollout/rollout.js';
import type { StackSetEvent } from '../rollout/stackset.js';
import type { StatusStore } from '../state/store.js';
import type { PlanDocument } from './documents.js';

export type AppEvent =
  /** Warnings of the files (errors refuse instead, with `AppError`). */
  | { kind: 'diagnostics'; diagnostics: Diagnostic[] }
  | { kind: 'preflight'; findings: PreflightFinding[] }
  /** Planning: `done` of `total` pack × Region observations read (what AWS and the records hold). */
  | { kind: 'planning'; done: number; total: number }
  /** The plan about to be applied (before the confirmation). */
  | { kind: 'plan'; plan: PlanDocument }
  /** A pack changed in AWS while the deploy waited for its lock: planned again. */
  | {
      kind: 'replanned';
      pack: string;
      moved: string[];
      regions: Array<{ region: string; action: string; reasons: string[] }>;
    }
  /** The status store was opened for the run (its path as messages show it). */
  | { kind: 'store-opened'; statePath: string }
  | { kind: 'lock-taken-over'; operation: string; pid: number | undefined; interrupted: number }
  | { kind: 'lock-lost'; message: string }
  | { kind: 'lock-not-released'; reason: string }
  | { kind: 'rollout'; pack: string; event: RegionEvent | WaveEvent }
  /** `engine: stackset`: the stack set plans about to be applied (before the confirmation), one line each. */
  | { kind: 'stack-set-plan'; lines: string[] }
  /** `engine: stackset`: an operation issued, followed, skipped. */
  | { kind: 'stack-set'; pack: string; event: StackSetEvent };

/** Who takes a lock, as shown to whoever finds it held: no secrets, just user, host and process. */
export interface LockHolder {
  user: string;
  host: string;
  pid: number;
}

/** The AWS settings a rollout's configuration decides (the shell adds profile and endpoint). */
export type RolloutAwsSettings = Pick<AwsSettings, 'defaultRegion' | 'assumeRole'>;

export interface RolloutDeps {
  /** Creates the AWS clients for the configuration; they are destroyed when the use case ends. */
  connect(settings: RolloutAwsSettings): Aws;
  /** Cancellation (a signal): no put is made after it, tracking stops after the current poll. */
  signal?: AbortSignal;
  /** Asks before any change; false changes nothing. */
  confirm(question: string): Promise<boolean>;
  onEvent?(event: AppEvent): void;
  /** Opens the status store (default: the SQLite store at the path). */
  openStore?(path: string): StatusStore;
  /** The clock (default: the system clock). */
  now?(): Date;
  lockHolder: LockHolder;
  /** Whether a process of this host runs (a lock of a dead one is taken over). */
  isProcessAlive(pid: number): boolean;
}
