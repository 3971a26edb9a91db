import { Badge, Card, EmptyState, Group, RingProgress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconActivity, IconKey, IconMailForward, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { api, type Dashboard, ROLES } from '../api';
import { AuditTable } from '../components/AuditTable';
import { Loaded } from '../components/PageStatus';
import { ReadinessPanel } from '../components/ReadinessPanel';
import { capitalise } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';

export function DashboardPage() {
  const { me } = useSession();
  const state = useApi(api.dashboard);
  const readiness = useApi(api.readiness);
  return (
    <Stack>
      <div>
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <Text c="dimmed" size="sm">
          {me.organisation?.name}
        </Text>
      </div>
      <Loaded state={readiness}>{(r) => <ReadinessPanel readiness={r} />}</Loaded>
      <Loaded state={state}>{(dashboard) => <DashboardBody dashboard={dashboard} />}</Loaded>
    </Stack>
  );
}

function StatCard({
  label,
  value,
  icon,
  children,
}: {
  label: string;
  value: ReactNode;
  icon: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text fw={700} size="xl" mt={4}>
            {value}
          </Text>
        </div>
        <Text c="dimmed" aria-hidden>
          {icon}
        </Text>
      </Group>
      {children}
    </Card>
  );
}

function DashboardBody({ dashboard }: { dashboard: Dashboard }) {
  const { members, invitations, tokens, recentActivity } = dashboard;
  const coverage = members.total > 0 ? Math.round((members.withMfa / members.total) * 100) : 0;
  const coverageColor = coverage === 100 ? 'teal' : coverage >= 75 ? 'yellow' : 'red';

  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, xs: 2, lg: 4 }}>
        <StatCard label="Members" value={members.total} icon={<IconUsers size={22} />}>
          <Group gap={4} mt="sm">
            {ROLES.filter((role) => (members.byRole[role] ?? 0) > 0).map((role) => (
              <Badge key={role} variant="light" color="gray" size="sm">
                {members.byRole[role]} {capitalise(role)}
              </Badge>
            ))}
          </Group>
        </StatCard>
        <Card withBorder radius="md" padding="lg">
          <Group wrap="nowrap">
            <RingProgress
              size={80}
              thickness={8}
              roundCaps
              sections={[{ value: coverage, color: coverageColor }]}
              label={
                <Text ta="center" size="sm" fw={700}>
                  {coverage}%
                </Text>
              }
              aria-label={`Two-step verification coverage ${coverage}%`}
            />
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                MFA coverage
              </Text>
              <Text size="sm" mt={4}>
                {members.withMfa} of {members.total} members use two-step verification
              </Text>
            </div>
          </Group>
        </Card>
        <StatCard label="Pending invitations" value={invitations.pending} icon={<IconMailForward size={22} />} />
        <StatCard label="Active API tokens" value={tokens.active} icon={<IconKey size={22} />} />
      </SimpleGrid>
      <Card withBorder radius="md" padding="lg">
        <Title order={2} size="h4" mb="sm">
          Recent activity
        </Title>
        {recentActivity.length === 0 ? (
          <EmptyState
            icon={<IconActivity size={28} />}
            title="No activity yet"
            description="Sign-ins, invitations and changes to settings will appear here."
          />
        ) : (
          <AuditTable items={recentActivity} compact />
        )}
      </Card>
    </Stack>
  );
}
