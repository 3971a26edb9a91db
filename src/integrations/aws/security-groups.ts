import { z } from 'zod';
import type { IngressRule, InventoryRecord, ParsedScope } from '../types.js';
import { groupBy, type PartParser, regionFromArn, UNKNOWN, validate } from './shared.js';

/**
 * `aws ec2 describe-security-groups`: every security group of one region, the scope
 * `aws.ec2.security_groups:<account>:<region>`. The output names the account (OwnerId) but the
 * region only through SecurityGroupArn, which older outputs lack; the bundle names it.
 *
 * Ingress rules keep AWS's protocol as printed ("tcp", "udp", "icmp", a protocol number, or
 * "-1" for every protocol). Ports are null when the rule covers every port (protocol "-1", port
 * -1 or no ports printed). Rules that only name other security groups or prefix lists have no CIDRs.
 */

const Permission = z.object({
  IpProtocol: z.string(),
  FromPort: z.number().int().optional(),
  ToPort: z.number().int().optional(),
  IpRanges: z.array(z.object({ CidrIp: z.string() })).default([]),
  Ipv6Ranges: z.array(z.object({ CidrIpv6: z.string() })).default([]),
});

const SecurityGroup = z.object({
  GroupId: z.string().min(1),
  GroupName: z.string(),
  OwnerId: z.string().min(1),
  VpcId: z.string().optional(),
  SecurityGroupArn: z.string().optional(),
  IpPermissions: z.array(Permission).default([]),
});

export const DescribeSecurityGroups = z.object({ SecurityGroups: z.array(SecurityGroup) });

type SecurityGroup = z.infer<typeof SecurityGroup>;
type Permission = z.infer<typeof Permission>;

export const parseSecurityGroups: PartParser = (output, origin, warnings) => {
  const { SecurityGroups } = validate(DescribeSecurityGroups, output, origin, 'aws ec2 describe-security-groups');
  const records = SecurityGroups.map((group) => groupRecord(group, origin.region));
  if (origin.account && origin.region) {
    return [{ scope: `aws.ec2.security_groups:${origin.account}:${origin.region}`, records }];
  }
  if (records.length === 0) {
    warnings.push(
      `${origin.label}: no security groups, and the output does not say its account and region, so nothing ` +
        'was recorded. Push it in the Attest bundle.',
    );
    return [];
  }
  if (records.some((r) => r.data.region === null)) {
    warnings.push(
      `${origin.label}: the output has no SecurityGroupArn, so the region is unknown; ` +
        'push it in the Attest bundle (see aws-collect.sh) to record the region.',
    );
  }
  const groups = groupBy(records, (r) => `${r.data.account}:${r.data.region ?? UNKNOWN}`);
  return [...groups].map(([key, records]): ParsedScope => ({ scope: `aws.ec2.security_groups:${key}`, records }));
};

function groupRecord(group: SecurityGroup, bundleRegion: string | null): InventoryRecord<'cloud_resource'> {
  return {
    type: 'cloud_resource',
    externalId: group.GroupId,
    name: `${group.GroupName} (${group.GroupId})`,
    data: {
      provider: 'aws',
      kind: 'security_group',
      account: group.OwnerId,
      region: regionFromArn(group.SecurityGroupArn) ?? bundleRegion,
      attributes: { vpcId: group.VpcId ?? null, ingress: group.IpPermissions.map(ingressRule) },
    },
  };
}

function ingressRule(permission: Permission): IngressRule {
  return {
    protocol: permission.IpProtocol,
    fromPort: port(permission, permission.FromPort),
    toPort: port(permission, permission.ToPort),
    cidrs: [...permission.IpRanges.map((r) => r.CidrIp), ...permission.Ipv6Ranges.map((r) => r.CidrIpv6)],
  };
}

/** AWS prints -1 (or nothing) for "every port" (for ICMP: every type and code). */
function port(permission: Permission, value: number | undefined): number | null {
  if (permission.IpProtocol === '-1' || value === undefined || value === -1) return null;
  return value;
}
