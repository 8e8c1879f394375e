/** A local emulator of the AWS Config organization conformance pack API (see README.md). */
export { requestRegion, startConfigEmulator } from './server.js';
export type { ConfigEmulator, ConfigEmulatorOptions, FaultControl } from './server.js';
export { noRecorderFailure, unavailableRuleFailure } from './engine.js';
export type {
  AccountSource,
  OrganizationAccount,
  RecorderSource,
  RuleAvailabilitySource,
  TemplateReader,
} from './engine.js';
export type { AccountFailure, EmulatorStats, FaultConfig, FaultState, OperationCounts } from './faults.js';
export { EmulatorError } from './errors.js';
export type { ComplianceOverride } from './aggregate.js';
export type { DeployedPack } from './engine.js';
