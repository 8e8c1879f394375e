/**
 * The awsQuery wire format CloudFormation speaks, both ways, as pure functions:
 * - requests are `application/x-www-form-urlencoded` POSTs: `Action=CreateStackSet&Version=2010-05-15&...`,
 *   structures flattened with dots, lists as `Name.member.N` (1-based);
 * - answers are XML in the CloudFormation namespace: `<ActionResponse><ActionResult>...` with lists as
 *   `<member>` elements, and errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error>`.
 * The SDK (`@aws-sdk/client-cloudformation`, AwsQueryProtocol) maps the error `Code` to its exception
 * class (`OperationInProgressException`, `StackSetNotFoundException`, ...).
 */

export const CLOUDFORMATION_XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
export const CLOUDFORMATION_VERSION = '2010-05-15';

export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };
export type QueryParams = { [key: string]: QueryValue };

/**
 * Nests flattened form fields: `A.B=1` → `{A: {B: '1'}}`, `A.member.2=x&A.member.1=y` → `{A: ['y', 'x']}`.
 * An empty list is sent as `A=` (the SDK writes `A` with an empty value): it becomes `[]`... or ''
 * where the field is a scalar; callers read it through the helpers below.
 */
export function parseQuery(body: string): QueryParams {
  const root: QueryParams = {};
  const form = new URLSearchParams(body);
  type Node = { [key: string]: unknown };
  for (const [key, value] of form) {
    const parts = key.split('.');
    let node: Node = root as Node;
    for (let i = 0; i < parts.length; i += 1) {
      const part = parts[i] as string;
      const last = i === parts.length - 1;
      if (last) {
        node[part] = value;
      } else {
        const next = node[part];
        if (typeof next !== 'object' || next === null) node[part] = {};
        node = node[part] as Node;
      }
    }
  }
  return toLists(root) as QueryParams;
}

/** `{member: {'1': a, '2': b}}` → `[a, b]` (ordered by index), recursively. */
function toLists(value: unknown): QueryValue {
  if (typeof value !== 'object' || value === null) return value as string;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'member') {
    const members = record.member;
    if (typeof members !== 'object' || members === null) return [];
    return Object.entries(members as Record<string, unknown>)
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => toLists(v));
  }
  const out: Record<string, QueryValue> = {};
  for (const key of keys) out[key] = toLists(record[key]);
  return out;
}

const escapeMap: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => escapeMap[c] ?? c);

/** A JS value as XML content: arrays as `<member>`, Dates as ISO 8601, undefined fields left out. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    let out = '';
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      out += `<${key}>${toXml(v)}</${key}>`;
    }
    return out;
  }
  return escapeXml(String(value));
}

export function responseXml(action: string, result: Record<string, unknown>, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${CLOUDFORMATION_XMLNS}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function errorXml(
  code: string,
  message: string,
  requestId: string,
  type: 'Sender' | 'Receiver',
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${CLOUDFORMATION_XMLNS}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/**
 * An error answered in CloudFormation's awsQuery error shape with the HTTP status the API model
 * gives its code (ValidationError 400, OperationInProgressException 409, StackSetNotFoundException 404...).
 */
export class StackSetsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = code;
  }
}

const statusOf: Record<string, number> = {
  ValidationError: 400,
  InvalidOperationException: 400,
  LimitExceededException: 400,
  NameAlreadyExistsException: 409,
  OperationIdAlreadyExistsException: 409,
  OperationInProgressException: 409,
  OperationNotFoundException: 404,
  StackInstanceNotFoundException: 404,
  StackSetNotEmptyException: 409,
  StackSetNotFoundException: 404,
  StaleRequestException: 409,
};

export const stackSetsError = (code: string, message: string): StackSetsError =>
  new StackSetsError(code, message, statusOf[code] ?? 400);

export const validationError = (message: string): StackSetsError =>
  stackSetsError('ValidationError', message);

// Readers for parsed fields: every awsQuery value arrives as a string.

export function str(params: QueryParams | undefined, key: string): string | undefined {
  const v = params?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function requiredStr(params: QueryParams, key: string): string {
  const v = str(params, key);
  if (v === undefined || v === '') {
    throw validationError(
      `1 validation error detected: Value null at '${lowerFirst(key)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return v;
}

export function list(params: QueryParams | undefined, key: string): QueryValue[] {
  const v = params?.[key];
  if (Array.isArray(v)) return v;
  return [];
}

export function strList(params: QueryParams | undefined, key: string): string[] {
  return list(params, key).filter((v): v is string => typeof v === 'string');
}

export function struct(params: QueryParams | undefined, key: string): QueryParams | undefined {
  const v = params?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
}

export function bool(params: QueryParams | undefined, key: string): boolean | undefined {
  const v = str(params, key);
  return v === undefined ? undefined : v === 'true';
}

export function int(params: QueryParams | undefined, key: string): number | undefined {
  const v = str(params, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw validationError(`Value '${v}' at '${lowerFirst(key)}' is not an integer`);
  return n;
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
