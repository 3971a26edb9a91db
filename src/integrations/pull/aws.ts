import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  type GetTrailStatusCommandOutput,
} from '@aws-sdk/client-cloudtrail';
import { EC2Client, paginateDescribeSecurityGroups, type SecurityGroup } from '@aws-sdk/client-ec2';
import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  type DescribeKeyCommandOutput,
  GetKeyRotationStatusCommand,
  type KeyListEntry,
  KMSClient,
  paginateListKeys,
} from '@aws-sdk/client-kms';
import { type DBInstance, paginateDescribeDBInstances, RDSClient } from '@aws-sdk/client-rds';
import { type Bucket, GetBucketEncryptionCommand, paginateListBuckets, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BUNDLE_VERSION } from '../aws/bundle.js';
import { NOT_FOUND } from '../aws/s3.js';
import { mapLimit, PullError } from './http.js';

/**
 * Pulls one AWS account and region through the AWS API (SDK v3, SigV4 with the given keys) and
 * returns an Attest AWS bundle (aws-bundle/v1) as JSON: what parseAws reads, the same parts that
 * src/content/samples/aws-collect.sh writes with the AWS CLI.
 *
 * The calls are read-only. The AWS managed policy SecurityAudit allows every one of them:
 *   sts:GetCallerIdentity (needs no permission), iam:GenerateCredentialReport, iam:GetCredentialReport,
 *   rds:DescribeDBInstances, s3:ListAllMyBuckets, s3:GetEncryptionConfiguration,
 *   ec2:DescribeSecurityGroups, cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus,
 *   kms:ListKeys, kms:DescribeKey, kms:GetKeyRotationStatus.
 *
 * A refused call stops the pull with a PullError naming the call and the permission: a part left
 * out, or a bucket or key missing from its part, would read as deleted. The only answers kept in
 * the bundle as {"Error": {"Code": ...}} are the ones the CLI script keeps: a bucket without
 * default encryption, a key whose rotation AWS does not report (asymmetric, HMAC, custom key
 * store), and the status of a trail another account owns (an organisation trail).
 *
 * Messages are built from the call, the error code and names AWS returned (buckets, trails):
 * never from the keys, nor from AWS's own message text, which can repeat the request.
 */

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (an assumed role, SSO). */
  sessionToken?: string;
  /** The region the regional calls (RDS, EC2, KMS, CloudTrail) run in, e.g. "eu-west-1". */
  region: string;
  /**
   * The bundle holds one region: only `[region]` (or nothing) is accepted here. Pull each further
   * region as its own connection.
   */
  regions?: string[];
}

export interface AwsPullOptions {
  /** Replaces every service's endpoint (tests, VPC endpoints, LocalStack); S3 then uses path-style URLs. */
  endpoint?: string;
  /** Accepted like the other pulls' options; requests are signed with this server's clock. */
  now?: Date;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
/** Per-bucket and per-key calls: a few at a time stays inside the services' request rates. */
const CONCURRENCY = 6;
/** How long to wait for IAM to build the credential report (it usually takes seconds). */
const REPORT_WAIT_MS = 120_000;
const SECURITY_AUDIT = 'give the role the AWS managed policy SecurityAudit';

/** Error codes that mean the keys themselves are wrong, expired or not accepted. */
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'IncompleteSignature',
  'InvalidSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'Forbidden',
  'AllAccessDisabled',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
]);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/** IAM's answers while the credential report is being built or has expired. */
const REPORT_NOT_READY = new Set([
  'CredentialReportNotReadyException',
  'ReportInProgress',
  'CredentialReportNotPresentException',
  'ReportNotPresent',
  'CredentialReportExpiredException',
  'ReportExpired',
]);
/** GetKeyRotationStatus on keys that cannot rotate automatically (asymmetric, HMAC, custom key stores). */
const NO_ROTATION = new Set(['UnsupportedOperationException', 'KMSInvalidStateException']);
const PENDING_DELETION = new Set(['PendingDeletion', 'PendingReplicaDeletion']);

interface AwsError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const errorCode = (error: unknown): string => (error as AwsError | null)?.name ?? 'Error';

/** What a failed call becomes: the call, AWS's error code and what to do, never the keys. */
function explain(error: unknown, action: string, about: string, where: string): PullError {
  const e = (error ?? {}) as AwsError;
  const status = e.$metadata?.httpStatusCode ?? null;
  const code = errorCode(error);
  const on = about ? ` on ${about}` : '';
  if (status === null && (NETWORK.has(e.code ?? '') || code === 'TimeoutError' || NETWORK.has(code))) {
    const reason = e.code ?? (code === 'TimeoutError' ? 'no answer in time' : code);
    return new PullError(
      `Could not reach AWS at ${where} for ${action} (${reason}): check this server's network access to AWS.`,
    );
  }
  if (BAD_CREDENTIALS.has(code)) {
    return new PullError(
      `AWS refused the credentials on ${action} (${code}): check the access key ID and secret access key ` +
        '(and the session token, for temporary credentials), that the key is active, and save them again.',
      status,
    );
  }
  if (EXPIRED.has(code)) {
    return new PullError(
      `AWS refused ${action} (${code}): the temporary credentials have expired; save fresh ones, or use an ` +
        "IAM user's access key for scheduled pulls.",
      status,
    );
  }
  if (code === 'RequestExpired' || code === 'RequestTimeTooSkewed') {
    return new PullError(
      `AWS refused ${action} (${code}): this server's clock is off; set it right (NTP) and try again.`,
      status,
    );
  }
  if (code === 'OptInRequired') {
    return new PullError(
      `AWS refused ${action} (OptInRequired): the region is not enabled for this account; enable it or pick another.`,
      status,
    );
  }
  if (DENIED.has(code) || status === 403) {
    const also = action.startsWith('s3:')
      ? ' A bucket policy that denies it has the same effect.'
      : action.startsWith('kms:')
        ? " The key's policy must also let the account's IAM policies grant it."
        : '';
    return new PullError(
      `AWS refused ${action}${on} (${code}): ${SECURITY_AUDIT} (it allows ${action}), or add ${action} to ` +
        `its policy.${also}`,
      status,
    );
  }
  if (THROTTLED.has(code)) {
    return new PullError(`AWS kept throttling ${action}${on} (${code}); try again later.`, status);
  }
  if (status !== null && status >= 500) {
    return new PullError(`AWS failed ${action}${on} (${code}, HTTP ${status}); try again later.`, status);
  }
  return new PullError(`AWS answered ${action}${on} with ${code}${status ? ` (HTTP ${status})` : ''}.`, status);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function checkCredentials(credentials: AwsCredentials): void {
  if (!REGION.test(credentials.region ?? '')) {
    throw new PullError(
      `"${String(credentials.region).slice(0, 40)}" is not an AWS region: give it like eu-west-1 or us-east-1.`,
    );
  }
  const others = (credentials.regions ?? []).filter((r) => r !== credentials.region);
  if (others.length > 0) {
    throw new PullError(
      `An Attest AWS bundle holds one region (${credentials.region}); ${others.slice(0, 5).join(', ')} ` +
        'must each be pulled by a connection of its own.',
    );
  }
  // The ID is not a secret, but a message has no need of it: only its shape is checked.
  if (!ACCESS_KEY_ID.test(credentials.accessKeyId?.trim() ?? '')) {
    throw new PullError('The AWS access key ID is missing or malformed: it looks like AKIA… (20 characters).');
  }
  if (!credentials.secretAccessKey?.trim()) {
    throw new PullError('The AWS secret access key is missing: save the one created with the access key.');
  }
}

export async function pullAws(credentials: AwsCredentials, options: AwsPullOptions = {}): Promise<string> {
  checkCredentials(credentials);
  const { region } = credentials;
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const where = endpoint ? new URL(endpoint).host : 'amazonaws.com';
  const config = (clientRegion: string) => ({
    region: clientRegion,
    credentials: {
      accessKeyId: credentials.accessKeyId.trim(),
      secretAccessKey: credentials.secretAccessKey.trim(),
      ...(credentials.sessionToken?.trim() ? { sessionToken: credentials.sessionToken.trim() } : {}),
    },
    maxAttempts: 4,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    ...(endpoint ? { endpoint } : {}),
  });

  const clients: { destroy(): void }[] = [];
  const track = <C extends { destroy(): void }>(client: C): C => {
    clients.push(client);
    return client;
  };
  const perRegion = <C extends { destroy(): void }>(make: (r: string) => C) => {
    const made = new Map<string, C>();
    return (r: string): C => {
      let client = made.get(r);
      if (!client) {
        client = track(make(r));
        made.set(r, client);
      }
      return client;
    };
  };
  const fail: Fail = (error, action, about = '') => explain(error, action, about, where);
  const call: Call = async (action, run, about = '') => {
    try {
      return await run();
    } catch (error) {
      throw fail(error, action, about);
    }
  };

  const sts = track(new STSClient(config(region)));
  const iam = track(new IAMClient(config(region)));
  const rds = track(new RDSClient(config(region)));
  const ec2 = track(new EC2Client(config(region)));
  const kms = track(new KMSClient(config(region)));
  const cloudtrail = perRegion((r) => new CloudTrailClient(config(r)));
  const s3 = perRegion(
    (r) => new S3Client({ ...config(r), followRegionRedirects: true, ...(endpoint ? { forcePathStyle: true } : {}) }),
  );

  try {
    const identity = await call('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
    const account = identity.Account ?? '';
    if (!/^\d{12}$/.test(account)) {
      throw new PullError('AWS answered sts:GetCallerIdentity without a 12-digit account ID.');
    }

    const credentialReport = await pullCredentialReport(iam, call, fail);

    const dbInstances: DBInstance[] = [];
    await call('rds:DescribeDBInstances', async () => {
      for await (const page of paginateDescribeDBInstances({ client: rds, pageSize: 100 }, {})) {
        dbInstances.push(...(page.DBInstances ?? []));
      }
    });

    const securityGroups: SecurityGroup[] = [];
    await call('ec2:DescribeSecurityGroups', async () => {
      for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, {})) {
        securityGroups.push(...(page.SecurityGroups ?? []));
      }
    });

    const trails = await call('cloudtrail:DescribeTrails', async () => {
      const { trailList } = await cloudtrail(region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
      return trailList ?? [];
    });
    // A trail answers for its status in its home region; another account's trail (an organisation
    // trail seen from a member account) may not answer at all: that is kept as an error, as the CLI
    // script does, and the parser says the trail's logging is unknown.
    const trailStatus: Record<string, Omit<GetTrailStatusCommandOutput, '$metadata'> | ErrorPart> = {};
    const arns = [...new Set(trails.map((t) => t.TrailARN).filter((arn): arn is string => !!arn))];
    const statuses = await mapLimit(arns, CONCURRENCY, async (arn) => {
      const home = trails.find((t) => t.TrailARN === arn)?.HomeRegion ?? region;
      const ours = arn.split(':')[4] === account;
      try {
        return await cloudtrail(home).send(new GetTrailStatusCommand({ Name: arn }));
      } catch (error) {
        if (ours) throw fail(error, 'cloudtrail:GetTrailStatus', `trail ${arn}`);
        return { Error: { Code: errorCode(error) } };
      }
    });
    arns.forEach((arn, i) => {
      trailStatus[arn] = statuses[i] as (typeof statuses)[number];
    });

    const buckets = await pullBuckets(s3, region, call, fail);
    const kmsKeys = await pullKmsKeys(kms, call, fail);

    const bundle = {
      attest: BUNDLE_VERSION,
      account,
      region,
      credentialReport,
      dbInstances: { DBInstances: dbInstances },
      buckets,
      securityGroups: { SecurityGroups: securityGroups },
      trails: { trailList: trails },
      trailStatus,
      kmsKeys,
    };
    // The SDK's outputs are the CLI's, less the response metadata; dates become ISO strings.
    return JSON.stringify(bundle, (key, value) => (key === '$metadata' ? undefined : value));
  } finally {
    for (const client of clients) client.destroy();
  }
}

type ErrorPart = { Error: { Code: string } };
/** Runs one AWS call, turning its failure into a PullError that names the call (and `about`: a bucket, a key). */
type Call = <T>(action: string, run: () => Promise<T>, about?: string) => Promise<T>;
type Fail = (error: unknown, action: string, about?: string) => PullError;

/** IAM builds the report in the background: ask until it is COMPLETE, then fetch it (its CSV in base64, as the CLI prints it). */
async function pullCredentialReport(iam: IAMClient, call: Call, fail: Fail) {
  const deadline = Date.now() + REPORT_WAIT_MS;
  let wait = 250;
  for (;;) {
    const { State } = await call('iam:GenerateCredentialReport', () =>
      iam.send(new GenerateCredentialReportCommand({})),
    );
    if (State === 'COMPLETE') {
      try {
        const report = await iam.send(new GetCredentialReportCommand({}));
        if (!report.Content) throw new PullError('AWS answered iam:GetCredentialReport without the report.');
        return {
          Content: Buffer.from(report.Content).toString('base64'),
          ReportFormat: report.ReportFormat ?? 'text/csv',
          ...(report.GeneratedTime ? { GeneratedTime: report.GeneratedTime.toISOString() } : {}),
        };
      } catch (error) {
        if (error instanceof PullError) throw error;
        if (!REPORT_NOT_READY.has(errorCode(error))) throw fail(error, 'iam:GetCredentialReport');
      }
    }
    if (Date.now() + wait > deadline) {
      throw new PullError(
        `AWS did not finish the IAM credential report within ${REPORT_WAIT_MS / 1000} s; try again in a few minutes.`,
      );
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 5000);
  }
}

/** Every bucket of the account and its default encryption, asked in the bucket's own region. */
async function pullBuckets(s3: (region: string) => S3Client, region: string, call: Call, fail: Fail) {
  const list: Bucket[] = [];
  await call('s3:ListAllMyBuckets', async () => {
    for await (const page of paginateListBuckets({ client: s3(region), pageSize: 1000 }, {})) {
      list.push(...(page.Buckets ?? []));
    }
  });
  const names = [...new Set(list.map((b) => b.Name).filter((name): name is string => !!name))];
  const outputs = await mapLimit(names, CONCURRENCY, async (name) => {
    const home = list.find((b) => b.Name === name)?.BucketRegion ?? region;
    try {
      const { ServerSideEncryptionConfiguration } = await s3(home).send(
        new GetBucketEncryptionCommand({ Bucket: name }),
      );
      return { ServerSideEncryptionConfiguration } as unknown;
    } catch (error) {
      const code = errorCode(error);
      if (code === NOT_FOUND) return { Error: { Code: NOT_FOUND } };
      // Deleted between the list and now: it is no longer one of the account's buckets.
      if (code === 'NoSuchBucket') return undefined;
      throw fail(error, 's3:GetEncryptionConfiguration', `bucket ${name}`);
    }
  });
  const buckets: Record<string, unknown> = {};
  names.forEach((name, i) => {
    if (outputs[i] !== undefined) buckets[name] = outputs[i];
  });
  return buckets;
}

/**
 * Every key of the region with describe-key, and the rotation status of those that can rotate,
 * as the CLI script keeps them: AWS managed keys too (they rotate every year), so the part is the
 * region's whole list. Keys pending deletion are described only (the parser leaves them out).
 */
async function pullKmsKeys(kms: KMSClient, call: Call, fail: Fail) {
  const keys: KeyListEntry[] = [];
  await call('kms:ListKeys', async () => {
    for await (const page of paginateListKeys({ client: kms, pageSize: 1000 }, {})) {
      keys.push(...(page.Keys ?? []));
    }
  });
  const ids = [...new Set(keys.map((k) => k.KeyId).filter((id): id is string => !!id))];
  const entries = await mapLimit(ids, CONCURRENCY, async (id) => {
    const describe: DescribeKeyCommandOutput = await call(
      'kms:DescribeKey',
      () => kms.send(new DescribeKeyCommand({ KeyId: id })),
      `key ${id}`,
    );
    const meta = describe.KeyMetadata;
    const entry: { describeKey: { KeyMetadata: unknown }; rotation?: unknown } = {
      describeKey: { KeyMetadata: meta },
    };
    if (meta?.KeyState && PENDING_DELETION.has(meta.KeyState)) return entry;
    if (meta?.KeySpec && meta.KeySpec !== 'SYMMETRIC_DEFAULT') {
      entry.rotation = { Error: { Code: 'UnsupportedOperationException' } };
      return entry;
    }
    try {
      const { KeyRotationEnabled } = await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));
      entry.rotation = { KeyRotationEnabled: KeyRotationEnabled ?? false };
    } catch (error) {
      const code = errorCode(error);
      if (!NO_ROTATION.has(code)) throw fail(error, 'kms:GetKeyRotationStatus', `key ${id}`);
      entry.rotation = { Error: { Code: code } };
    }
    return entry;
  });
  const kmsKeys: Record<string, unknown> = {};
  ids.forEach((id, i) => {
    kmsKeys[id] = entries[i];
  });
  return kmsKeys;
}
