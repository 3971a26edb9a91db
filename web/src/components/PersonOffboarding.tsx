import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { IconCircleCheck, IconFileText, IconKey } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { formatDateTime } from '../format';
import { ErrorAlert } from './PageStatus';
import { ACCOUNT_BADGE, formatDay, type Offboarding, type PersonDetail, peopleApi } from './PeopleApi';

interface PersonOffboardingProps {
  personId: string;
  name: string;
  offboarding: Offboarding;
  canManage: boolean;
  onClosed: (detail: PersonDetail) => void;
}

/**
 * A leaver's accounts in every source, whether each was disabled by the deadline, and closing
 * the offboarding (owners and admins), which writes the departure report as evidence.
 */
export function PersonOffboarding({ personId, name, offboarding, canManage, onClosed }: PersonOffboardingProps) {
  const [closing, setClosing] = useState(false);
  const o = offboarding;
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Offboarding
          </Title>
          {o.open ? (
            <Badge color="blue" variant="light">
              Open
            </Badge>
          ) : (
            <Badge color="teal" variant="light" leftSection={<IconCircleCheck size={12} />}>
              Closed
            </Badge>
          )}
        </Group>
        <Text size="sm">
          Last day {formatDay(o.endDate)}. Every account must be disabled by {formatDateTime(o.deadline)} (
          {o.departedAccountHours} hours from the start of that day).
        </Text>
        {o.accounts.length === 0 ? (
          <EmptyState icon={<IconKey size={28} />} title="No accounts linked to this person">
            <Text size="sm" c="dimmed">
              Accounts are matched by email in every source you push or connect, or linked by hand in Monitoring →
              Inventory.
            </Text>
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={600}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Disabled or removed</Table.Th>
                  <Table.Th>State</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {o.accounts.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <Text size="sm">{a.name}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{a.source}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(a.disabledAt, 'Still active')}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={ACCOUNT_BADGE[a.state].color} variant="light">
                        {ACCOUNT_BADGE[a.state].label}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {!o.open && (
          <Text size="sm">
            Closed {formatDateTime(o.closedAt)}
            {o.closedBy ? ` by ${o.closedBy.name || o.closedBy.email}` : ''}.{' '}
            {o.reportId && (
              <Anchor href={peopleApi.departureReportUrl(personId)} size="sm">
                <IconFileText size={14} aria-hidden /> Download the departure report
              </Anchor>
            )}
          </Text>
        )}
        {o.open && canManage && (
          <Group justify="flex-end">
            <Button onClick={() => setClosing(true)}>Close offboarding</Button>
          </Group>
        )}
      </Stack>
      <CloseModal
        opened={closing}
        personId={personId}
        name={name}
        offboarding={o}
        onClose={() => setClosing(false)}
        onClosed={onClosed}
      />
    </Card>
  );
}

function CloseModal({
  opened,
  personId,
  name,
  offboarding,
  onClose,
  onClosed,
}: {
  opened: boolean;
  personId: string;
  name: string;
  offboarding: Offboarding;
  onClose: () => void;
  onClosed: (detail: PersonDetail) => void;
}) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const stillActive = offboarding.counts.active + offboarding.counts.overdue;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = reason.trim();
    const problem =
      stillActive > 0 && text.length < 10
        ? 'Explain in at least 10 characters why the offboarding can close with accounts still active.'
        : text.length > 0 && text.length < 10
          ? 'Write at least 10 characters, or leave the note empty.'
          : null;
    setReasonError(problem);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const detail = await peopleApi.closeOffboarding(personId, reason.trim() || undefined);
      onClosed(detail);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={`Close ${name}’s offboarding`} centered size="lg">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          {stillActive > 0 ? (
            <Alert color="orange" variant="light" title={`${stillActive} account(s) still active`}>
              Disable them and sync the source first if you can. To close anyway, give the reason: it goes into the
              departure report and the audit log.
            </Alert>
          ) : (
            <Text size="sm">
              {offboarding.counts.total === 0
                ? 'No account is linked to this person in any source.'
                : 'Every account is disabled.'}{' '}
              Closing writes the departure report (each account, when it was disabled and whether on time) and keeps it
              as evidence of PEO-04.
            </Text>
          )}
          <Textarea
            label={stillActive > 0 ? 'Reason for closing' : 'Note (optional)'}
            required={stillActive > 0}
            autosize
            minRows={3}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={reasonError}
            data-autofocus
          />
          {error !== null && <ErrorAlert error={error} title="Not closed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Close and write the report
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
