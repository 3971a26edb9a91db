import { Badge, Card, EmptyState, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconChecks } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { type Items, request } from '../api';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { useApi } from '../useApi';

interface Obligation {
  kind:
    | 'policy'
    | 'training'
    | 'agreement'
    | 'access_review'
    | 'access_request'
    | 'task'
    | 'risk_assessment'
    | 'assessment_finding';
  id: string;
  title: string;
  detail: string;
  href: string;
  dueAt: string | null;
  overdue: boolean;
}

const KIND_LABEL: Record<Obligation['kind'], string> = {
  policy: 'Policy',
  training: 'Training',
  agreement: 'Agreement',
  access_review: 'Access review',
  access_request: 'Access request',
  risk_assessment: 'Risk assessment',
  assessment_finding: 'Assessment finding',
  task: 'Evidence task',
};

/** `/my-work`: everything the signed-in person owes the security program, overdue first. */
export function MyWorkPage() {
  const state = useApi(() => request<Items<Obligation>>('GET', '/me/obligations'));
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        My work
      </Title>
      <Text size="sm" c="dimmed">
        What the security program needs from you: policies to accept, training to take, the confidentiality agreement,
        access to review or decide, and evidence tasks. Overdue things come first.
      </Text>
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <Card withBorder radius="md" padding="lg">
              <EmptyState icon={<IconChecks size={28} />} title="You are all caught up">
                <Text size="sm" c="dimmed">
                  Nothing is waiting for you. New policies, training, reviews and tasks appear here, and you get a
                  notification when they do.
                </Text>
              </EmptyState>
            </Card>
          ) : (
            <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {items.map((o) => (
                <li key={`${o.kind}:${o.id}`}>
                  <UnstyledButton component={Link} to={o.href} style={{ display: 'block', width: '100%' }}>
                    <Card withBorder radius="md" padding="md">
                      <Group justify="space-between" wrap="nowrap" align="flex-start">
                        <Stack gap={4}>
                          <Group gap="xs">
                            <Badge variant="light" color="gray">
                              {KIND_LABEL[o.kind]}
                            </Badge>
                            <Text fw={600}>{o.title}</Text>
                          </Group>
                          <Text size="sm" c="dimmed">
                            {o.detail}
                          </Text>
                        </Stack>
                        {o.dueAt && (
                          <Badge color={o.overdue ? 'red' : 'blue'} variant={o.overdue ? 'filled' : 'light'}>
                            {o.overdue ? 'Overdue' : 'Due'} {formatDate(o.dueAt)}
                          </Badge>
                        )}
                      </Group>
                    </Card>
                  </UnstyledButton>
                </li>
              ))}
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}
