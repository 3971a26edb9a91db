import { Anchor, Badge, Button, Card, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSchool } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { ConfirmModal } from './ConfirmModal';
import { Loaded } from './PageStatus';
import { type TrainingModule, trainingApi } from './TrainingApi';
import { TrainingModuleEditor } from './TrainingModuleEditor';

/**
 * Every module of the organisation, retired ones included, for owners and admins: add their own,
 * edit (a new version), make optional, retire and restore.
 */
export function TrainingModuleList({ onChanged }: { onChanged: () => void }) {
  const list = useApi(() => trainingApi.modules(true));
  const [creating, setCreating] = useState(false);
  const editing = useModalTarget<TrainingModule>();
  const retiring = useModalTarget<TrainingModule>();
  const changed = () => {
    void list.reload();
    onChanged();
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Modules
          </Title>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New module
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          The built-in course covers the essentials. Add modules of your own for your processes; changing one makes a
          new version, and everyone’s earlier completion stays valid until it expires.
        </Text>
        <Loaded state={list}>
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState icon={<IconSchool size={28} />} title="No modules yet">
                <Text size="sm" c="dimmed">
                  Add a module with a lesson and a short quiz.
                </Text>
              </EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Module</Table.Th>
                      <Table.Th>Source</Table.Th>
                      <Table.Th>Questions</Table.Th>
                      <Table.Th>Pass mark</Table.Th>
                      <Table.Th>Version</Table.Th>
                      <Table.Th>Actions</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((m) => (
                      <Table.Tr key={m.id} opacity={m.retiredAt ? 0.6 : 1}>
                        <Table.Td>
                          <Anchor component={Link} to={`/training/${m.id}`} size="sm" fw={500}>
                            {m.title}
                          </Anchor>
                          <Group gap={4} mt={2}>
                            {m.required ? (
                              <Badge size="xs" variant="outline">
                                Required
                              </Badge>
                            ) : (
                              <Badge size="xs" variant="outline" color="gray">
                                Optional
                              </Badge>
                            )}
                            {m.retiredAt && (
                              <Badge size="xs" color="gray">
                                Retired {formatDate(m.retiredAt)}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{m.builtin ? 'Built in' : 'Your own'}</Text>
                        </Table.Td>
                        <Table.Td>{m.questionCount}</Table.Td>
                        <Table.Td>{m.passMark}%</Table.Td>
                        <Table.Td>{m.version}</Table.Td>
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Button size="xs" variant="light" onClick={() => editing.open(m)}>
                              Edit
                            </Button>
                            {m.retiredAt ? (
                              <Button
                                size="xs"
                                variant="subtle"
                                onClick={async () => {
                                  await trainingApi.setRetired(m.id, false);
                                  notifications.show({ color: 'teal', message: `Restored “${m.title}”.` });
                                  changed();
                                }}
                              >
                                Restore
                              </Button>
                            ) : (
                              <Button size="xs" variant="subtle" color="red" onClick={() => retiring.open(m)}>
                                Retire
                              </Button>
                            )}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </Loaded>
      </Stack>
      <TrainingModuleEditor
        module={null}
        opened={creating}
        onClose={() => setCreating(false)}
        onSaved={(m) => {
          notifications.show({ color: 'teal', message: `Added “${m.title}”.` });
          changed();
        }}
      />
      <TrainingModuleEditor
        module={editing.target}
        opened={editing.opened}
        onClose={editing.close}
        onExited={editing.onExited}
        onSaved={(m) => {
          notifications.show({ color: 'teal', message: `Saved “${m.title}” (version ${m.version}).` });
          changed();
        }}
      />
      <ConfirmModal
        opened={retiring.opened}
        onClose={retiring.close}
        onExited={retiring.onExited}
        title="Retire this module?"
        confirmLabel="Retire module"
        onConfirm={async () => {
          if (!retiring.target) return;
          await trainingApi.setRetired(retiring.target.id, true);
          changed();
        }}
      >
        Nobody will owe “{retiring.target?.title}” any more and it can no longer be taken. Completions and certificates
        stay in the evidence vault. You can restore it later.
      </ConfirmModal>
    </Card>
  );
}
