import { Anchor, Badge, Button, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconClipboardCheck, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { auditApi, KIND_LABEL, STATUS_LABEL } from '../api/audits';
import { AuditFormModal } from '../components/AuditPortalForm';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/audits`: the organisation's audits. Owners and admins create them and choose their
 * auditors; an auditor sees only the audits they are on, and opens the portal from here.
 */
export function AuditsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const navigate = useNavigate();
  const audits = useApi(() => auditApi.list());
  const [creating, setCreating] = useState(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audits
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New audit
          </Button>
        )}
      </Group>
      <Text c="dimmed" size="sm">
        {me.role === 'auditor'
          ? 'The audits you are invited to. Open one to review its controls, evidence and populations, raise requests and download its bundle.'
          : 'Each audit names a framework and an observation window; the auditors you invite see, read-only, what falls in it.'}
      </Text>
      <Loaded state={audits}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState icon={<IconClipboardCheck size={28} />} title="No audits yet">
              {manager ? 'Create one, then invite your auditor to it.' : 'Nothing to show here yet.'}
            </EmptyState>
          ) : (
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Audit</Table.Th>
                  <Table.Th>Framework</Table.Th>
                  <Table.Th>Window</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Requests</Table.Th>
                  <Table.Th>Access until</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/audits/${a.id}`}>
                        {a.title}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {KIND_LABEL[a.kind]}
                        {a.firm ? ` · ${a.firm}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>{a.framework.name}</Table.Td>
                    <Table.Td>
                      {a.windowStart} – {a.windowEnd}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_LABEL[a.status].color} variant="light">
                        {STATUS_LABEL[a.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {a.requests.open} open · {a.requests.answered} answered · {a.requests.accepted} accepted
                    </Table.Td>
                    <Table.Td>{formatDate(a.accessExpiresAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </Loaded>
      {creating && (
        <AuditFormModal opened onClose={() => setCreating(false)} onSaved={(a) => navigate(`/audits/${a.id}`)} />
      )}
    </Stack>
  );
}
