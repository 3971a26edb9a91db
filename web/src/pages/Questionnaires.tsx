import { Anchor, Badge, Button, Card, EmptyState, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBooks, IconClipboardList, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { type QuestionnaireSummary, questionnairesApi } from '../api/questionnaires';
import { Loaded } from '../components/PageStatus';
import { QuestionnaireImportModal } from '../components/QuestionnaireImportModal';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/questionnaires`: security questionnaires customers sent, imported from CSV or XLSX with a
 * suggested answer for each question, and how far each one's review has come. Owners and
 * admins import and review; everyone reads.
 */
export function QuestionnairesPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const navigate = useNavigate();
  const list = useApi(() => questionnairesApi.list());
  const [importing, setImporting] = useState(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Questionnaires
        </Title>
        <Group gap="xs">
          <Button component={Link} to="/questionnaires/library" variant="default" leftSection={<IconBooks size={16} />}>
            Answer library
          </Button>
          {manager && (
            <Button leftSection={<IconUpload size={16} />} onClick={() => setImporting(true)}>
              Import questionnaire
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Import the spreadsheet a customer sent. Each question gets a suggested answer from the answer library and from
        the live status of your controls, with its source and a confidence; a control that is not passing is never
        answered “yes”. Review each answer, then export the file in its original format with the answers filled in.
        Reviewed answers grow the library.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={list}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState icon={<IconClipboardList size={28} />} title="No questionnaires yet">
                <Text size="sm" c="dimmed">
                  {manager
                    ? 'Import a CSV or XLSX questionnaire to get suggested answers for every question.'
                    : 'Owners and admins import the questionnaires customers send.'}
                </Text>
                {manager && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={() => setImporting(true)}>
                      Import questionnaire
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            ) : (
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm" highlightOnHover aria-label="Questionnaires">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Questionnaire</Table.Th>
                      <Table.Th>File</Table.Th>
                      <Table.Th>Reviewed</Table.Th>
                      <Table.Th>Imported</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.items.map((q) => (
                      <QuestionnaireRow key={q.id} questionnaire={q} />
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </Loaded>
      </Card>
      <QuestionnaireImportModal
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(q) => {
          setImporting(false);
          notifications.show({ color: 'teal', message: `Imported ${q.progress.total} questions from ${q.fileName}.` });
          void navigate(`/questionnaires/${q.id}`);
        }}
      />
    </Stack>
  );
}

function QuestionnaireRow({ questionnaire: q }: { questionnaire: QuestionnaireSummary }) {
  const done = q.progress.accepted + q.progress.edited;
  const percent = q.progress.total ? Math.round((done / q.progress.total) * 100) : 0;
  return (
    <Table.Tr>
      <Table.Td>
        <Anchor component={Link} to={`/questionnaires/${q.id}`} fw={500} size="sm">
          {q.title}
        </Anchor>
        {q.customer && (
          <Text size="xs" c="dimmed">
            {q.customer}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={6}>
          <Badge variant="outline" size="sm">
            {q.format.toUpperCase()}
          </Badge>
          <Text size="sm" lineClamp={1}>
            {q.fileName}
          </Text>
        </Group>
      </Table.Td>
      <Table.Td miw={180}>
        <Text size="xs" c="dimmed">
          {done} of {q.progress.total} answered
        </Text>
        <Progress value={percent} size="sm" aria-label={`${percent}% reviewed`} />
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDate(q.createdAt)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
