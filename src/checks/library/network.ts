/**
 * Checks over firewall rules (security groups): nothing administrative, and nothing beyond
 * the web, is reachable from the whole internet.
 */
import type { IngressRule } from '../../integrations/types.js';
import type { Check } from '../types.js';
import { cloudCheck, cloudLabel, fail, listOf, pass } from './shared.js';

/** Ports that administer a machine or a data store; none should face the whole internet. */
export const ADMIN_PORTS: ReadonlyMap<number, string> = new Map([
  [22, 'SSH'],
  [23, 'Telnet'],
  [3389, 'RDP'],
  [5900, 'VNC'],
  [5432, 'PostgreSQL'],
  [3306, 'MySQL'],
  [1433, 'SQL Server'],
  [27017, 'MongoDB'],
  [6379, 'Redis'],
  [9200, 'Elasticsearch'],
]);

/** What a public web service legitimately exposes. */
const WEB_PORTS: ReadonlySet<number> = new Set([80, 443]);

const WHOLE_INTERNET: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);
/** ICMP rules carry message types in their port fields, not ports. */
const ICMP: ReadonlySet<string> = new Set(['icmp', 'icmpv6', '1', '58']);

interface OpenRange {
  from: number;
  to: number;
  cidr: string;
}

/** The port ranges a group opens to the whole internet; a null port or protocol -1 means all. */
function openToInternet(ingress: readonly IngressRule[]): OpenRange[] {
  const ranges: OpenRange[] = [];
  for (const rule of ingress) {
    const protocol = rule.protocol.toLowerCase();
    if (ICMP.has(protocol)) continue;
    const cidr = rule.cidrs.find((c) => WHOLE_INTERNET.has(c.trim()));
    if (!cidr) continue;
    const all = protocol === '-1' || protocol === 'all' || rule.fromPort === null || rule.toPort === null;
    ranges.push({ from: all ? 0 : (rule.fromPort ?? 0), to: all ? 65535 : (rule.toPort ?? 65535), cidr });
  }
  return ranges;
}

const rangeText = (range: OpenRange): string =>
  range.from === 0 && range.to === 65535
    ? `all ports to ${range.cidr}`
    : range.from === range.to
      ? `port ${range.from} to ${range.cidr}`
      : `ports ${range.from}-${range.to} to ${range.cidr}`;

export const noOpenAdminPorts = cloudCheck('security_group', {
  id: 'network.sg.no_open_admin_ports',
  title: 'No admin ports open to the internet',
  severity: 'critical',
  controls: ['NET-01'],
  remediation:
    'Remove the rule, or narrow it to the addresses that need it. Reach servers through a session manager or a bastion with SSO and MFA, and databases only from the application network.',
  evaluate: (group, record) => {
    const exposed: string[] = [];
    for (const range of openToInternet(group.attributes.ingress)) {
      for (const [port, service] of ADMIN_PORTS) {
        if (port >= range.from && port <= range.to) exposed.push(`${service} (${port}) via ${rangeText(range)}`);
      }
    }
    if (exposed.length === 0) return pass(`${cloudLabel(record)} opens no admin port to the internet.`);
    return fail(`${cloudLabel(record)} opens ${listOf(exposed)}.`);
  },
});

export const noOpenAllPorts = cloudCheck('security_group', {
  id: 'network.sg.no_open_all_ports',
  title: 'No security group opens every port to the internet',
  severity: 'high',
  controls: ['NET-01'],
  remediation:
    'Replace the allow-everything rule with rules for the specific ports the service needs, from the addresses that need them.',
  evaluate: (group, record) => {
    const all = openToInternet(group.attributes.ingress).filter((range) => range.from <= 0 && range.to >= 65535);
    if (all.length === 0) return pass(`${cloudLabel(record)} does not open every port to the internet.`);
    return fail(`${cloudLabel(record)} opens all ports to ${listOf([...new Set(all.map((range) => range.cidr))])}.`);
  },
});

export const internetWebOnly = cloudCheck('security_group', {
  id: 'network.sg.internet_web_only',
  title: 'Only web ports face the internet',
  severity: 'low',
  controls: ['NET-01'],
  remediation:
    'Check that the service behind this rule really must be public; if not, restrict the rule to known addresses. Public services normally sit behind a load balancer on ports 80 and 443.',
  evaluate: (group, record) => {
    const other = openToInternet(group.attributes.ingress).filter(
      (range) => !(range.from === range.to && WEB_PORTS.has(range.from)),
    );
    if (other.length === 0) return pass(`${cloudLabel(record)} exposes at most ports 80 and 443 to the internet.`);
    return fail(`${cloudLabel(record)} exposes ${listOf(other.map(rangeText))} beyond the web ports.`);
  },
});

export const NETWORK_CHECKS: readonly Check[] = [noOpenAdminPorts, noOpenAllPorts, internetWebOnly];
