import { Alert, Anchor, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { Link, useParams } from 'react-router-dom';
import { Loaded } from '../components/PageStatus';
import { PolicyMarkdown } from '../components/PolicyMarkdown';
import { type TrainingAttempt, type TrainingModuleView, trainingApi } from '../components/TrainingApi';
import { TrainingQuiz } from '../components/TrainingQuiz';
import { TrainingCertificateLink, TrainingStateBadge } from '../components/TrainingStateBadge';
import { formatDate, formatDateTime } from '../format';
import { useApi } from '../useApi';

/** `/training/:moduleId`: one training module, its lesson, then its quiz and your attempts. */
export function TrainingModulePage() {
  const { moduleId = '' } = useParams();
  const module = useApi(() => trainingApi.module(moduleId), moduleId);
  const mine = useApi(() => trainingApi.mine(), moduleId);
  const attempts = useApi(() => trainingApi.attempts(moduleId), moduleId);
  const reload = () => {
    void mine.reload();
    void attempts.reload();
  };

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/training" size="sm">
        ← Training
      </Anchor>
      <Loaded state={module}>
        {(m) => {
          const status = mine.data?.items.find((i) => i.module.id === m.id);
          const takes = mine.data?.applies ?? false;
          return (
            <>
              <div>
                <Group justify="space-between" align="flex-start">
                  <Title order={1} size="h2">
                    {m.title}
                  </Title>
                  <Group gap="xs">
                    {status && <TrainingStateBadge state={status.state} size="md" />}
                    <Badge variant="outline">Version {m.version}</Badge>
                    {!m.required && (
                      <Badge variant="outline" color="gray">
                        Optional
                      </Badge>
                    )}
                  </Group>
                </Group>
                {m.summary && <Text c="dimmed">{m.summary}</Text>}
                {status?.dueAt && (
                  <Text size="sm" mt={4}>
                    {status.lastPassedAt
                      ? `Passed ${formatDate(status.lastPassedAt)} (${status.score}%); due again ${formatDate(status.dueAt)}.`
                      : `Due ${formatDate(status.dueAt)}.`}
                  </Text>
                )}
              </div>
              <Card withBorder radius="md" padding="lg">
                <PolicyMarkdown source={m.body} />
              </Card>
              <QuizSection module={m} takes={takes} loading={mine.data === undefined} onResult={reload} />
              {takes && <AttemptHistory state={attempts} />}
            </>
          );
        }}
      </Loaded>
    </Stack>
  );
}

function QuizSection({
  module,
  takes,
  loading,
  onResult,
}: {
  module: TrainingModuleView;
  takes: boolean;
  loading: boolean;
  onResult: () => void;
}) {
  if (loading) return null;
  if (module.retiredAt) {
    return (
      <Alert color="gray" icon={<IconInfoCircle size={18} />}>
        This module is retired, so its quiz can no longer be taken.
      </Alert>
    );
  }
  if (!takes) {
    return (
      <Alert color="gray" icon={<IconInfoCircle size={18} />}>
        Auditors read the lesson and review results; they do not take the quiz.
      </Alert>
    );
  }
  return <TrainingQuiz module={module} onResult={onResult} />;
}

function AttemptHistory({
  state,
}: {
  state: {
    data: { items: TrainingAttempt[] } | undefined;
    error: unknown;
    loading: boolean;
    reload: () => Promise<void>;
  };
}) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Your attempts
        </Title>
        <Loaded state={state}>
          {({ items }) =>
            items.length === 0 ? (
              <Text size="sm" c="dimmed">
                No attempts yet. Read the lesson, then answer the quiz above.
              </Text>
            ) : (
              <Table verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Version</Table.Th>
                    <Table.Th>Score</Table.Th>
                    <Table.Th>Result</Table.Th>
                    <Table.Th>Certificate</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Td>{formatDateTime(a.completedAt)}</Table.Td>
                      <Table.Td>{a.moduleVersion}</Table.Td>
                      <Table.Td>{a.score}%</Table.Td>
                      <Table.Td>
                        <Badge color={a.passed ? 'teal' : 'red'} variant="light" size="sm">
                          {a.passed ? 'Passed' : 'Not passed'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {a.certificateId ? <TrainingCertificateLink attemptId={a.id} label="PDF" /> : '—'}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </Loaded>
      </Stack>
    </Card>
  );
}
