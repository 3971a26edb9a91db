import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  MultiSelect,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconMessageQuestion } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { type AuditRequest, auditApi, REQUEST_STATUS } from '../api/audits';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';

const MESSAGE_LABEL = { answer: 'answered', reopen: 'reopened', accept: 'accepted' } as const;

/** The auditor raises a request: what they need, why, for which control, by when. */
function RaiseForm({ auditId, onRaised }: { auditId: string; onRaised: () => void }) {
  const controls = useApi(() => auditApi.controls(auditId), auditId);
  const [title, setTitle] = useState('');
  const [details, setDetails] = useState('');
  const [controlId, setControlId] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auditApi.raise(auditId, {
        title,
        details,
        ...(controlId ? { controlId } : {}),
        ...(dueOn ? { dueOn } : {}),
      });
      setTitle('');
      setDetails('');
      setControlId(null);
      setDueOn('');
      onRaised();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack gap="sm">
          <Text fw={500}>Raise a request</Text>
          <TextInput label="What you need" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
          <Textarea
            label="Details"
            value={details}
            onChange={(e) => setDetails(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Group grow>
            <Select
              label="Control (optional)"
              data={(controls.data?.controls ?? []).map((c) => ({ value: c.id, label: `${c.key} ${c.title}` }))}
              value={controlId}
              onChange={setControlId}
              searchable
              clearable
            />
            <TextInput label="Due" type="date" value={dueOn} onChange={(e) => setDueOn(e.currentTarget.value)} />
          </Group>
          {error !== null && <ErrorAlert error={error} title="Not raised" />}
          <Group justify="flex-end">
            <Button type="submit" loading={busy} disabled={!title.trim()}>
              Raise request
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

/** The team answers with a message and/or evidence from the window. */
function AnswerForm({ auditId, request, onDone }: { auditId: string; request: AuditRequest; onDone: () => void }) {
  const evidence = useApi(() => auditApi.evidence(auditId), auditId);
  const [message, setMessage] = useState('');
  const [evidenceIds, setEvidenceIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await auditApi.answer(auditId, request.id, { message, evidenceIds });
      setMessage('');
      setEvidenceIds([]);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="xs">
        <Textarea
          label={`Answer request #${request.number}`}
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
          autosize
          minRows={2}
        />
        <MultiSelect
          label="Link evidence"
          data={(evidence.data?.items ?? []).map((e) => ({ value: e.id, label: `#${e.ledgerIndex} ${e.name}` }))}
          value={evidenceIds}
          onChange={setEvidenceIds}
          searchable
        />
        {error !== null && <ErrorAlert error={error} title="Not answered" />}
        <Group justify="flex-end">
          <Button type="submit" size="xs" loading={busy} disabled={!message.trim() && evidenceIds.length === 0}>
            Send answer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Accept the answer, or reopen the request saying what is still missing. */
function AuditorActions({ auditId, request, onDone }: { auditId: string; request: AuditRequest; onDone: () => void }) {
  const [reopening, setReopening] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      setReopening(false);
      setMessage('');
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Stack gap="xs">
      <Group gap="xs">
        {request.status === 'answered' && (
          <Button size="xs" onClick={() => void act(() => auditApi.accept(auditId, request.id))}>
            Accept
          </Button>
        )}
        <Button size="xs" variant="default" onClick={() => setReopening((r) => !r)}>
          Reopen
        </Button>
      </Group>
      {reopening && (
        <Group align="flex-end">
          <TextInput
            label="What is still missing"
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button
            size="xs"
            disabled={!message.trim()}
            onClick={() => void act(() => auditApi.reopen(auditId, request.id, message))}
          >
            Reopen request
          </Button>
        </Group>
      )}
      {error !== null && <ErrorAlert error={error} />}
    </Stack>
  );
}

/** Evidence requests: auditors raise, accept and reopen; owners, admins and members answer. */
export function AuditPortalRequests({
  auditId,
  role,
  onChanged,
}: {
  auditId: string;
  role: string | null;
  /** After a change: the audit's request counts move too. */
  onChanged: () => void;
}) {
  const state = useApi(() => auditApi.requests(auditId), auditId);
  const auditor = role === 'auditor';
  const team = role === 'owner' || role === 'admin' || role === 'member';
  const reload = () => {
    void state.reload();
    onChanged();
  };

  return (
    <Stack>
      {auditor && <RaiseForm auditId={auditId} onRaised={reload} />}
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState icon={<IconMessageQuestion size={28} />} title="No requests yet">
              {auditor ? 'Ask the team for what you need to see.' : 'The auditor has not asked for anything yet.'}
            </EmptyState>
          ) : (
            <Stack>
              {items.map((r) => (
                <Card key={r.id} withBorder aria-label={`Request #${r.number}`}>
                  <Stack gap="xs">
                    <Group justify="space-between">
                      <Text fw={500}>
                        #{r.number} {r.title}
                      </Text>
                      <Badge color={REQUEST_STATUS[r.status].color} variant="light">
                        {REQUEST_STATUS[r.status].label}
                      </Badge>
                    </Group>
                    <Text size="xs" c="dimmed">
                      Raised by {r.raisedBy?.email ?? 'someone'} on {formatDateTime(r.raisedAt)}
                      {r.control ? ` · ${r.control.key}` : ''}
                      {r.dueOn ? ` · due ${r.dueOn}` : ''}
                    </Text>
                    {r.details && <Text size="sm">{r.details}</Text>}
                    {r.messages.map((m) => (
                      <Text key={m.id} size="sm">
                        <Text span fw={500}>
                          {m.author ?? 'Someone'} {MESSAGE_LABEL[m.kind]}
                        </Text>
                        {m.body ? `: ${m.body}` : ''}{' '}
                        <Text span size="xs" c="dimmed">
                          ({formatDateTime(m.at)})
                        </Text>
                      </Text>
                    ))}
                    {r.evidence.length > 0 && (
                      <Group gap="xs">
                        <Text size="sm">Evidence:</Text>
                        {r.evidence.map((e) =>
                          e.erased ? (
                            <Text key={e.id} size="sm" c="dimmed">
                              {e.name} (erased)
                            </Text>
                          ) : (
                            <Anchor key={e.id} size="sm" href={auditApi.evidenceUrl(auditId, e.id)} download={e.name}>
                              {e.name}
                            </Anchor>
                          ),
                        )}
                      </Group>
                    )}
                    {team && r.status !== 'accepted' && <AnswerForm auditId={auditId} request={r} onDone={reload} />}
                    {auditor && (r.status === 'answered' || r.status === 'accepted') && (
                      <AuditorActions auditId={auditId} request={r} onDone={reload} />
                    )}
                  </Stack>
                </Card>
              ))}
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}
