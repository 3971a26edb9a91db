import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconClock, IconDownload } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api';
import {
  type AffectedCustomer,
  type Breach,
  DELAY_LABEL,
  type DelayBasis,
  type IncidentDetail,
  incidentApi,
  NOTICE_FIELDS,
  NOTICE_VIA_LABEL,
  type NoticeFields,
  type NoticeKey,
  type NoticeVia,
  personLabel,
  timeLeft,
} from '../api/incidents';
import { ErrorAlert } from '../components/PageStatus';
import { formatDateTime } from '../format';

type Change = (next: IncidentDetail) => void;

/**
 * The breach workflow of an incident: the deadline clock and its delays, the affected
 * customers, the notice text they share, and each customer's notice (edit, mark sent, export).
 */
export function BreachPanel({
  incident,
  breach,
  onChanged,
}: {
  incident: IncidentDetail;
  breach: Breach;
  onChanged: Change;
}) {
  const canEdit = incident.can.manage;
  return (
    <Card withBorder radius="md" padding="lg" style={{ borderColor: 'var(--mantine-color-red-4)' }}>
      <Stack>
        <Title order={2} size="h3">
          Breach of customer data
        </Title>
        <Deadline incident={incident} breach={breach} canEdit={canEdit} onChanged={onChanged} />
        <Customers incident={incident} breach={breach} canEdit={canEdit} onChanged={onChanged} />
        {canEdit && (
          <SharedText key={JSON.stringify(breach.shared)} incident={incident} breach={breach} onChanged={onChanged} />
        )}
        {breach.customers.map((c) => (
          <NoticeCard
            key={c.id}
            incident={incident}
            breach={breach}
            customer={c}
            canEdit={canEdit}
            onChanged={onChanged}
          />
        ))}
      </Stack>
    </Card>
  );
}

function Deadline({
  incident,
  breach,
  canEdit,
  onChanged,
}: {
  incident: IncidentDetail;
  breach: Breach;
  canEdit: boolean;
  onChanged: Change;
}) {
  const [delaying, setDelaying] = useState(false);
  const clock = timeLeft(breach.deadlineAt);
  const sent = breach.customers.filter((c) => c.notice?.status === 'sent').length;
  const done = breach.customers.length > 0 && sent === breach.customers.length;
  return (
    <Stack gap="xs">
      <Alert
        color={done ? 'teal' : breach.overdue ? 'red' : 'orange'}
        icon={<IconClock size={18} />}
        title={
          done
            ? `Every affected customer was notified (deadline ${formatDateTime(breach.deadlineAt)})`
            : `Notify every affected customer by ${formatDateTime(breach.deadlineAt)}: ${clock.text}`
        }
      >
        <Text size="sm">
          Discovered {formatDateTime(breach.discoveredAt)}; {breach.deadlineHours} hours to notify
          {breach.delays.length > 0 ? `, extended by ${breach.delays.length} delay(s)` : ''}. Date of the breach:{' '}
          {breach.occurredOn ?? 'not known yet'}. {sent} of {breach.customers.length} notice(s) sent.
        </Text>
      </Alert>
      {breach.delays.length > 0 && (
        <Table verticalSpacing="xs" aria-label="Delays of the notice">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Delay</Table.Th>
              <Table.Th>Asked by</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Recorded</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {breach.delays.map((d) => (
              <Table.Tr key={d.id}>
                <Table.Td>
                  <Text size="sm">{d.hours !== null ? `${d.hours} hours` : `until ${formatDateTime(d.untilAt)}`}</Text>
                  <Text size="xs" c="dimmed">
                    {DELAY_LABEL[d.basis]}
                  </Text>
                </Table.Td>
                <Table.Td>{d.requestedBy}</Table.Td>
                <Table.Td>{d.reason}</Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(d.recordedAt)}</Text>
                  <Text size="xs" c="dimmed">
                    {personLabel(d.recordedBy, 'someone who left')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canEdit && (
        <Group>
          <Button variant="light" size="xs" onClick={() => setDelaying(true)}>
            Record a delay
          </Button>
        </Group>
      )}
      <Modal opened={delaying} onClose={() => setDelaying(false)} title="Record a delay of the notice" centered>
        {delaying && <DelayForm incident={incident} onClose={() => setDelaying(false)} onChanged={onChanged} />}
      </Modal>
    </Stack>
  );
}

function DelayForm({
  incident,
  onClose,
  onChanged,
}: {
  incident: IncidentDetail;
  onClose: () => void;
  onChanged: Change;
}) {
  const [basis, setBasis] = useState<DelayBasis>('law_enforcement');
  const [requestedBy, setRequestedBy] = useState('');
  const [reason, setReason] = useState('');
  const [mode, setMode] = useState<'hours' | 'until'>('hours');
  const [hours, setHours] = useState<number | string>(48);
  const [until, setUntil] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await incidentApi.addDelay(incident.id, {
          basis,
          requestedBy: requestedBy.trim(),
          reason: reason.trim(),
          ...(mode === 'hours' ? { hours: Number(hours) } : { until: until ? new Date(until).toISOString() : '' }),
        }),
      );
      notifications.show({ color: 'teal', message: 'Delay recorded; the deadline moved.' });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Select
          label="Why"
          data={Object.entries(DELAY_LABEL).map(([value, label]) => ({ value, label }))}
          value={basis}
          onChange={(v) => setBasis((v as DelayBasis | null) ?? 'law_enforcement')}
          allowDeselect={false}
        />
        <TextInput
          label="Requested by"
          description="The agency and officer, or the law that requires it"
          required
          value={requestedBy}
          onChange={(e) => setRequestedBy(e.currentTarget.value)}
        />
        <Textarea
          label="Reason"
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        />
        <SegmentedControl
          aria-label="How long"
          value={mode}
          onChange={(v) => setMode(v as 'hours' | 'until')}
          data={[
            { value: 'hours', label: 'Some hours more' },
            { value: 'until', label: 'Until a time' },
          ]}
        />
        {mode === 'hours' ? (
          <NumberInput label="Hours" min={1} max={8760} allowDecimal={false} value={hours} onChange={setHours} />
        ) : (
          <TextInput
            label="Until"
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.currentTarget.value)}
          />
        )}
        {error !== null && <ErrorAlert error={error} title="Delay not recorded" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Record delay
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Customers({
  incident,
  breach,
  canEdit,
  onChanged,
}: {
  incident: IncidentDetail;
  breach: Breach;
  canEdit: boolean;
  onChanged: Change;
}) {
  const [name, setName] = useState('');
  const [contactName, setContactName] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [paste, setPaste] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (call: () => Promise<IncidentDetail>, done: () => void) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await call());
      done();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () =>
        incidentApi.addCustomer(incident.id, {
          name: name.trim(),
          contactName: contactName.trim(),
          contactEmail: contactEmail.trim(),
        }),
      () => {
        setName('');
        setContactName('');
        setContactEmail('');
      },
    );
  };
  const remove = (c: AffectedCustomer) =>
    incidentApi
      .removeCustomer(incident.id, c.id)
      .then(onChanged)
      .catch((err: unknown) => notifications.show({ color: 'red', title: 'Not removed', message: errorMessage(err) }));

  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        Affected customers
      </Title>
      {breach.customers.length === 0 ? (
        <Text size="sm" c="dimmed">
          No affected customer listed yet. Each customer you add gets its own notice.
        </Text>
      ) : (
        <Table verticalSpacing="xs" aria-label="Affected customers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              <Table.Th>Contact</Table.Th>
              <Table.Th>Notice</Table.Th>
              {canEdit && (
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              )}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {breach.customers.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{c.name}</Table.Td>
                <Table.Td>
                  <Text size="sm">{c.contactName || '—'}</Text>
                  <Text size="xs" c="dimmed">
                    {c.contactEmail}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {c.notice?.status === 'sent' ? (
                    <Badge color="teal" variant="light">
                      Sent {formatDateTime(c.notice.sentAt)}
                    </Badge>
                  ) : (
                    <Badge color="orange" variant="light">
                      Draft{c.notice && c.notice.missing.length > 0 ? ` · ${c.notice.missing.length} empty` : ''}
                    </Badge>
                  )}
                </Table.Td>
                {canEdit && (
                  <Table.Td>
                    {c.notice?.status !== 'sent' && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => void remove(c)}
                        aria-label={`Remove ${c.name}`}
                      >
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {canEdit && (
        <>
          <form onSubmit={add} noValidate>
            <Group align="flex-end" wrap="wrap">
              <TextInput label="Customer name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
              <TextInput
                label="Contact name"
                value={contactName}
                onChange={(e) => setContactName(e.currentTarget.value)}
              />
              <TextInput
                label="Contact email"
                type="email"
                value={contactEmail}
                onChange={(e) => setContactEmail(e.currentTarget.value)}
              />
              <Button type="submit" variant="light" loading={busy} disabled={!name.trim() || !contactEmail.trim()}>
                Add customer
              </Button>
            </Group>
          </form>
          <Textarea
            label="Or paste a list"
            description="One customer per line, as Name <email>"
            autosize
            minRows={2}
            value={paste}
            onChange={(e) => setPaste(e.currentTarget.value)}
          />
          <Group>
            <Button
              variant="light"
              size="xs"
              disabled={!paste.trim()}
              loading={busy}
              onClick={() =>
                void run(
                  () => incidentApi.pasteCustomers(incident.id, paste),
                  () => setPaste(''),
                )
              }
            >
              Add from the list
            </Button>
          </Group>
        </>
      )}
      {error !== null && <ErrorAlert error={error} title="Customers not added" />}
    </Stack>
  );
}

function FieldsForm({
  values,
  onChange,
  readOnly,
  missing,
  idPrefix,
}: {
  values: NoticeFields;
  onChange: (key: NoticeKey, value: string) => void;
  readOnly: boolean;
  missing?: NoticeKey[];
  idPrefix: string;
}) {
  return (
    <Stack gap="xs">
      {NOTICE_FIELDS.map((f) => {
        const common = {
          id: `${idPrefix}-${f.key}`,
          label: f.label,
          value: values[f.key],
          readOnly,
          error: missing?.includes(f.key) ? 'Required before sending' : undefined,
        };
        return f.long ? (
          <Textarea
            key={f.key}
            {...common}
            autosize
            minRows={2}
            onChange={(e) => onChange(f.key, e.currentTarget.value)}
          />
        ) : (
          <TextInput key={f.key} {...common} onChange={(e) => onChange(f.key, e.currentTarget.value)} />
        );
      })}
    </Stack>
  );
}

function SharedText({ incident, breach, onChanged }: { incident: IncidentDetail; breach: Breach; onChanged: Change }) {
  const [values, setValues] = useState<NoticeFields>(breach.shared);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChanged(await incidentApi.updateBreach(incident.id, values));
      notifications.show({
        color: 'teal',
        message: 'Shared notice text saved: every draft that does not say otherwise uses it.',
      });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <Stack gap="xs">
        <Title order={3} size="h4">
          Notice text for every customer
        </Title>
        <Text size="sm" c="dimmed">
          Write it once here; a customer's notice can say something different for any field.
        </Text>
        <FieldsForm
          idPrefix="shared"
          values={values}
          readOnly={false}
          onChange={(key, value) => setValues((v) => ({ ...v, [key]: value }))}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={busy}>
            Save shared text
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function NoticeCard({
  incident,
  breach,
  customer,
  canEdit,
  onChanged,
}: {
  incident: IncidentDetail;
  breach: Breach;
  customer: AffectedCustomer;
  canEdit: boolean;
  onChanged: Change;
}) {
  const notice = customer.notice;
  // What the person typed and has not saved yet; everything else shows the notice as it reads.
  const [edits, setEdits] = useState<Partial<NoticeFields>>({});
  const [via, setVia] = useState<NoticeVia>('email');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!notice) {
    return (
      <Text size="sm" c="red">
        {customer.name} has no notice.
      </Text>
    );
  }
  const sent = notice.status === 'sent';
  const editable = canEdit && !sent;
  const values = Object.fromEntries(
    NOTICE_FIELDS.map((f) => [f.key, edits[f.key] ?? notice.fields[f.key]]),
  ) as NoticeFields;
  // A field equal to the shared text follows it; anything else is this notice's own.
  const changes = () =>
    Object.fromEntries(
      NOTICE_FIELDS.map((f) => [f.key, values[f.key] === breach.shared[f.key] ? null : values[f.key]]),
    );

  /** Saves the text; then, when asked, marks the notice sent (the server refuses while a fact is empty). */
  const save = async (send: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const saved = await incidentApi.updateNotice(incident.id, notice.id, changes());
      setEdits({});
      onChanged(saved);
      if (send) {
        const result = await incidentApi.sendNotice(incident.id, notice.id, via);
        onChanged(result.incident);
        notifications.show({
          color: 'teal',
          message: result.emailed
            ? `Notice to ${customer.name} emailed and marked sent.`
            : `Notice to ${customer.name} marked sent.`,
        });
      } else {
        notifications.show({ color: 'teal', message: 'Notice saved.' });
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="md" aria-label={`Notice to ${customer.name}`} component="section">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          Notice to {customer.name}
        </Title>
        {sent ? (
          <Badge color="teal" variant="light">
            Sent {formatDateTime(notice.sentAt)} by{' '}
            {notice.sentVia ? NOTICE_VIA_LABEL[notice.sentVia].toLowerCase() : '—'}
            {notice.emailed ? ' (emailed by Attest)' : ''}
          </Badge>
        ) : (
          <Badge color="orange" variant="light">
            Draft
          </Badge>
        )}
      </Group>
      <FieldsForm
        idPrefix={`notice-${notice.id}`}
        values={values}
        readOnly={!editable}
        missing={sent ? undefined : notice.missing}
        onChange={(key, value) => setEdits((e) => ({ ...e, [key]: value }))}
      />
      {error !== null && <ErrorAlert error={error} title={sent ? 'Not done' : 'Not sent'} />}
      <Group justify="space-between" mt="sm" wrap="wrap">
        <Group gap="xs">
          <Button
            component="a"
            href={incidentApi.noticeUrl(incident.id, notice.id, 'md')}
            variant="default"
            size="xs"
            leftSection={<IconDownload size={14} />}
          >
            Markdown
          </Button>
          <Button
            component="a"
            href={incidentApi.noticeUrl(incident.id, notice.id, 'pdf')}
            variant="default"
            size="xs"
            leftSection={<IconDownload size={14} />}
          >
            PDF
          </Button>
          {notice.pdfEvidenceId && (
            <Anchor size="sm" href={incidentApi.evidenceUrl(notice.pdfEvidenceId)}>
              Evidence (INC-05)
            </Anchor>
          )}
        </Group>
        {editable && (
          <Group gap="xs" align="flex-end">
            <Button variant="light" loading={busy} onClick={() => void save(false)}>
              Save notice
            </Button>
            <Select
              aria-label={`How the notice to ${customer.name} is sent`}
              data={Object.entries(NOTICE_VIA_LABEL).map(([value, label]) => ({ value, label }))}
              value={via}
              onChange={(v) => setVia((v as NoticeVia | null) ?? 'email')}
              allowDeselect={false}
              w={170}
            />
            <Button color="teal" loading={busy} onClick={() => void save(true)}>
              Mark sent
            </Button>
          </Group>
        )}
      </Group>
    </Card>
  );
}
