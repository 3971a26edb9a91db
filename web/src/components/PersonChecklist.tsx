import { Badge, Card, Group, List, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircle, IconCircleCheck, IconMinus } from '@tabler/icons-react';
import { formatDate } from '../format';
import { formatDay, ONBOARDING_BADGE, type OnboardingItem, type OnboardingState, type PersonDetail } from './PeopleApi';

const ICON: Record<OnboardingState, { icon: typeof IconCircle; color: string }> = {
  done: { icon: IconCircleCheck, color: 'teal' },
  pending: { icon: IconCircle, color: 'blue' },
  overdue: { icon: IconAlertTriangle, color: 'red' },
  not_required: { icon: IconMinus, color: 'gray' },
};

/** The person's onboarding checklist: each step's state, what it means, and when it was done or is due. */
export function PersonChecklist({ onboarding }: { onboarding: PersonDetail['onboarding'] }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Onboarding
          </Title>
          <Text size="sm" c={onboarding.overdue > 0 ? 'red' : 'dimmed'}>
            {onboarding.done} of {onboarding.required} required steps done
            {onboarding.overdue > 0 ? `, ${onboarding.overdue} overdue` : ''}
          </Text>
        </Group>
        <List spacing="md" listStyleType="none" aria-label="Onboarding checklist">
          {onboarding.items.map((item) => (
            <ChecklistItem key={item.key} item={item} />
          ))}
        </List>
      </Stack>
    </Card>
  );
}

function ChecklistItem({ item }: { item: OnboardingItem }) {
  const badge = ONBOARDING_BADGE[item.state];
  const { icon: Icon, color } = ICON[item.state];
  const done = item.doneAt ? (item.doneAt.length === 10 ? formatDay(item.doneAt) : formatDate(item.doneAt)) : null;
  return (
    <List.Item
      icon={
        <ThemeIcon color={color} variant="light" radius="xl" size="md" aria-hidden>
          <Icon size={16} />
        </ThemeIcon>
      }
    >
      <Group gap="xs">
        <Text size="sm" fw={500}>
          {item.title}
        </Text>
        <Badge color={badge.color} variant="light" size="sm">
          {badge.label}
        </Badge>
        {item.late && (
          <Badge color="orange" variant="light" size="sm">
            Late
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {item.detail}
      </Text>
      {(done || (item.dueOn && item.state !== 'done' && item.state !== 'not_required')) && (
        <Text size="xs" c="dimmed">
          {done ? `Done ${done}` : `Due ${formatDay(item.dueOn)}`}
        </Text>
      )}
    </List.Item>
  );
}
