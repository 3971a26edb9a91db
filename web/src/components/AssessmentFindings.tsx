// The findings of one assessment: the table, and the form to add or update a finding.
import {
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecklist, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { Member } from '../api';
import {
  type AssessmentDetail,
  assessmentApi,
  FINDING_STATUS_LABEL,
  type Finding,
  type FindingFields,
  type FindingStatus,
  fieldErrors,
  personLabel,
  SEVERITIES,
  SEVERITY_LABEL,
  type Severity,
} from '../api/assessments';
import { formatDate } from '../format';
import { useModalTarget } from '../useModalTarget';
import { ConfirmModal } from './ConfirmModal';
import { ErrorAlert } from './PageStatus';

export function AssessmentFindings({
  assessment: a,
  manager,
  members,
  onChanged,
}: {
  assessment: AssessmentDetail;
  manager: boolean;
  members: Member[];
  onChanged: () => void;
}) {
  const editing = useModalTarget<Finding | null>();
  const deleting = useModalTarget<Finding>();
  return (
    <Card withBorder radius="md" padding="lg">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Findings
        </Title>
        {manager && (
          <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => editing.open(null)}>
            Add a finding
          </Button>
        )}
      </Group>
      {a.findings.length === 0 ? (
        <EmptyState icon={<IconChecklist size={28} />} title="No findings recorded">
          <Text size="sm" c="dimmed">
            {manager
              ? 'Add each finding of the report, with an owner; its deadline follows its severity.'
              : 'None yet.'}
          </Text>
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" aria-label="Findings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Finding</Table.Th>
                <Table.Th>Severity</Table.Th>
                <Table.Th>Owner</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {a.findings.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {f.title}
                    </Text>
                    {f.description && (
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {f.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={SEVERITY_LABEL[f.severity].color} variant="light">
                      {SEVERITY_LABEL[f.severity].label}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{personLabel(f.owner)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {f.overdue ? (
                      <Badge color="red" variant="light">
                        Overdue · {formatDate(f.dueDate)}
                      </Badge>
                    ) : (
                      <Text size="sm">{formatDate(f.dueDate)}</Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge color={FINDING_STATUS_LABEL[f.status].color} variant="light">
                      {FINDING_STATUS_LABEL[f.status].label}
                    </Badge>
                    {f.fixedOn && (
                      <Text size="xs" c="dimmed">
                        on {formatDate(f.fixedOn)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {f.canEdit && (
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => editing.open(f)}
                          aria-label={`Update ${f.title}`}
                        >
                          Update
                        </Button>
                      )}
                      {manager && (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => deleting.open(f)}
                          aria-label={`Delete ${f.title}`}
                        >
                          Delete
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing.opened}
        onClose={editing.close}
        onExitTransitionEnd={editing.onExited}
        title={editing.target ? `Update ${editing.target.title}` : 'Add a finding'}
        centered
        size="lg"
      >
        {editing.opened && (
          <FindingForm
            assessmentId={a.id}
            finding={editing.target ?? null}
            manager={manager}
            members={members}
            onClose={editing.close}
            onSaved={onChanged}
          />
        )}
      </Modal>
      <ConfirmModal
        opened={deleting.opened}
        onClose={deleting.close}
        onExited={deleting.onExited}
        title="Delete this finding?"
        confirmLabel="Delete"
        onConfirm={async () => {
          if (!deleting.target) return;
          await assessmentApi.removeFinding(a.id, deleting.target.id);
          onChanged();
        }}
      >
        Delete a finding only when it was recorded by mistake. To close a real one, mark it fixed or accept its risk.
      </ConfirmModal>
    </Card>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function FindingForm({
  assessmentId,
  finding,
  manager,
  members,
  onClose,
  onSaved,
}: {
  assessmentId: string;
  finding: Finding | null;
  manager: boolean;
  members: Member[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [title, setTitle] = useState(finding?.title ?? '');
  const [severity, setSeverity] = useState<Severity>(finding?.severity ?? 'high');
  const [description, setDescription] = useState(finding?.description ?? '');
  const [owner, setOwner] = useState(finding?.owner?.id ?? '');
  const [dueDate, setDueDate] = useState(finding?.dueDate ?? '');
  const [status, setStatus] = useState<FindingStatus>(finding?.status ?? 'open');
  const [fixedOn, setFixedOn] = useState(finding?.fixedOn ?? '');
  const [reason, setReason] = useState(finding?.acceptedReason ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (manager && !title.trim()) found.title = 'Give the finding a title.';
    if (status === 'fixed' && fixedOn && fixedOn > today()) found.fixedOn = 'Not a day still to come.';
    if (status === 'accepted' && reason.trim().length < 10) found.acceptedReason = 'Say why (at least 10 characters).';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const statusFields: Partial<FindingFields> = {
      status,
      fixedOn: status === 'fixed' ? fixedOn || null : null,
      ...(manager ? { acceptedReason: status === 'accepted' ? reason.trim() : null } : {}),
    };
    const body: Partial<FindingFields> = manager
      ? {
          title: title.trim(),
          severity,
          description: description.trim(),
          ownerUserId: owner || null,
          ...(dueDate ? { dueDate } : {}),
          ...statusFields,
        }
      : { description: description.trim(), ...statusFields };
    setBusy(true);
    setError(null);
    try {
      if (finding) await assessmentApi.updateFinding(assessmentId, finding.id, body);
      else await assessmentApi.addFinding(assessmentId, { ...body, title: title.trim(), severity });
      notifications.show({ color: 'teal', message: finding ? 'Finding updated.' : 'Finding added.' });
      onSaved();
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const statuses = (manager ? (['open', 'fixed', 'accepted'] as const) : (['open', 'fixed'] as const)).map((s) => ({
    value: s,
    label: FINDING_STATUS_LABEL[s].label,
  }));

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {manager && (
          <>
            <TextInput
              label="Title"
              required
              maxLength={200}
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              error={errors.title}
              data-autofocus
            />
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Select
                label="Severity"
                data={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s].label }))}
                value={severity}
                onChange={(v) => setSeverity((v as Severity | null) ?? 'high')}
                allowDeselect={false}
              />
              <Select
                label="Owner"
                data={[
                  { value: '', label: 'Nobody yet' },
                  ...members
                    .filter((m) => m.role !== 'auditor')
                    .map((m) => ({ value: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email })),
                  ...(finding?.owner && !members.some((m) => m.userId === finding.owner?.id)
                    ? [{ value: finding.owner.id, label: personLabel(finding.owner) }]
                    : []),
                ]}
                value={owner}
                onChange={(v) => setOwner(v ?? '')}
                error={errors.ownerUserId}
              />
              <TextInput
                label="Due by"
                type="date"
                description={finding ? undefined : 'Empty: the severity’s deadline'}
                value={dueDate}
                onChange={(e) => setDueDate(e.currentTarget.value)}
                error={errors.dueDate}
              />
            </SimpleGrid>
          </>
        )}
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxLength={10000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select
            label="Status"
            data={statuses}
            value={status}
            onChange={(v) => setStatus((v as FindingStatus | null) ?? 'open')}
            allowDeselect={false}
            error={errors.status}
          />
          {status === 'fixed' && (
            <TextInput
              label="Fixed on"
              type="date"
              max={today()}
              description="Empty: today"
              value={fixedOn}
              onChange={(e) => setFixedOn(e.currentTarget.value)}
              error={errors.fixedOn}
            />
          )}
        </SimpleGrid>
        {status === 'accepted' && (
          <Textarea
            label="Why the risk is accepted"
            required
            autosize
            minRows={2}
            maxLength={2000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            error={errors.acceptedReason}
          />
        )}
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {finding ? 'Save' : 'Add'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
