/**
 * Guard that keeps AWS credentials out of the status database. Error messages, error codes and
 * parameter values are free text (AWS-supplied or user-supplied), so anything that looks like a
 * credential is replaced by a marker before it is written, and the row is flagged as redacted.
 */

/** Access key ids: long-term (AKIA), temporary (ASIA) and the other documented prefixes. */
const accessKeyId = /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g;

/**
 * A 40-character token of the secret-access-key alphabet, not part of a longer one. `=` is not in
 * that alphabet, so `secret=<key>` is caught.
 */
const fortyChars = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g;

/** How far from the word "secret" a 40-character token counts as "next to" it. */
const secretWindow = 40;

export const redactedAccessKeyId = '[REDACTED:access-key-id]';
export const redactedSecret = '[REDACTED:secret]';

export interface Redacted {
  text: string;
  redacted: boolean;
}

/**
 * Replaces access key ids and secret-looking 40-character tokens near the word "secret". `label`
 * (such as a parameter name) counts as next to every token of the text.
 */
export function redactSecrets(text: string, label = ''): Redacted {
  const labelled = /secret/i.test(label);
  let out = text.replace(accessKeyId, redactedAccessKeyId);
  out = out.replace(fortyChars, (token: string, offset: number, whole: string) => {
    const before = whole.slice(Math.max(0, offset - secretWindow), offset);
    const after = whole.slice(offset + token.length, offset + token.length + secretWindow);
    return labelled || /secret/i.test(before) || /secret/i.test(after) ? redactedSecret : token;
  });
  return { text: out, redacted: out !== text };
}

/** `redactSecrets` for optional fields: null and undefined pass through as null. */
export function redactOptional(text: string | null | undefined): { text: string | null; redacted: boolean } {
  if (text === null || text === undefined) return { text: null, redacted: false };
  return redactSecrets(text);
}
