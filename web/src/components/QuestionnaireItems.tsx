import { Alert, Badge, Button, Group, Modal, Select, Stack, Table, Text, Textarea, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api';
import {
  type AnswerShort,
  type QuestionnaireItem,
  questionnairesApi,
  type Review,
  SHORT_LABELS,
  STATUS,
  type Suggestion,
} from '../api/questionnaires';

const SHORT_OPTIONS = [
  { value: '', label: 'No short answer' },
  ...Object.entries(SHORT_LABELS).map(([value, label]) => ({ value, label })),
];

export function confidenceColor(c: number): string {
  return c >= 0.6 ? 'green' : c >= 0.35 ? 'yellow' : 'gray';
}

function SourceLine({ suggestion }: { suggestion: Suggestion }) {
  const s = suggestion.source;
  return (
    <Group gap={6} wrap="nowrap">
      <Tooltip label="Confidence: how closely the question matches the source (1 is an exact match)">
        <Badge size="sm" variant="light" color={confidenceColor(suggestion.confidence)}>
          {Math.round(suggestion.confidence * 100)}%
        </Badge>
      </Tooltip>
      <Text size="xs" c="dimmed" lineClamp={1}>
        {s.kind === 'library' ? `Library: “${s.question}”` : `Control ${s.key} (${s.health.replace('_', ' ')})`}
      </Text>
    </Group>
  );
}

function SuggestionView({ suggestion }: { suggestion: Suggestion }) {
  const caution = /Caution|Do not claim/.test(suggestion.note);
  return (
    <Stack gap={4}>
      <Text size="sm">
        {suggestion.short && <b>{SHORT_LABELS[suggestion.short]}. </b>}
        {suggestion.answer}
      </Text>
      <SourceLine suggestion={suggestion} />
      {caution && (
        <Text size="xs" c="orange">
          <IconAlertTriangle size={12} aria-hidden /> {suggestion.note}
        </Text>
      )}
    </Stack>
  );
}

/** The questions of a questionnaire: suggestion, source and confidence, the reviewed answer, and the review actions. */
export function QuestionnaireItems({
  questionnaireId,
  items,
  canReview,
  onChanged,
}: {
  questionnaireId: string;
  items: QuestionnaireItem[];
  canReview: boolean;
  onChanged: (item: QuestionnaireItem) => void;
}) {
  const [editing, setEditing] = useState<QuestionnaireItem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const send = async (item: QuestionnaireItem, body: Review) => {
    setBusy(item.id);
    try {
      onChanged(await questionnairesApi.review(questionnaireId, item.id, body));
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not saved', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="sm" aria-label="Questions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>Row</Table.Th>
              <Table.Th w="30%">Question</Table.Th>
              <Table.Th>Suggestion or answer</Table.Th>
              <Table.Th w={200}>Review</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => {
              const [best, ...others] = item.suggestions;
              const reviewed = item.status === 'accepted' || item.status === 'edited';
              return (
                <Table.Tr key={item.id}>
                  <Table.Td c="dimmed">{item.rowNumber}</Table.Td>
                  <Table.Td>
                    <Text size="sm">{item.question}</Text>
                    {item.originalAnswer && (
                      <Text size="xs" c="dimmed">
                        In the file: {item.originalAnswer}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap="xs">
                      <Badge size="sm" color={STATUS[item.status].color} variant="light">
                        {STATUS[item.status].label}
                      </Badge>
                      {reviewed ? (
                        <Text size="sm">{item.finalAnswer}</Text>
                      ) : best ? (
                        <SuggestionView suggestion={best} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          Nothing in the library or the controls matches. Write the answer.
                        </Text>
                      )}
                      {!reviewed && others.length > 0 && (
                        <details>
                          <summary>
                            <Text span size="xs">
                              {others.length} more suggestion{others.length === 1 ? '' : 's'}
                            </Text>
                          </summary>
                          <Stack gap="xs" mt={6}>
                            {others.map((s, i) => (
                              <Group
                                key={s.source.kind === 'library' ? s.source.entryId : s.source.controlId}
                                align="flex-start"
                                wrap="nowrap"
                              >
                                <SuggestionView suggestion={s} />
                                {canReview && (
                                  <Button
                                    size="compact-xs"
                                    variant="light"
                                    loading={busy === item.id}
                                    onClick={() => void send(item, { decision: 'accept', suggestion: i + 1 })}
                                  >
                                    Use this
                                  </Button>
                                )}
                              </Group>
                            ))}
                          </Stack>
                        </details>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    {canReview && (
                      <Group gap={6}>
                        {!reviewed && best && (
                          <Button
                            size="xs"
                            leftSection={<IconCheck size={14} />}
                            loading={busy === item.id}
                            onClick={() => void send(item, { decision: 'accept', suggestion: 0 })}
                            aria-label={`Accept the suggestion for row ${item.rowNumber}`}
                          >
                            Accept
                          </Button>
                        )}
                        <Button
                          size="xs"
                          variant="default"
                          leftSection={<IconPencil size={14} />}
                          onClick={() => setEditing(item)}
                          aria-label={`${reviewed || best ? 'Edit' : 'Write'} the answer for row ${item.rowNumber}`}
                        >
                          {reviewed || best ? 'Edit' : 'Write'}
                        </Button>
                        {reviewed && (
                          <Button
                            size="xs"
                            variant="subtle"
                            color="gray"
                            leftSection={<IconX size={14} />}
                            loading={busy === item.id}
                            onClick={() => void send(item, { decision: 'clear' })}
                            aria-label={`Clear the answer for row ${item.rowNumber}`}
                          >
                            Clear
                          </Button>
                        )}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <AnswerModal
        item={editing}
        onClose={() => setEditing(null)}
        onSave={async (short, answer) => {
          if (!editing) return;
          onChanged(await questionnairesApi.review(questionnaireId, editing.id, { decision: 'answer', short, answer }));
          setEditing(null);
        }}
      />
    </>
  );
}

function AnswerModal({
  item,
  onClose,
  onSave,
}: {
  item: QuestionnaireItem | null;
  onClose: () => void;
  onSave: (short: AnswerShort | null, answer: string) => Promise<void>;
}) {
  const start = item?.answer !== null && item?.answer !== undefined ? item : item?.suggestions[0];
  const key = item ? `${item.id}-${item.status}` : '';
  return (
    <Modal opened={item !== null} onClose={onClose} title="Answer" size="lg">
      {item && (
        <AnswerForm
          key={key}
          question={item.question}
          short={start?.short ?? null}
          answer={start?.answer ?? ''}
          onSave={onSave}
          onClose={onClose}
        />
      )}
    </Modal>
  );
}

function AnswerForm(props: {
  question: string;
  short: AnswerShort | null;
  answer: string;
  onSave: (short: AnswerShort | null, answer: string) => Promise<void>;
  onClose: () => void;
}) {
  const [short, setShort] = useState<string>(props.short ?? '');
  const [answer, setAnswer] = useState(props.answer);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onSave(short ? (short as AnswerShort) : null, answer);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Stack>
        <Text size="sm" fw={500}>
          {props.question}
        </Text>
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Select
          label="Short answer"
          data={SHORT_OPTIONS}
          value={short}
          allowDeselect={false}
          onChange={(v) => setShort(v ?? '')}
        />
        <Textarea
          label="Answer"
          description="Written into the answer column after the short answer. Saved answers are added to the answer library."
          autosize
          minRows={4}
          maxLength={10_000}
          required
          value={answer}
          onChange={(e) => setAnswer(e.currentTarget.value)}
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!answer.trim()}>
            Save answer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
