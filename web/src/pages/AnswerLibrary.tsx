import { Anchor, Badge, Button, Card, EmptyState, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBooks, IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type LibraryEntry, questionnairesApi, SHORT_LABELS } from '../api/questionnaires';
import { AnswerLibraryEntryModal } from '../components/AnswerLibraryEntryModal';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/questionnaires/library`: the answers suggested for questionnaires. A starter library in our
 * own words is added the first time it is opened; reviewed questionnaire answers add to it.
 */
export function AnswerLibraryPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const library = useApi(() => questionnairesApi.library(search), search);
  const [editing, setEditing] = useState<LibraryEntry | 'new' | null>(null);
  const [deleting, setDeleting] = useState<LibraryEntry | null>(null);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/questionnaires" size="sm">
        ← Questionnaires
      </Anchor>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Answer library
        </Title>
        {manager && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New entry
          </Button>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Each entry answers one question and the other ways customers word it. Suggestions rank entries by how well their
        questions, tags and answers match (BM25); an entry linked to a control that is not passing is never suggested as
        “yes”.
      </Text>
      <TextInput
        label="Search the library"
        placeholder="Ask as a customer would, e.g. “Is data encrypted at rest?”"
        leftSection={<IconSearch size={16} />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
      />
      <Card withBorder radius="md" padding="lg">
        <Loaded state={library}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState icon={<IconBooks size={28} />} title={search ? 'No entry matches' : 'The library is empty'}>
                <Text size="sm" c="dimmed">
                  {search ? 'Try other words, or add an entry.' : 'Add answers you give customers often.'}
                </Text>
              </EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={860}>
                <Table verticalSpacing="sm" aria-label="Library entries">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th w="30%">Question</Table.Th>
                      <Table.Th>Answer</Table.Th>
                      <Table.Th w={160}>Controls</Table.Th>
                      <Table.Th w={150}>Owner, reviewed</Table.Th>
                      {manager && <Table.Th w={110}>Actions</Table.Th>}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((entry) => (
                      <Table.Tr key={entry.id}>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            {entry.question}
                          </Text>
                          {entry.variants.length > 0 && (
                            <Text size="xs" c="dimmed" lineClamp={2}>
                              Also: {entry.variants.join(' · ')}
                            </Text>
                          )}
                          <Group gap={4} mt={4}>
                            {entry.tags.map((t) => (
                              <Badge key={t} size="xs" variant="outline" color="gray">
                                {t}
                              </Badge>
                            ))}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" lineClamp={4}>
                            {entry.short && <b>{SHORT_LABELS[entry.short]}. </b>}
                            {entry.answer}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {entry.controls.map((c) => (
                              <Badge key={c.id} size="sm" variant="light" title={c.title}>
                                {c.key}
                              </Badge>
                            ))}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{entry.owner ? entry.owner.name || entry.owner.email : '—'}</Text>
                          <Text size="xs" c="dimmed">
                            {entry.lastReviewedOn ? `Reviewed ${formatDate(entry.lastReviewedOn)}` : 'Not reviewed'}
                          </Text>
                        </Table.Td>
                        {manager && (
                          <Table.Td>
                            <Group gap={4}>
                              <Button
                                size="compact-sm"
                                variant="subtle"
                                aria-label={`Edit “${entry.question}”`}
                                onClick={() => setEditing(entry)}
                              >
                                <IconPencil size={16} />
                              </Button>
                              <Button
                                size="compact-sm"
                                variant="subtle"
                                color="red"
                                aria-label={`Delete “${entry.question}”`}
                                onClick={() => setDeleting(entry)}
                              >
                                <IconTrash size={16} />
                              </Button>
                            </Group>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </Loaded>
      </Card>
      <AnswerLibraryEntryModal
        entry={editing === 'new' ? null : editing}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={(entry) => {
          setEditing(null);
          notifications.show({ color: 'teal', message: `Saved “${entry.question}”.` });
          void library.reload();
        }}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete this entry?"
        confirmLabel="Delete"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await questionnairesApi.deleteEntry(deleting.id);
          setDeleting(null);
          void library.reload();
        }}
      >
        <Text size="sm">
          “{deleting?.question}” will no longer be suggested. Questionnaires already answered keep their answers.
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
