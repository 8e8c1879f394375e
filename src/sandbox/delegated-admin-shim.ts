/**
 * Delegated administrators for the service principals moto 5.2 does not know, in front of moto's
 * Organizations. moto's RegisterDelegatedAdministrator and ListDelegatedAdministrators accept six
 * principals only (config-multiaccountsetup, guardduty, access-analyzer, macie, servicecatalog,
 * ssm); for CloudFormation StackSets (member.org.stacksets.cloudformation.amazonaws.com) both
 * answer InvalidInputException "You specified an unrecognized service principal". This loopback
 * HTTP front keeps the delegated administrators of those principals itself and forwards every
 * other request to moto unchanged (method, path, headers, body; status, headers, body back).
 *
 * What it does (the same contract as AWS Organizations where documented):
 * - RegisterDelegatedAdministrator (awsJson1_1, X-Amz-Target AWSOrganizationsV20161128.*) for an
 *   emulated principal: only the management account may call it (others: AccessDeniedException);
 *   the management account cannot be registered (ConstraintViolationException); an account
 *   already registered for the principal is AccountAlreadyRegisteredException.
 * - DeregisterDelegatedAdministrator: AccountNotRegisteredException when it is not registered.
 * - ListDelegatedAdministrators with an emulated ServicePrincipal: the registered accounts, one page
 *   (no NextToken); without ServicePrincipal: moto's answer with the emulated ones merged in.
 * EMULATED (not AWS's documented behaviour, marked here): an account id is not checked against
 * the organization, the answer items carry only Id, Status ACTIVE and DelegationEnabledDate, and
 * a delegated administrator may list them like the management account (AWS lets a delegated
 * administrator call ListDelegatedAdministrators; what it then sees is not documented).
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from './http.js';
import { ACCOUNT_HEADER, MOTO_DEFAULT_ACCOUNT_ID } from './moto.js';
import { STACKSETS_SERVICE_PRINCIPAL } from './stackset-emulator/index.js';

/** The principals moto 5.2 does not accept for delegated administrators, emulated here. */
export const emulatedDelegationPrincipals: readonly string[] = [STACKSETS_SERVICE_PRINCIPAL];

export interface DelegatedAdminShimOptions {
  /** moto's endpoint (or a proxy's), e.g. http://127.0.0.1:PORT. */
  target: string;
  /** Default moto's default account. */
  managementAccountId?: string;
}

export interface DelegatedAdminShim {
  /** http://127.0.0.1:PORT: give it to the Organizations clients as endpoint. */
  readonly endpoint: string;
  /** The emulated registrations, principal → account ids (sorted). */
  registered(): Record<string, string[]>;
  /** Forgets every emulated registration (beside a moto reset). */
  reset(): void;
  close(): Promise<void>;
}

const targetPrefix = 'AWSOrganizationsV20161128.';

interface Reply {
  status: number;
  body: unknown;
}

const error = (status: number, type: string, message: string): Reply => ({
  status,
  body: { __type: type, Message: message, message },
});

function readRaw(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startDelegatedAdminShim(
  options: DelegatedAdminShimOptions,
): Promise<DelegatedAdminShim> {
  const management = options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID;
  const upstream = new URL(options.target);
  /** principal → account → enabled date (epoch seconds). */
  let admins = new Map<string, Map<string, number>>();

  const forward = (
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = http.request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const item = (id: string, enabled: number) => ({
    Id: id,
    Status: 'ACTIVE',
    DelegationEnabledDate: enabled,
  });

  /** The emulated answer, or undefined to forward the request to moto. */
  const emulate = (operation: string, input: Record<string, unknown>, caller: string): Reply | undefined => {
    const principal = typeof input.ServicePrincipal === 'string' ? input.ServicePrincipal : undefined;
    if (principal === undefined || !emulatedDelegationPrincipals.includes(principal)) return undefined;
    const accountId = typeof input.AccountId === 'string' ? input.AccountId : '';
    const registered = admins.get(principal) ?? new Map<string, number>();
    switch (operation) {
      case 'RegisterDelegatedAdministrator':
        if (caller !== management)
          return error(400, 'AccessDeniedException', "You don't have permissions to access this resource.");
        if (accountId === management)
          return error(
            400,
            'ConstraintViolationException',
            'You cannot register master account/yourself as delegated administrator for your organization.',
          );
        if (registered.has(accountId))
          return error(
            400,
            'AccountAlreadyRegisteredException',
            'The provided account is already a delegated administrator for your organization.',
          );
        registered.set(accountId, Math.floor(Date.now() / 1000));
        admins.set(principal, registered);
        return { status: 200, body: {} };
      case 'DeregisterDelegatedAdministrator':
        if (caller !== management)
          return error(400, 'AccessDeniedException', "You don't have permissions to access this resource.");
        if (!registered.delete(accountId))
          return error(
            400,
            'AccountNotRegisteredException',
            'The provided account is not a registered delegated administrator for your organization.',
          );
        return { status: 200, body: {} };
      case 'ListDelegatedAdministrators':
        return {
          status: 200,
          body: {
            DelegatedAdministrators: [...registered.entries()]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([id, enabled]) => item(id, enabled)),
          },
        };
      default:
        return undefined;
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const body = await readRaw(req);
    const target = req.headers['x-amz-target'];
    const operation =
      typeof target === 'string' && target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
    const callerHeader = req.headers[ACCOUNT_HEADER];
    const caller = typeof callerHeader === 'string' ? callerHeader : MOTO_DEFAULT_ACCOUNT_ID;
    let input: Record<string, unknown> = {};
    if (operation) {
      try {
        input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        input = {};
      }
    }
    const reply = operation ? emulate(operation, input, caller) : undefined;
    if (reply) {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const up = await forward(req, body);
    let out = up.body;
    if (
      operation === 'ListDelegatedAdministrators' &&
      input.ServicePrincipal === undefined &&
      up.status === 200
    ) {
      // Every principal: moto's registrations and the emulated ones, one entry per account.
      const parsed = JSON.parse(up.body.toString('utf8') || '{}') as {
        DelegatedAdministrators?: Array<{ Id?: string }>;
      };
      const list = parsed.DelegatedAdministrators ?? [];
      for (const registered of admins.values()) {
        for (const [id, enabled] of registered) {
          if (!list.some((a) => a.Id === id)) list.push(item(id, enabled));
        }
      }
      out = Buffer.from(JSON.stringify({ ...parsed, DelegatedAdministrators: list }));
    }
    const headers = { ...up.headers, 'content-length': String(out.length) };
    delete headers['transfer-encoding'];
    res.writeHead(up.status, headers);
    res.end(out);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return res.destroy();
      const text = JSON.stringify({ __type: 'InternalFailure', message: (e as Error)?.message ?? String(e) });
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(text);
    });
  });
  const port = await listenOnLoopback(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    registered: () => Object.fromEntries([...admins.entries()].map(([p, m]) => [p, [...m.keys()].sort()])),
    reset: () => {
      admins = new Map();
    },
    close: () => closeServer(server),
  };
}
