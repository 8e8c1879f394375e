/**
 * The AWS edge: SDK clients for the rollout commands, built one way.
 *
 * - Credentials: the SDK's standard chain (environment, shared config and credentials files, SSO,
 *   process, container and instance roles); `profile` selects a named profile like `--profile`.
 *   With `assumeRole`, every client uses temporary credentials of that role, refreshed before
 *   they expire.
 * - Endpoints: the SDK honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` itself;
 *   `endpointUrl` (`--endpoint-url`) overrides every service. S3 then uses path-style addressing,
 *   which local endpoints need.
 * - Retries: the mode and attempts the AWS CLI would use (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, the
 *   profile's `max_attempts` / `retry_mode`), else `standard` mode with 5 attempts
 *   (`retry-settings.ts`); packsmith's own bounded retries for the errors the SDK does not retry
 *   live in `retry.ts`.
 * - Timeouts: every request has a connection and a request timeout, and a call whose attempts
 *   time out is retried fewer times (`awsRequestTimeouts`), so every call ends in bounded time. A
 *   call that gets no answer fails with `AwsNoAnswerError`, naming the service and the endpoint.
 * - Every call is reported to the `onAwsCall` listeners (service, operation, IAM action, Region,
 *   duration, error name): `--debug` prints them and the IAM policy test collects them. Nothing
 *   about the request's input, the credentials or the response goes there.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { RetryStrategyV2 } from '@smithy/types';
import { awsRequestTimeouts } from '../facts/limits.js';
import { arnPrefix, partitionOf } from '../facts/partitions.js';
import { iamActionOf, serviceOf } from './iam-actions.js';
import { configuredRetryStrategy, maxAttemptsProvider, retryModeProvider } from './retry-settings.js';
import { proxyAgents, proxyFor, type ProxySettings } from './proxy.js';
import { boundTimeouts, endpointOf, noAnswerError } from './timeouts.js';

export { AwsNoAnswerError } from './timeouts.js';

export interface AwsCall {
  service: string;
  operation: string;
  iamAction: string;
  region: string;
  durationMs: number;
  /** The error's name (e.g. `ThrottlingException`) when the call failed after the SDK's retries. */
  error?: string;
  /** `account-check` for calls made with the account check role in a target account. */
  identity: 'deployer' | 'account-check';
}

type CallListener = (call: AwsCall) => void;
const listeners = new Set<CallListener>();

/** Subscribes to every AWS call made through clients of this module; returns the unsubscribe. */
export function onAwsCall(listener: CallListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
type CredentialProvider = () => Promise<TemporaryCredentials>;

export interface AwsSettings {
  /** Named profile of the shared config files (`--profile`); default: AWS_PROFILE or `default`. */
  profile?: string;
  /** One endpoint for every service (`--endpoint-url`). */
  endpointUrl?: string;
  /** Region used for global services and when a command names none. */
  defaultRegion: string;
  /** SDK attempts per call; default: AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 5. */
  maxAttempts?: number;
  /** Replaces the SDK's retry strategy (tests use a zero-delay one); timeouts still bound it. */
  retryStrategy?: RetryStrategyV2;
  /** Role ARN whose temporary credentials every client uses. */
  assumeRole?: { roleArn: string; sessionName?: string };
  /** Explicit credentials (tests and assumed roles); default: the SDK's chain. */
  credentials?: CredentialProvider;
  /** Whose calls these clients make, as reported to `onAwsCall`; default `deployer`. */
  identity?: AwsCall['identity'];
  /** Request timeouts; default `awsRequestTimeouts` (tests shorten them). */
  timeouts?: RequestTimeouts;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as the shell read them (`proxySettingsFrom`). */
  proxy?: ProxySettings;
}

export interface RequestTimeouts {
  connectionMs: number;
  requestMs: number;
  attemptsOnTimeout: number;
}

/** Clients per service and Region, created on first use and shared. */
export interface Aws {
  readonly settings: AwsSettings;
  config(region: string): ConfigServiceClient;
  /** CloudFormation (StackSets, the stack set engine), in the stack set's Region. */
  cloudformation(region: string): CloudFormationClient;
  organizations(): OrganizationsClient;
  sts(region?: string): STSClient;
  s3(region: string): S3Client;
  /** The caller's account id and ARN (GetCallerIdentity, asked once). */
  callerIdentity(): Promise<{ account: string; arn: string }>;
  /** Clients acting as `roleName` in `accountId` (AssumeRole from these credentials). */
  inAccount(accountId: string, roleName: string): Aws;
  destroy(): void;
}

/** Temporary credentials are renewed this long before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;

export function createAws(settings: AwsSettings): Aws {
  const clients = new Map<string, { destroy(): void }>();
  const children: Aws[] = [];
  /** One child per account and role: its assumed credentials are shared by every Region. */
  const accounts = new Map<string, Aws>();
  let identity: Promise<{ account: string; arn: string }> | undefined;
  let credentials = settings.credentials;
  const timeouts = settings.timeouts ?? awsRequestTimeouts;
  /** One pair of agents for every client: the proxy tunnels, when a proxy is set. */
  const agents = settings.proxy ? proxyAgents(settings.proxy, timeouts.connectionMs) : {};
  const attempts = maxAttemptsProvider(settings.maxAttempts, settings.profile);
  const mode = retryModeProvider(settings.profile);
  /** A strategy per client (the adaptive mode's rate limiter is per client in the SDK too). */
  const retryStrategy = () => configuredRetryStrategy(mode, attempts);

  const base = (region: string, source = false) => {
    // The client that assumes `assumeRole` signs with the credentials the role is assumed from:
    // with the assumed-role provider it would wait for its own AssumeRole forever.
    const signing = source ? settings.credentials : credentials;
    return {
      region,
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
      retryStrategy: boundTimeouts(settings.retryStrategy ?? retryStrategy(), timeouts.attemptsOnTimeout),
      requestHandler: {
        connectionTimeout: timeouts.connectionMs,
        requestTimeout: timeouts.requestMs,
        throwOnRequestTimeout: true,
        ...agents,
      },
      ...(signing ? { credentials: signing } : {}),
    };
  };

  const cached = <C extends { destroy(): void; middlewareStack: ObservedStack }>(
    key: string,
    region: string,
    make: () => C,
  ): C => {
    let client = clients.get(key) as C | undefined;
    if (!client) {
      client = observe(make(), region, settings.identity ?? 'deployer', timeouts, settings.proxy);
      clients.set(key, client);
    }
    return client;
  };

  if (settings.assumeRole) {
    const { roleArn, sessionName } = settings.assumeRole;
    const sourceSts = () =>
      cached('sts-source', settings.defaultRegion, () => new STSClient(base(settings.defaultRegion, true)));
    const source = { sts: sourceSts };
    credentials = assumedRoleProvider(roleArn, sessionName ?? sessionNameFor(), () => source.sts());
  }

  /** Organizations is global: one endpoint per partition, that of the default Region's. */
  const organizationsRegion = partitionOf(settings.defaultRegion).organizationsRegion;
  const aws: Aws = {
    settings,
    config: (region) => cached(`config/${region}`, region, () => new ConfigServiceClient(base(region))),
    cloudformation: (region) =>
      cached(`cloudformation/${region}`, region, () => new CloudFormationClient(base(region))),
    organizations: () =>
      cached('organizations', organizationsRegion, () => new OrganizationsClient(base(organizationsRegion))),
    sts: (region = settings.defaultRegion) =>
      cached(`sts/${region}`, region, () => new STSClient(base(region))),
    s3: (region) =>
      cached(
        `s3/${region}`,
        region,
        () =>
          new S3Client({
            ...base(region),
            forcePathStyle: Boolean(
              settings.endpointUrl ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
            ),
          }),
      ),
    callerIdentity() {
      identity ??= aws
        .sts()
        .send(new GetCallerIdentityCommand({}))
        .then((r) => {
          if (!r.Account || !r.Arn) throw new Error('GetCallerIdentity returned no account');
          return { account: r.Account, arn: r.Arn };
        });
      return identity;
    },
    inAccount(accountId, roleName) {
      const key = `${accountId}/${roleName}`;
      const existing = accounts.get(key);
      if (existing) return existing;
      const child = createAws({
        ...settings,
        assumeRole: undefined,
        identity: 'account-check',
        credentials: assumedRoleProvider(
          `${arnPrefix(settings.defaultRegion)}iam::${accountId}:role/${roleName}`,
          sessionNameFor(),
          () => aws.sts(),
        ),
      });
      children.push(child);
      accounts.set(key, child);
      return child;
    },
    destroy() {
      for (const c of clients.values()) c.destroy();
      clients.clear();
      for (const c of children.splice(0)) c.destroy();
      accounts.clear();
      agents.httpAgent?.destroy();
      agents.httpsAgent?.destroy();
    },
  };
  return aws;
}

/** A session name that says who is calling, visible in CloudTrail; never a secret. */
function sessionNameFor(): string {
  return `packsmith-${process.pid}`.slice(0, 64);
}

function assumedRoleProvider(roleArn: string, sessionName: string, sts: () => STSClient): CredentialProvider {
  let current: TemporaryCredentials | undefined;
  let pending: Promise<TemporaryCredentials> | undefined;
  return async () => {
    if (current?.expiration && current.expiration.getTime() - Date.now() > REFRESH_BEFORE_MS) return current;
    pending ??= sts()
      .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }))
      .then((r) => {
        const c = r.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          throw new Error(`AssumeRole ${roleArn} returned no credentials`);
        current = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
        return current;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

interface ObservedContext {
  clientName?: string;
  commandName?: string;
  /** Set by the SDK's endpoint resolution, before the request is sent. */
  endpointV2?: { url?: URL };
}

interface ObservedStack {
  add(middleware: unknown, options: { step: 'initialize'; name: string; override?: boolean }): void;
}

/** Adds the call observer to a client's middleware stack. */
function observe<C extends { middlewareStack: ObservedStack }>(
  client: C,
  region: string,
  identity: AwsCall['identity'],
  timeouts: RequestTimeouts,
  proxy: ProxySettings | undefined,
): C {
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: ObservedContext) => async (args: unknown) => {
      const started = performance.now();
      const clientName = context.clientName ?? 'UnknownClient';
      const commandName = context.commandName ?? 'UnknownCommand';
      const report = (error?: string) => {
        if (listeners.size === 0) return;
        const call: AwsCall = {
          service: serviceOf(clientName),
          operation: commandName.replace(/Command$/, ''),
          iamAction: iamActionOf(clientName, commandName),
          region,
          durationMs: Math.round(performance.now() - started),
          ...(error ? { error } : {}),
          identity,
        };
        for (const l of listeners) l(call);
      };
      try {
        const result = await next(args);
        report();
        return result;
      } catch (error) {
        report(error instanceof Error ? error.name : 'Error');
        const via = proxyFor(proxy, context.endpointV2?.url);
        throw noAnswerError(error, serviceOf(clientName), endpointOf(context), timeouts, via) ?? error;
      }
    };
  client.middlewareStack.add(middleware, {
    step: 'initialize',
    name: 'packsmithCallObserver',
    override: true,
  });
  return client;
}
