/**
 * The organization fixture for rollout tests: moved to src/sandbox/organization.ts (the
 * `npm run sandbox` builds its organization with it); re-exported here for the tests.
 */
export {
  createOrganization,
  DELIVERY_CHANNEL_NAME,
  MANAGEMENT_ACCOUNT_NAME,
  mapLimit,
  PAGE_SIZE,
  RECORDER_NAME,
} from '../../src/sandbox/organization.js';
export type {
  CreateOrganizationOptions,
  OrgAccount,
  OrgTree,
  OrgUnit,
} from '../../src/sandbox/organization.js';
