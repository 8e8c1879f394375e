/** A local emulator of CloudFormation StackSets (service-managed), see README.md. */
export { startStackSetEmulator } from './server.js';
export type { StackSetEmulator, StackSetEmulatorOptions, StackSetEmulatorStats } from './server.js';
export type {
  AccountFailure,
  DeployedStack,
  FaultConfig,
  FaultState,
  OperationAction,
  OrganizationSource,
  RecorderSource,
  TemplateUrlReader,
  TrustedAccessSource,
} from './engine.js';
export { STACKSETS_SERVICE_PRINCIPAL } from './engine.js';
export type { OrganizationSnapshot, OrgAccount, OrgUnit } from './targets.js';
export type { DeployedResources } from './template.js';
export { parseTemplateUrl } from './s3-url.js';
