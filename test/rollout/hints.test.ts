import { describe, expect, it } from 'vitest';
import { hintFor, notReportedHint } from '../../src/rollout/hints.js';

describe('hintFor', () => {
  it.each([
    ['NoAvailableConfigurationRecorderException', undefined, /preflight --check-recorders/],
    ['noavailableconfigurationrecorderexception', undefined, /configuration recorder/],
    [
      undefined,
      'You must create a configuration recorder before you can create or update a Config rule.',
      /recorder/,
    ],
    ['InsufficientPermissionsException', undefined, /AWSServiceRoleForConfigConforms/],
    ['AccessDeniedException', undefined, /aws:PrincipalOrgID/],
    ['AccessDenied', undefined, /config-conforms\.amazonaws\.com/],
    ['MaxNumberOfConfigRulesExceededException', undefined, /1,000/],
    ['NoAvailableDeliveryChannelException', undefined, /delivery channel/],
    ['OrganizationAccessDeniedException', undefined, /delegated administrator/],
    ['ResourceInUseException', undefined, /still running/],
    ['InvalidParameterValueException', undefined, /packsmith validate/],
    ['ValidationException', undefined, /packsmith validate/],
    [undefined, 'Required parameter maxAccessKeyAge is missing', /packsmith validate/],
    ['Timeout', undefined, /did not report this account since the put/],
  ])('%s / %s', (code, message, expected) => {
    expect(hintFor(code, message)).toMatch(expected);
  });

  it('gives the organization hint, not the generic access-denied one, for OrganizationAccessDenied', () => {
    expect(hintFor('OrganizationAccessDeniedException')).not.toBe(hintFor('AccessDeniedException'));
  });

  it('tells a refused template apart from a refused rule parameter', () => {
    const template = hintFor('OrganizationConformancePackTemplateValidationException', 'Invalid template');
    const parameter = hintFor('InvalidParameterValueException', 'required parameter missing');
    expect(template).toMatch(/template itself/);
    expect(parameter).toMatch(/rule was rejected/);
    expect(hintFor(undefined, 'Invalid conformance pack template provided.')).toBe(template);
  });

  it('falls back to the message when the code is unknown', () => {
    expect(hintFor('SomethingNew', 'User is not authorized to perform s3:PutObject')).toBe(
      hintFor('AccessDeniedException'),
    );
  });

  it('returns undefined for unknown errors and for nothing', () => {
    expect(hintFor('SomethingNew', 'nobody knows')).toBeUndefined();
    expect(hintFor()).toBeUndefined();
    expect(hintFor('  ', '')).toBeUndefined();
  });

  it('the not-reported hint is the timeout hint', () => {
    expect(hintFor('NotReported')).toBe(notReportedHint);
  });
});
