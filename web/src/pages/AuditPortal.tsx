import { Anchor, Badge, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { auditApi, KIND_LABEL, STATUS_LABEL } from '../api/audits';
import { AuditPortalAuditors } from '../components/AuditPortalAuditors';
import { AuditPortalBundle } from '../components/AuditPortalBundle';
import { AuditPortalControls } from '../components/AuditPortalControls';
import { AuditPortalEvidence } from '../components/AuditPortalEvidence';
import { AuditFormModal } from '../components/AuditPortalForm';
import { AuditPortalPopulations } from '../components/AuditPortalPopulations';
import { AuditPortalRequests } from '../components/AuditPortalRequests';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/audits/:auditId`: the auditor portal. Read-only for auditors (who raise requests and take
 * the bundle); owners and admins also edit the audit and choose its auditors. Every call an
 * auditor makes from here is audit-logged by the server.
 */
export function AuditPortalPage() {
  const { auditId = '' } = useParams();
  const { me } = useSession();
  const manager = isManager(me);
  const audit = useApi(() => auditApi.get(auditId), auditId);
  const [editing, setEditing] = useState(false);
  const [tab, setTab] = useState<string | null>('controls');

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/audits" size="sm">
        ← Audits
      </Anchor>
      <Loaded state={audit}>
        {(a) => (
          <Stack gap="lg">
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={1} size="h2">
                  {a.title}
                </Title>
                <Text c="dimmed" size="sm">
                  {KIND_LABEL[a.kind]} · {a.framework.name}
                  {a.firm ? ` · ${a.firm}` : ''} · window {a.windowStart} to {a.windowEnd} · auditor access until{' '}
                  {formatDate(a.accessExpiresAt)}
                </Text>
              </div>
              <Group>
                <Badge color={STATUS_LABEL[a.status].color} variant="light" size="lg">
                  {STATUS_LABEL[a.status].label}
                </Badge>
                {manager && (
                  <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                    Edit
                  </Button>
                )}
              </Group>
            </Group>
            {manager && a.auditors && <AuditPortalAuditors audit={a} onChanged={() => void audit.reload()} />}
            <Tabs value={tab} onChange={setTab} keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="controls">Controls</Tabs.Tab>
                <Tabs.Tab value="evidence">Evidence</Tabs.Tab>
                <Tabs.Tab value="populations">Populations</Tabs.Tab>
                <Tabs.Tab value="requests">Requests ({a.requests.open} open)</Tabs.Tab>
                <Tabs.Tab value="bundle">Bundle</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="controls" pt="md">
                <AuditPortalControls auditId={a.id} />
              </Tabs.Panel>
              <Tabs.Panel value="evidence" pt="md">
                <AuditPortalEvidence auditId={a.id} />
              </Tabs.Panel>
              <Tabs.Panel value="populations" pt="md">
                <AuditPortalPopulations auditId={a.id} />
              </Tabs.Panel>
              <Tabs.Panel value="requests" pt="md">
                <AuditPortalRequests auditId={a.id} role={me.role} onChanged={() => void audit.reload()} />
              </Tabs.Panel>
              <Tabs.Panel value="bundle" pt="md">
                <AuditPortalBundle audit={a} />
              </Tabs.Panel>
            </Tabs>
            {editing && (
              <AuditFormModal
                audit={a}
                opened
                onClose={() => setEditing(false)}
                onSaved={(saved) => audit.setData(saved)}
              />
            )}
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}
