import { Group, Progress, Text } from '@mantine/core';
import { DECISION_LABEL, type Decision, type Progress as ReviewProgressFigures } from './ReviewApi';

const DECISIONS: Decision[] = ['keep', 'revoke', 'change'];

/** Decided accounts as a bar (kept, revoked, changed), with the count in words beside it. */
export function ReviewProgressBar({
  progress,
  size = 'md',
}: {
  progress: ReviewProgressFigures;
  size?: 'sm' | 'md' | 'lg';
}) {
  const { total, decided } = progress;
  const percent = total ? Math.round((decided / total) * 100) : 0;
  return (
    <div>
      <Progress.Root size={size} aria-label={`${decided} of ${total} accounts decided`}>
        {DECISIONS.map((d) => (
          <Progress.Section
            key={d}
            value={total ? (progress.byDecision[d] / total) * 100 : 0}
            color={DECISION_LABEL[d].color}
            title={`${DECISION_LABEL[d].label}: ${progress.byDecision[d]}`}
          />
        ))}
      </Progress.Root>
      <Group justify="space-between" mt={4} gap="xs">
        <Text size="xs" c="dimmed">
          {decided} of {total} decided ({percent}%)
        </Text>
        {size !== 'sm' && (
          <Text size="xs" c="dimmed">
            {DECISIONS.map((d) => `${DECISION_LABEL[d].label} ${progress.byDecision[d]}`).join(' · ')}
          </Text>
        )}
      </Group>
    </div>
  );
}
