import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseAws } from '../aws/index.js';
import type { AccountData, CloudResourceData, ParsedPush } from '../types.js';
import { pullAws } from './aws.js';
import { PullError } from './http.js';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION = 'IQoJb3JpZ2luX2VjELocal-session-token-not-real';
const ACCOUNT = '123456789012';
const ORG_ACCOUNT = '999999999999';
const REGION = 'eu-west-1';
const now = new Date('2026-11-23T12:00:00Z');

const TRAIL = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/management-events`;
const ORG_TRAIL = `arn:aws:cloudtrail:us-east-1:${ORG_ACCOUNT}:trail/org-audit`;
const KEY_CMK = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_AWS = '0987dcba-09fe-87dc-65ba-ab0987654321';
const KEY_RSA = 'aaaa1111-2222-3333-4444-555566667777';
const KEY_GONE = 'bbbb1111-2222-3333-4444-555566667777';

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated',
  `<root_account>,arn:aws:iam::${ACCOUNT}:root,2019-03-01T10:00:00+00:00,not_supported,2026-11-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  `alice,arn:aws:iam::${ACCOUNT}:user/alice,2021-05-10T09:00:00+00:00,true,2026-11-20T07:30:00+00:00,2026-06-01T00:00:00+00:00,N/A,true,true,2026-01-15T00:00:00+00:00,2026-11-22T12:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`,
  `ci-deploy,arn:aws:iam::${ACCOUNT}:user/ci-deploy,2022-02-02T02:02:02+00:00,false,N/A,N/A,N/A,false,true,2023-02-02T00:00:00+00:00,2026-11-23T01:00:00+00:00,eu-west-1,ecr,true,2024-04-04T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A`,
].join('\n');

type Request = { method: string; url: URL; headers: IncomingHttpHeaders; body: string; call: string };
type Reply = { status?: number; type?: string; body: string };

const xml = (body: string, status = 200): Reply => ({
  status,
  type: 'text/xml',
  body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
});
const json = (body: unknown, status = 200): Reply => ({
  status,
  type: 'application/x-amz-json-1.1',
  body: JSON.stringify(body),
});
const REQUEST_ID = '<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>';
/** The error body of the query protocol (IAM, STS, RDS). */
const queryError = (code: string, status = 403) =>
  xml(
    `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>User: arn:aws:iam::${ACCOUNT}:user/attest-monitor is not authorized to perform this action</Message>` +
      '</Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>',
    status,
  );
const jsonError = (type: string, status = 400) =>
  json({ __type: type, message: `User: arn:aws:iam::${ACCOUNT}:user/attest-monitor is not authorized` }, status);
const s3Error = (code: string, status: number, bucket?: string) =>
  xml(
    `<Error><Code>${code}</Code><Message>${code}</Message>${bucket ? `<BucketName>${bucket}</BucketName>` : ''}` +
      '<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>',
    status,
  );

function dbInstance(id: string, engine: string, encrypted: boolean, zone: string): string {
  return (
    `<DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier><DBInstanceClass>db.t3.medium</DBInstanceClass>` +
    `<Engine>${engine}</Engine><DBInstanceStatus>available</DBInstanceStatus><MasterUsername>app</MasterUsername>` +
    `<Endpoint><Address>${id}.c9akciq32.${REGION}.rds.amazonaws.com</Address><Port>5432</Port></Endpoint>` +
    '<AllocatedStorage>100</AllocatedStorage><InstanceCreateTime>2023-04-05T10:11:12.345Z</InstanceCreateTime>' +
    `<BackupRetentionPeriod>${encrypted ? 7 : 1}</BackupRetentionPeriod><AvailabilityZone>${zone}</AvailabilityZone>` +
    `<MultiAZ>${encrypted}</MultiAZ><EngineVersion>16.3</EngineVersion><PubliclyAccessible>${!encrypted}</PubliclyAccessible>` +
    `<StorageType>gp3</StorageType><StorageEncrypted>${encrypted}</StorageEncrypted>` +
    `<DbiResourceId>db-${id.toUpperCase()}</DbiResourceId><DeletionProtection>${encrypted}</DeletionProtection>` +
    `<DBInstanceArn>arn:aws:rds:${REGION}:${ACCOUNT}:db:${id}</DBInstanceArn></DBInstance>`
  );
}

const SG_BASTION =
  `<item><ownerId>${ACCOUNT}</ownerId><groupId>sg-0a1b2c3d4e5f60001</groupId><groupName>bastion</groupName>` +
  '<groupDescription>SSH from anywhere</groupDescription><vpcId>vpc-0123456789abcdef0</vpcId>' +
  `<securityGroupArn>arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0a1b2c3d4e5f60001</securityGroupArn>` +
  '<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups/>' +
  '<ipRanges><item><cidrIp>0.0.0.0/0</cidrIp><description>ssh</description></item></ipRanges>' +
  '<ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges><prefixListIds/></item>' +
  '<item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/>' +
  '<ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions>' +
  '<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item>' +
  '</ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>';
const SG_DEFAULT =
  `<item><ownerId>${ACCOUNT}</ownerId><groupId>sg-0a1b2c3d4e5f60002</groupId><groupName>default</groupName>` +
  '<groupDescription>default VPC security group</groupDescription><vpcId>vpc-0123456789abcdef0</vpcId>' +
  `<securityGroupArn>arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0a1b2c3d4e5f60002</securityGroupArn>` +
  '<ipPermissions><item><ipProtocol>-1</ipProtocol>' +
  `<groups><item><userId>${ACCOUNT}</userId><groupId>sg-0a1b2c3d4e5f60002</groupId></item></groups>` +
  '<ipRanges/><ipv6Ranges/><prefixListIds/></item></ipPermissions><ipPermissionsEgress/></item>';

function keyMetadata(id: string, extra: Record<string, unknown>) {
  return {
    KeyMetadata: {
      AWSAccountId: ACCOUNT,
      KeyId: id,
      Arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`,
      CreationDate: 1.6849e9,
      Enabled: true,
      Description: '',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
      ...extra,
    },
  };
}
const KEYS: Record<string, ReturnType<typeof keyMetadata>> = {
  [KEY_CMK]: keyMetadata(KEY_CMK, { Description: 'orders data' }),
  [KEY_AWS]: keyMetadata(KEY_AWS, { KeyManager: 'AWS', Description: 'Default key that protects my RDS database' }),
  [KEY_RSA]: keyMetadata(KEY_RSA, {
    KeyUsage: 'SIGN_VERIFY',
    KeySpec: 'RSA_2048',
    CustomerMasterKeySpec: 'RSA_2048',
    SigningAlgorithms: ['RSASSA_PSS_SHA_256'],
  }),
  [KEY_GONE]: keyMetadata(KEY_GONE, { KeyState: 'PendingDeletion', Enabled: false, DeletionDate: 1.7648e9 }),
};

/** What each test makes the fake AWS refuse. */
type Deny = 'none' | 'iam' | 'kms' | 'bucket' | 'bad-key';

/** A real HTTP server on 127.0.0.1 speaking just enough of each AWS protocol for pullAws. */
async function startServer(route: (request: Request) => Reply) {
  const requests: Request[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const call =
        typeof target === 'string'
          ? (target.split('.').pop() ?? '')
          : req.method === 'POST'
            ? (new URLSearchParams(body).get('Action') ?? '')
            : url.pathname === '/'
              ? 'ListBuckets'
              : url.searchParams.has('encryption')
                ? 'GetBucketEncryption'
                : `${req.method} ${url.pathname}`;
      const request = { method: req.method ?? 'GET', url, headers: req.headers, body, call };
      requests.push(request);
      const reply = route(request);
      res.writeHead(reply.status ?? 200, {
        'content-type': reply.type ?? 'text/xml',
        'x-amzn-requestid': '7a62c49f-347e-4fc4-9331-6e8eEXAMPLE',
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { base, requests, close };
}

/** The service and region a SigV4 Authorization header's credential scope names. */
function scope(request: Request): { service: string; region: string } {
  const [, region = '', service = ''] =
    /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization)) ?? [];
  return { service, region };
}

describe('pullAws', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let deny: Deny = 'none';
  let reportPolls = 0;

  function route(request: Request): Reply {
    const auth = String(request.headers.authorization ?? '');
    if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${KEY_ID}/`) || deny === 'bad-key') {
      return request.headers['x-amz-target']
        ? jsonError('UnrecognizedClientException')
        : queryError('InvalidClientTokenId');
    }
    const form = new URLSearchParams(request.body);
    const input = request.headers['x-amz-target'] ? (JSON.parse(request.body || '{}') as Record<string, unknown>) : {};
    switch (request.call) {
      case 'GetCallerIdentity':
        return xml(
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
            `<Arn>arn:aws:iam::${ACCOUNT}:user/attest-monitor</Arn><UserId>AIDASAMPLEUSERID</UserId>` +
            `<Account>${ACCOUNT}</Account></GetCallerIdentityResult>${REQUEST_ID}</GetCallerIdentityResponse>`,
        );
      case 'GenerateCredentialReport': {
        if (deny === 'iam') return queryError('AccessDenied');
        reportPolls++;
        const state = reportPolls === 1 ? 'STARTED' : 'COMPLETE';
        return xml(
          '<GenerateCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">' +
            `<GenerateCredentialReportResult><State>${state}</State><Description>No report exists. Starting a new ` +
            `report generation task</Description></GenerateCredentialReportResult>${REQUEST_ID}` +
            '</GenerateCredentialReportResponse>',
        );
      }
      case 'GetCredentialReport':
        return xml(
          '<GetCredentialReportResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetCredentialReportResult>' +
            `<Content>${Buffer.from(REPORT).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat>` +
            `<GeneratedTime>2026-11-23T11:59:30Z</GeneratedTime></GetCredentialReportResult>${REQUEST_ID}` +
            '</GetCredentialReportResponse>',
        );
      case 'DescribeDBInstances': {
        if (form.get('MaxRecords') !== '100') return queryError('InvalidParameterValue', 400);
        const second = form.get('Marker') === 'page-2';
        return xml(
          '<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult>' +
            (second ? '' : '<Marker>page-2</Marker>') +
            '<DBInstances>' +
            (second
              ? dbInstance('analytics', 'mysql', true, 'eu-west-1b')
              : dbInstance('orders-db', 'postgres', false, 'eu-west-1a')) +
            `</DBInstances></DescribeDBInstancesResult>${REQUEST_ID}</DescribeDBInstancesResponse>`,
        );
      }
      case 'DescribeSecurityGroups': {
        const second = form.get('NextToken') === 'sg-page-2';
        return xml(
          '<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
            '<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>' +
            `<securityGroupInfo>${second ? SG_DEFAULT : SG_BASTION}</securityGroupInfo>` +
            (second ? '' : '<nextToken>sg-page-2</nextToken>') +
            '</DescribeSecurityGroupsResponse>',
        );
      }
      case 'DescribeTrails':
        return json({
          trailList: [
            {
              Name: 'management-events',
              S3BucketName: 'northwind-logs',
              IncludeGlobalServiceEvents: true,
              IsMultiRegionTrail: true,
              HomeRegion: REGION,
              TrailARN: TRAIL,
              LogFileValidationEnabled: false,
              HasCustomEventSelectors: false,
              HasInsightSelectors: false,
              IsOrganizationTrail: false,
            },
            {
              Name: 'org-audit',
              S3BucketName: 'org-audit-logs',
              IncludeGlobalServiceEvents: true,
              IsMultiRegionTrail: true,
              HomeRegion: 'us-east-1',
              TrailARN: ORG_TRAIL,
              LogFileValidationEnabled: true,
              KmsKeyId: `arn:aws:kms:us-east-1:${ORG_ACCOUNT}:key/${KEY_CMK}`,
              HasCustomEventSelectors: false,
              HasInsightSelectors: false,
              IsOrganizationTrail: true,
            },
          ],
        });
      case 'GetTrailStatus':
        if (input.Name === TRAIL) {
          return json({
            IsLogging: false,
            LatestDeliveryTime: 1.7638e9,
            StopLoggingTime: 1.7639e9,
            TimeLoggingStarted: '2025-01-01T00:00:00Z',
            TimeLoggingStopped: '2025-11-23T10:00:00Z',
          });
        }
        return jsonError('TrailNotFoundException');
      case 'ListKeys': {
        if (deny === 'kms') return jsonError('AccessDeniedException');
        if (input.Limit !== 1000) return jsonError('ValidationException');
        const entry = (id: string) => ({ KeyId: id, KeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}` });
        return input.Marker === 'keys-2'
          ? json({ Keys: [entry(KEY_RSA), entry(KEY_GONE)], Truncated: false })
          : json({ Keys: [entry(KEY_CMK), entry(KEY_AWS)], Truncated: true, NextMarker: 'keys-2' });
      }
      case 'DescribeKey': {
        const key = KEYS[String(input.KeyId)];
        return key ? json(key) : jsonError('NotFoundException');
      }
      case 'GetKeyRotationStatus': {
        const key = KEYS[String(input.KeyId)];
        if (key?.KeyMetadata.KeySpec !== 'SYMMETRIC_DEFAULT') return jsonError('UnsupportedOperationException');
        const enabled = key.KeyMetadata.KeyManager === 'AWS';
        return json({
          KeyRotationEnabled: enabled,
          KeyId: key.KeyMetadata.Arn,
          ...(enabled ? { RotationPeriodInDays: 365 } : {}),
        });
      }
      case 'ListBuckets':
        return xml(
          '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
            '<Owner><ID>79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be</ID></Owner><Buckets>' +
            '<Bucket><Name>northwind-logs</Name><CreationDate>2021-03-01T12:00:00.000Z</CreationDate>' +
            `<BucketRegion>${REGION}</BucketRegion></Bucket>` +
            '<Bucket><Name>northwind-data</Name><CreationDate>2022-07-14T08:30:00.000Z</CreationDate>' +
            '<BucketRegion>us-east-1</BucketRegion></Bucket>' +
            '</Buckets></ListAllMyBucketsResult>',
        );
      case 'GetBucketEncryption': {
        const bucket = request.url.pathname.replace(/^\/|\/$/g, '');
        if (bucket === 'northwind-logs') return s3Error('ServerSideEncryptionConfigurationNotFoundError', 404, bucket);
        if (bucket === 'northwind-data') {
          if (deny === 'bucket') return s3Error('AccessDenied', 403);
          return xml(
            '<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>' +
              '<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>' +
              `<KMSMasterKeyID>arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_CMK}</KMSMasterKeyID>` +
              '</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled></Rule>' +
              '</ServerSideEncryptionConfiguration>',
          );
        }
        return s3Error('NoSuchBucket', 404, bucket);
      }
      default:
        return queryError('InvalidAction', 400);
    }
  }

  const credentials = () => ({ accessKeyId: KEY_ID, secretAccessKey: SECRET, region: REGION });

  before(async () => {
    server = await startServer(route);
  });
  after(() => server.close());
  beforeEach(() => {
    deny = 'none';
    reportPolls = 0;
    server.requests.length = 0;
  });

  it('pulls every part, signed with SigV4; parseAws reads the bundle unchanged', async () => {
    const text = await pullAws({ ...credentials(), sessionToken: SESSION }, { endpoint: server.base, now });

    // Every request is SigV4-signed with the test key, carries the session token, and never the secret.
    assert.ok(server.requests.length > 0);
    for (const request of server.requests) {
      assert.match(String(request.headers.authorization), new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/`));
      assert.equal(request.headers['x-amz-security-token'], SESSION);
      assert.ok(!JSON.stringify(request.headers).includes(SECRET) && !request.body.includes(SECRET));
    }
    const calls = server.requests.map((r) => r.call);
    assert.equal(calls.filter((c) => c === 'GenerateCredentialReport').length, 2, 'polled until COMPLETE');
    assert.equal(calls.filter((c) => c === 'DescribeDBInstances').length, 2, 'two pages');
    assert.equal(calls.filter((c) => c === 'DescribeSecurityGroups').length, 2, 'two pages');
    assert.equal(calls.filter((c) => c === 'ListKeys').length, 2, 'two pages');
    // Rotation is asked only of keys that can rotate and are not being deleted.
    assert.deepEqual(
      server.requests.filter((r) => r.call === 'GetKeyRotationStatus').map((r) => JSON.parse(r.body).KeyId),
      [KEY_CMK, KEY_AWS],
    );
    // Each service is signed for itself, and trails and buckets are asked in their home region.
    const scoped = (call: string, match?: string) =>
      server.requests.filter(
        (r) => r.call === call && (!match || r.body.includes(match) || r.url.pathname.startsWith(match)),
      );
    assert.deepEqual(scope(scoped('DescribeDBInstances')[0]!), { service: 'rds', region: REGION });
    assert.deepEqual(scope(scoped('DescribeSecurityGroups')[0]!), { service: 'ec2', region: REGION });
    assert.equal(scope(scoped('GenerateCredentialReport')[0]!).service, 'iam');
    assert.deepEqual(scope(scoped('GetTrailStatus', ORG_TRAIL)[0]!), { service: 'cloudtrail', region: 'us-east-1' });
    assert.deepEqual(scope(scoped('GetBucketEncryption', '/northwind-data')[0]!), {
      service: 's3',
      region: 'us-east-1',
    });

    const bundle = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(bundle), [
      'attest',
      'account',
      'region',
      'credentialReport',
      'dbInstances',
      'buckets',
      'securityGroups',
      'trails',
      'trailStatus',
      'kmsKeys',
    ]);
    assert.equal(bundle.account, ACCOUNT);
    assert.ok(!text.includes('$metadata') && !text.includes(SECRET) && !text.includes(SESSION));

    const push: ParsedPush = parseAws(text, { now });
    assert.equal(
      push.format,
      'Attest AWS bundle (IAM credential report, RDS instances, S3 bucket encryption, security groups, CloudTrail trails, KMS keys)',
    );
    const scopes = new Map(push.scopes.map((s) => [s.scope, s.records]));
    assert.deepEqual(
      [...scopes.keys()],
      [
        `aws.iam.users:${ACCOUNT}`,
        `aws.rds:${ACCOUNT}:${REGION}`,
        `aws.s3.buckets:${ACCOUNT}`,
        `aws.ec2.security_groups:${ACCOUNT}:${REGION}`,
        `aws.cloudtrail:${ACCOUNT}`,
        `aws.kms:${ACCOUNT}:${REGION}`,
      ],
    );
    const data = (scopeName: string, id: string) =>
      scopes.get(scopeName)?.find((r) => r.externalId === id || r.name === id)?.data;

    // IAM: root and two users, from the base64 CSV.
    const users = scopes.get(`aws.iam.users:${ACCOUNT}`)!;
    assert.equal(users.length, 3);
    const root = data(`aws.iam.users:${ACCOUNT}`, `arn:aws:iam::${ACCOUNT}:root`) as AccountData;
    assert.deepEqual({ isRoot: root.isRoot, mfa: root.mfaEnabled }, { isRoot: true, mfa: true });
    const ci = data(`aws.iam.users:${ACCOUNT}`, 'ci-deploy') as AccountData;
    assert.deepEqual(
      { mfa: ci.mfaEnabled, password: ci.passwordEnabled, keys: ci.accessKeys.map((k) => [k.id, k.active]) },
      {
        mfa: false,
        password: false,
        keys: [
          ['access_key_1', true],
          ['access_key_2', true],
        ],
      },
    );
    assert.equal((data(`aws.iam.users:${ACCOUNT}`, 'alice') as AccountData).lastLoginAt, '2026-11-20T07:30:00.000Z');

    // RDS: both pages; orders-db is unencrypted and public.
    assert.equal(scopes.get(`aws.rds:${ACCOUNT}:${REGION}`)!.length, 2);
    const orders = data(`aws.rds:${ACCOUNT}:${REGION}`, `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders-db`);
    assert.deepEqual((orders as CloudResourceData).attributes, {
      engine: 'postgres',
      encrypted: false,
      publiclyAccessible: true,
      backupRetentionDays: 1,
      deletionProtection: false,
      multiAz: false,
    });
    assert.equal((orders as CloudResourceData).region, REGION);

    // S3: a bucket without default encryption, and one with SSE-KMS.
    const buckets = scopes.get(`aws.s3.buckets:${ACCOUNT}`)!;
    assert.deepEqual(Object.fromEntries(buckets.map((b) => [b.name, (b.data as CloudResourceData).attributes])), {
      'northwind-logs': { encryption: null, bucketKeyEnabled: null },
      'northwind-data': { encryption: 'aws:kms', bucketKeyEnabled: true },
    });

    // EC2: both pages; SSH open to the world.
    const groups = scopes.get(`aws.ec2.security_groups:${ACCOUNT}:${REGION}`)!;
    assert.equal(groups.length, 2);
    const bastion = data(`aws.ec2.security_groups:${ACCOUNT}:${REGION}`, 'sg-0a1b2c3d4e5f60001') as CloudResourceData;
    assert.deepEqual(bastion.attributes, {
      vpcId: 'vpc-0123456789abcdef0',
      ingress: [
        { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0', '::/0'] },
        { protocol: 'tcp', fromPort: 443, toPort: 443, cidrs: ['10.0.0.0/8'] },
      ],
    });
    const fallback = data(`aws.ec2.security_groups:${ACCOUNT}:${REGION}`, 'sg-0a1b2c3d4e5f60002') as CloudResourceData;
    assert.deepEqual(fallback.attributes, {
      vpcId: 'vpc-0123456789abcdef0',
      ingress: [{ protocol: '-1', fromPort: null, toPort: null, cidrs: [] }],
    });

    // CloudTrail: our trail is not logging; the organisation's trail would not say (kept as an error).
    const trail = data(`aws.cloudtrail:${ACCOUNT}`, TRAIL) as CloudResourceData;
    assert.deepEqual(trail.attributes, {
      multiRegion: true,
      logFileValidation: false,
      kmsKeyId: null,
      logging: false,
    });
    const orgTrail = data(`aws.cloudtrail:${ACCOUNT}`, ORG_TRAIL) as CloudResourceData;
    assert.deepEqual(orgTrail.attributes, {
      multiRegion: true,
      logFileValidation: true,
      kmsKeyId: `arn:aws:kms:us-east-1:${ORG_ACCOUNT}:key/${KEY_CMK}`,
      logging: null,
    });

    // KMS: the customer key does not rotate; the AWS managed one does; the others are left out.
    const keys = scopes.get(`aws.kms:${ACCOUNT}:${REGION}`)!;
    assert.deepEqual(Object.fromEntries(keys.map((k) => [k.name, (k.data as CloudResourceData).attributes])), {
      [`orders data (${KEY_CMK})`]: { rotationEnabled: false, customerManaged: true },
      [`Default key that protects my RDS database (${KEY_AWS})`]: { rotationEnabled: true, customerManaged: false },
    });

    assert.deepEqual(push.warnings.length, 3);
    assert.match(push.warnings.join('\n'), /get-trail-status failed with TrailNotFoundException/);
    assert.match(push.warnings.join('\n'), new RegExp(`pending deletion left out: ${KEY_GONE}`));
    assert.match(push.warnings.join('\n'), new RegExp(`rotation status is missing or was refused.*${KEY_RSA}`));
  });

  it('says which IAM call was refused and what policy to give, without the keys', async () => {
    deny = 'iam';
    await assert.rejects(
      pullAws(credentials(), { endpoint: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.status === 403 &&
        error.message ===
          'AWS refused iam:GenerateCredentialReport (AccessDenied): give the role the AWS managed policy ' +
            'SecurityAudit (it allows iam:GenerateCredentialReport), or add iam:GenerateCredentialReport to its policy.' &&
        !error.message.includes(SECRET) &&
        !error.message.includes(KEY_ID),
    );
  });

  it('stops on a refused KMS list rather than leave the keys out (they would read as deleted)', async () => {
    deny = 'kms';
    await assert.rejects(
      pullAws(credentials(), { endpoint: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.startsWith('AWS refused kms:ListKeys (AccessDeniedException): give the role the AWS managed') &&
        !error.message.includes(SECRET),
    );
  });

  it('names the bucket whose encryption it may not read', async () => {
    deny = 'bucket';
    await assert.rejects(
      pullAws(credentials(), { endpoint: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.startsWith(
          'AWS refused s3:GetEncryptionConfiguration on bucket northwind-data (AccessDenied): give the role',
        ) &&
        error.message.includes('A bucket policy that denies it') &&
        !error.message.includes(SECRET),
    );
  });

  it('says the credentials are wrong when AWS does not know the key, without repeating it', async () => {
    deny = 'bad-key';
    await assert.rejects(
      pullAws(credentials(), { endpoint: server.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.startsWith('AWS refused the credentials on sts:GetCallerIdentity (InvalidClientTokenId)') &&
        !error.message.includes(SECRET) &&
        !error.message.includes(KEY_ID),
    );
  });

  it('names the endpoint it could not reach', async () => {
    const closed = await startServer(() => ({ body: '' }));
    await closed.close();
    await assert.rejects(
      pullAws(credentials(), { endpoint: closed.base }),
      (error: unknown) =>
        error instanceof PullError &&
        error.message.startsWith(`Could not reach AWS at ${closed.base.slice(7)} for sts:GetCallerIdentity`) &&
        !error.message.includes(SECRET),
    );
  });

  it('refuses malformed input before calling AWS', async () => {
    const count = server.requests.length;
    await assert.rejects(
      pullAws({ ...credentials(), region: 'Ireland' }, { endpoint: server.base }),
      /not an AWS region/,
    );
    await assert.rejects(
      pullAws({ ...credentials(), regions: [REGION, 'us-east-1'] }, { endpoint: server.base }),
      /holds one region \(eu-west-1\); us-east-1 must each be pulled/,
    );
    await assert.rejects(
      pullAws({ ...credentials(), accessKeyId: 'not a key' }, { endpoint: server.base }),
      /access key ID is missing or malformed/,
    );
    await assert.rejects(
      pullAws({ ...credentials(), secretAccessKey: ' ' }, { endpoint: server.base }),
      /secret access key is missing/,
    );
    assert.equal(server.requests.length, count);
  });
});
