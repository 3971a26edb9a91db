import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconInfoCircle, IconSchool } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Loaded } from '../components/PageStatus';
import { type MyTraining, trainingApi } from '../components/TrainingApi';
import { TrainingModuleList } from '../components/TrainingModuleList';
import { TrainingReportPanel } from '../components/TrainingReportPanel';
import { TrainingCertificateLink, TrainingStateBadge } from '../components/TrainingStateBadge';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/training`: security awareness training. Everyone (but auditors) sees their modules with
 * state, due date and certificates; owners and admins manage the modules; owners, admins and
 * auditors read the report of everyone.
 */
export function TrainingPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const readsReport = manager || me.role === 'auditor';
  const mine = useApi(() => trainingApi.mine());
  const [version, setVersion] = useState(0);
  const changed = () => {
    setVersion((v) => v + 1);
    void mine.reload();
  };

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Training
      </Title>
      <Text size="sm" c="dimmed">
        Short lessons on the security habits that matter most, each with a quiz. Passing one issues a certificate, kept
        as evidence; completions last a year, and reminders come before one is due.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Stack>
          <Title order={2} size="h4">
            My training
          </Title>
          <Loaded state={mine}>{(data) => <MyModules data={data} />}</Loaded>
        </Stack>
      </Card>
      {manager && <TrainingModuleList onChanged={changed} />}
      {readsReport && <TrainingReportPanel version={version} />}
    </Stack>
  );
}

function MyModules({ data }: { data: MyTraining }) {
  if (!data.applies) {
    return (
      <Alert color="gray" icon={<IconInfoCircle size={18} />}>
        Auditors review training records; they do not take the training. The report below shows everyone’s progress.
      </Alert>
    );
  }
  if (data.items.length === 0) {
    return (
      <EmptyState icon={<IconSchool size={28} />} title="No training modules">
        <Text size="sm" c="dimmed">
          Your organisation has retired every module. Nothing is waiting on you.
        </Text>
      </EmptyState>
    );
  }
  const owed = data.items.filter((i) => i.module.required && i.state !== 'done').length;
  return (
    <Stack>
      {!data.required && (
        <Alert color="gray" icon={<IconInfoCircle size={18} />}>
          Your organisation does not currently require training, but the modules are here for you.
        </Alert>
      )}
      <Text size="sm">
        {owed === 0
          ? 'You are up to date with every required module.'
          : `${owed} required ${owed === 1 ? 'module needs' : 'modules need'} your attention.`}{' '}
        A pass counts for {data.validityDays} days.
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Module</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Due</Table.Th>
              <Table.Th>Last passed</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((item) => (
              <Table.Tr key={item.module.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/training/${item.module.id}`} size="sm" fw={500}>
                    {item.module.title}
                  </Anchor>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {item.module.summary}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <TrainingStateBadge state={item.state} />
                    {!item.module.required && (
                      <Badge size="sm" variant="outline" color="gray">
                        Optional
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDate(item.dueAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{item.lastPassedAt ? `${formatDate(item.lastPassedAt)} (${item.score}%)` : '—'}</Text>
                  {item.attemptId && item.certificateId && <TrainingCertificateLink attemptId={item.attemptId} />}
                </Table.Td>
                <Table.Td>
                  <Button
                    component={Link}
                    to={`/training/${item.module.id}`}
                    size="xs"
                    variant={item.state === 'done' ? 'default' : 'filled'}
                  >
                    {item.lastPassedAt ? 'Retake' : 'Start'}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
