import { Card, SimpleGrid, Text } from '@mantine/core';
import type { MonitoringOverview } from './MonitoringApi';

/** One figure: a big number with its label (the label names it for assistive technology). */
export function Figure({ label, value, color, hint }: { label: string; value: number; color?: string; hint?: string }) {
  return (
    <Card withBorder radius="md" padding="md" role="group" aria-label={`${label}: ${value}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} c={color} lh={1.2}>
        {value.toLocaleString()}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Card>
  );
}

/** The day's headline: what fails, what is late, what is about to be, what was accepted, what reports. */
export function MonitoringFigures({ overview }: { overview: MonitoringOverview }) {
  const failing = overview.checks.filter((c) => c.status === 'failing').length;
  const overdue = overview.checks.reduce((sum, c) => sum + c.counts.overdue, 0);
  const atRisk = overview.checks.reduce((sum, c) => sum + c.counts.atRisk, 0);
  const exceptions = overview.exceptions.filter((e) => e.active).length;
  const connected = overview.checks.filter((c) => c.status !== 'not_connected').length;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
      <Figure
        label="Failing checks"
        value={failing}
        color={failing > 0 ? 'red' : undefined}
        hint={connected > 0 ? `of ${connected} with data` : 'no check has data yet'}
      />
      <Figure
        label="Overdue results"
        value={overdue}
        color={overdue > 0 ? 'red' : undefined}
        hint="past their deadline"
      />
      <Figure
        label="At-risk results"
        value={atRisk}
        color={atRisk > 0 ? 'orange' : undefined}
        hint="failing, deadline ahead"
      />
      <Figure
        label="Active exceptions"
        value={exceptions}
        color={exceptions > 0 ? 'yellow.8' : undefined}
        hint="accepted risks"
      />
      <Figure label="Sources connected" value={overview.sources.length} hint="that have pushed" />
    </SimpleGrid>
  );
}
