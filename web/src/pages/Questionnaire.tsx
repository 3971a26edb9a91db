import { Anchor, Button, Card, Group, Progress, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconRefresh, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { errorMessage } from '../api';
import { columnName, type QuestionnaireDetail, questionnairesApi } from '../api/questionnaires';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { QuestionnaireItems } from '../components/QuestionnaireItems';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

type Filter = 'all' | 'open' | 'done';

/** `/questionnaires/:questionnaireId`: review each question's suggested answer, then export the filled file. */
export function QuestionnairePage() {
  const { questionnaireId = '' } = useParams();
  const { me } = useSession();
  const manager = isManager(me);
  const navigate = useNavigate();
  const state = useApi(() => questionnairesApi.get(questionnaireId), questionnaireId);
  const [filter, setFilter] = useState<Filter>('all');
  const [busy, setBusy] = useState<'export' | 'suggest' | null>(null);
  const [deleting, setDeleting] = useState(false);

  const run = async (what: 'export' | 'suggest', q: QuestionnaireDetail) => {
    setBusy(what);
    try {
      if (what === 'export') {
        const name = await questionnairesApi.export(q.id, q.fileName);
        notifications.show({ color: 'teal', message: `Saved ${name}.` });
      } else {
        state.setData(await questionnairesApi.suggestAgain(q.id));
        notifications.show({ color: 'teal', message: 'Suggestions refreshed from the library and control status.' });
      }
    } catch (err) {
      notifications.show({ color: 'red', title: 'Failed', message: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Loaded state={state}>
      {(q) => {
        const done = q.progress.accepted + q.progress.edited;
        const percent = q.progress.total ? Math.round((done / q.progress.total) * 100) : 0;
        const items = q.items.filter((i) => {
          const reviewed = i.status === 'accepted' || i.status === 'edited';
          return filter === 'all' || (filter === 'done' ? reviewed : !reviewed);
        });
        return (
          <Stack gap="lg">
            <Anchor component={Link} to="/questionnaires" size="sm">
              ← Questionnaires
            </Anchor>
            <Group justify="space-between" align="flex-start">
              <div>
                <Title order={1} size="h2">
                  {q.title}
                </Title>
                <Text size="sm" c="dimmed">
                  {q.customer ? `${q.customer} · ` : ''}
                  {q.fileName}
                  {q.sheet ? `, sheet “${q.sheet}”` : ''} · questions in column {columnName(q.questionColumn)}, answers
                  in column {columnName(q.answerColumn)}
                  {q.answerColumnNew ? ' (added)' : ''} · imported {formatDate(q.createdAt)}
                </Text>
              </div>
              {manager && (
                <Group gap="xs">
                  <Button
                    variant="default"
                    leftSection={<IconRefresh size={16} />}
                    loading={busy === 'suggest'}
                    onClick={() => void run('suggest', q)}
                  >
                    Suggest again
                  </Button>
                  <Button
                    leftSection={<IconDownload size={16} />}
                    loading={busy === 'export'}
                    onClick={() => void run('export', q)}
                  >
                    Export {q.format.toUpperCase()}
                  </Button>
                  <Button
                    variant="subtle"
                    color="red"
                    leftSection={<IconTrash size={16} />}
                    onClick={() => setDeleting(true)}
                  >
                    Delete
                  </Button>
                </Group>
              )}
            </Group>
            <Card withBorder radius="md" padding="lg">
              <Stack gap={6}>
                <Group justify="space-between">
                  <Text size="sm" fw={500}>
                    {done} of {q.progress.total} answered
                  </Text>
                  <Text size="xs" c="dimmed">
                    {q.progress.accepted} accepted · {q.progress.edited} edited · {q.progress.suggested} suggested ·{' '}
                    {q.progress.unanswered} without a suggestion
                  </Text>
                </Group>
                <Progress value={percent} aria-label={`${percent}% answered`} />
                <Text size="xs" c="dimmed">
                  The export writes only reviewed answers (accepted or edited) into the file; every other cell stays as
                  it was.
                </Text>
              </Stack>
            </Card>
            <Card withBorder radius="md" padding="lg">
              <Stack>
                <SegmentedControl
                  w="fit-content"
                  value={filter}
                  onChange={(v) => setFilter(v as Filter)}
                  data={[
                    { value: 'all', label: `All (${q.items.length})` },
                    { value: 'open', label: `To review (${q.items.length - done})` },
                    { value: 'done', label: `Answered (${done})` },
                  ]}
                  aria-label="Show questions"
                />
                {items.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {filter === 'open' ? 'Every question is answered. Export the file.' : 'No question answered yet.'}
                  </Text>
                ) : (
                  <QuestionnaireItems
                    questionnaireId={q.id}
                    items={items}
                    canReview={manager}
                    onChanged={() => void state.reload()}
                  />
                )}
              </Stack>
            </Card>
            <ConfirmModal
              opened={deleting}
              title="Delete this questionnaire?"
              confirmLabel="Delete"
              onClose={() => setDeleting(false)}
              onConfirm={async () => {
                await questionnairesApi.remove(q.id);
                notifications.show({
                  color: 'teal',
                  message: `Deleted ${q.title}. The library keeps what it learned.`,
                });
                void navigate('/questionnaires');
              }}
            >
              <Text size="sm">
                The stored file and its answers are removed. Entries it added to the answer library stay.
              </Text>
            </ConfirmModal>
          </Stack>
        );
      }}
    </Loaded>
  );
}
