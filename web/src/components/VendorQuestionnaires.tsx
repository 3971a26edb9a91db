import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api';
import { type Questionnaire, type VendorDetail, vendorsApi } from '../api/vendors';
import { formatDate, formatDateTime } from '../format';
import { ErrorAlert } from './PageStatus';

const STATUS: Record<Questionnaire['status'], { label: string; color: string }> = {
  open: { label: 'Waiting for answers', color: 'blue' },
  answered: { label: 'Answered', color: 'teal' },
  expired: { label: 'Expired', color: 'gray' },
  revoked: { label: 'Withdrawn', color: 'gray' },
};

const ANSWER_LABEL: Record<string, string> = { yes: 'Yes', no: 'No', not_applicable: 'Not applicable' };

/** The vendor's questionnaire links: make one (shown once), withdraw it, read the answers. */
export function VendorQuestionnaires({ vendor, onChanged }: { vendor: VendorDetail; onChanged: () => void }) {
  const [creating, setCreating] = useState(false);
  const [reading, setReading] = useState<Questionnaire | null>(null);
  const closed = vendor.status === 'rejected' || vendor.status === 'offboarded';

  const revoke = async (q: Questionnaire) => {
    try {
      await vendorsApi.revokeLink(vendor.id, q.id);
      notifications.show({ color: 'teal', message: 'The link is withdrawn.' });
      onChanged();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not withdrawn', message: errorMessage(err) });
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Security questionnaires
          </Title>
          {vendor.canEdit && !closed && (
            <Button size="xs" leftSection={<IconSend size={14} />} onClick={() => setCreating(true)}>
              New link
            </Button>
          )}
        </Group>
        {vendor.questionnaires.length === 0 ? (
          <Text size="sm" c="dimmed">
            No questionnaire sent yet. A link lets the vendor answer our security questions without an account.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table verticalSpacing="xs" aria-label="Questionnaire links">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Made</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Answered by</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {vendor.questionnaires.map((q) => (
                  <Table.Tr key={q.id}>
                    <Table.Td>
                      <Text size="sm">{formatDate(q.createdAt)}</Text>
                      {q.createdBy && (
                        <Text size="xs" c="dimmed">
                          {q.createdBy}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS[q.status].color} variant="light">
                        {STATUS[q.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{q.status === 'answered' ? '—' : formatDate(q.expiresAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{q.respondent ? `${q.respondent.name} (${q.respondent.email})` : '—'}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        {q.answers && (
                          <Button size="xs" variant="light" onClick={() => setReading(q)}>
                            Read answers
                          </Button>
                        )}
                        {vendor.canEdit && q.status === 'open' && (
                          <Button size="xs" variant="subtle" color="red" onClick={() => void revoke(q)}>
                            Withdraw
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
      </Stack>
      <NewLinkModal vendor={vendor} opened={creating} onClose={() => setCreating(false)} onCreated={onChanged} />
      <AnswersModal questionnaire={reading} vendorName={vendor.name} onClose={() => setReading(null)} />
    </Card>
  );
}

function NewLinkModal({
  vendor,
  opened,
  onClose,
  onCreated,
}: {
  vendor: VendorDetail;
  opened: boolean;
  onClose: () => void;
  onCreated: () => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Questionnaire for ${vendor.name}`} centered size="lg">
      {opened && <NewLinkForm vendor={vendor} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function NewLinkForm({
  vendor,
  onClose,
  onCreated,
}: {
  vendor: VendorDetail;
  onClose: () => void;
  onCreated: () => void;
}) {
  const [days, setDays] = useState<number | string>(14);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const made = await vendorsApi.createLink(vendor.id, Number(days));
      setLink({ url: `${window.location.origin}${made.path}`, expiresAt: made.questionnaire.expiresAt });
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (link) {
    return (
      <Stack>
        <Alert color="yellow" title="Copy the link now">
          Attest keeps only a fingerprint of it, so it cannot show it again. Send it to your contact at {vendor.name}.
          It works once, until {formatDateTime(link.expiresAt)}.
        </Alert>
        <Code block aria-label="Questionnaire link">
          {link.url}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={link.url}>
            {({ copied, copy }) => (
              <Button color={copied ? 'teal' : undefined} onClick={copy}>
                {copied ? 'Copied' : 'Copy link'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm">
          The vendor answers our built-in security questions (assurance reports, encryption, MFA, incident notice,
          subprocessors, data location, testing, backups) on a page that needs no account. The questions are fixed when
          the link is made.
        </Text>
        <NumberInput
          label="Link expires after (days)"
          min={1}
          max={90}
          allowDecimal={false}
          value={days}
          onChange={setDays}
          data-autofocus
        />
        {error !== null && <ErrorAlert error={error} title="No link was made" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Make link
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function AnswersModal({
  questionnaire,
  vendorName,
  onClose,
}: {
  questionnaire: Questionnaire | null;
  vendorName: string;
  onClose: () => void;
}) {
  return (
    <Modal opened={questionnaire !== null} onClose={onClose} title={`Answers from ${vendorName}`} centered size="xl">
      {questionnaire && (
        <Stack>
          <Text size="sm" c="dimmed">
            {questionnaire.respondent?.name} ({questionnaire.respondent?.email}) answered on{' '}
            {formatDateTime(questionnaire.answeredAt)}.
          </Text>
          <Table verticalSpacing="sm" aria-label="Answers">
            <Table.Tbody>
              {questionnaire.questions.map((question, i) => {
                const answer = questionnaire.answers?.[question.id];
                return (
                  <Table.Tr key={question.id}>
                    <Table.Td style={{ width: '55%' }}>
                      <Text size="sm">
                        {i + 1}. {question.text}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500} c={answer?.answer === 'no' ? 'red' : undefined}>
                        {answer ? (ANSWER_LABEL[answer.answer] ?? answer.answer) : '—'}
                      </Text>
                      {answer?.comment && (
                        <Text size="xs" c="dimmed">
                          {answer.comment}
                        </Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Modal>
  );
}
