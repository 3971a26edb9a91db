import { BarChart, DonutChart, LineChart } from '@mantine/charts';
import { Anchor, Badge, Card, Group, List, RingProgress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Health, Readiness } from '../api';
import { HEALTH_LABEL } from '../health';

/** Readiness at a glance: per framework, by category, control health, what to fix first, trend. */
export function ReadinessPanel({ readiness }: { readiness: Readiness }) {
  const { controls, frameworks, attention, trend } = readiness;
  const main = frameworks[0];
  const healthData = (Object.keys(HEALTH_LABEL) as Health[])
    .filter((h) => controls.byHealth[h] > 0)
    .map((h) => ({ name: HEALTH_LABEL[h].label, value: controls.byHealth[h], color: `${HEALTH_LABEL[h].color}.6` }));

  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        {frameworks.map((f) => (
          <Card key={f.id} withBorder radius="md" padding="lg">
            <Group wrap="nowrap">
              <RingProgress
                size={84}
                thickness={8}
                roundCaps
                sections={[
                  { value: f.readiness, color: f.readiness >= 90 ? 'teal' : f.readiness >= 50 ? 'yellow' : 'red' },
                ]}
                label={
                  <Text ta="center" size="sm" fw={700}>
                    {Math.round(f.readiness)}%
                  </Text>
                }
                aria-label={`${f.name} readiness ${f.readiness}%`}
              />
              <div>
                <Anchor component={Link} to={`/readiness/${f.id}`} size="xs" tt="uppercase" fw={600}>
                  {f.name} readiness
                </Anchor>
                <Text size="sm" mt={4}>
                  {f.requirements.met} of {f.requirements.total} criteria in scope met
                </Text>
                <Text size="xs" c="dimmed">
                  {f.requirements.failing} failing · {f.requirements.gaps} without a control
                </Text>
              </div>
            </Group>
          </Card>
        ))}
        <Card withBorder radius="md" padding="lg">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Controls implemented
          </Text>
          <Text fw={700} size="xl" mt={4}>
            {controls.implemented} / {controls.total}
          </Text>
          <Text size="xs" c="dimmed">
            {controls.byHealth.passing} passing · {controls.byHealth.failing} failing
          </Text>
        </Card>
        <Card withBorder radius="md" padding="lg">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Overdue evidence
          </Text>
          <Text fw={700} size="xl" mt={4} c={controls.overdueEvidence > 0 ? 'orange' : undefined}>
            {controls.overdueEvidence}
          </Text>
          <Text size="xs" c="dimmed">
            controls with an evidence task past due
          </Text>
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {main && (
          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="sm">
              {main.name} criteria by category
            </Title>
            <BarChart
              h={240}
              data={main.categories
                .filter((c) => c.inScope)
                .map((c) => ({
                  category: c.name,
                  Met: c.met,
                  Failing: c.failing,
                  'In progress': c.requirements - c.met - c.failing - c.gaps,
                  'No control': c.gaps,
                }))}
              dataKey="category"
              type="stacked"
              withLegend
              series={[
                { name: 'Met', color: 'teal.6' },
                { name: 'Failing', color: 'red.6' },
                { name: 'In progress', color: 'yellow.5' },
                { name: 'No control', color: 'gray.4' },
              ]}
            />
          </Card>
        )}
        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h4" mb="sm">
            Control health
          </Title>
          {healthData.length === 0 ? (
            <Text c="dimmed" size="sm">
              No controls yet: the control library loads when the organisation is created.
            </Text>
          ) : (
            <Group wrap="nowrap" align="center">
              <DonutChart data={healthData} withLabelsLine={false} size={180} thickness={26} withTooltip />
              <Stack gap={4}>
                {healthData.map((d) => (
                  <Group key={d.name} gap="xs">
                    <Badge color={d.color.replace('.6', '')} variant="dot">
                      {d.name}
                    </Badge>
                    <Text size="sm">{d.value}</Text>
                  </Group>
                ))}
              </Stack>
            </Group>
          )}
        </Card>
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h4" mb="sm">
            Fix first
          </Title>
          {attention.length === 0 ? (
            <Text c="dimmed" size="sm">
              No control is failing or needs attention. Controls not yet implemented are listed on the Controls page.
            </Text>
          ) : (
            <List spacing="xs" size="sm">
              {attention.map((c) => (
                <List.Item key={c.id}>
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Badge color={HEALTH_LABEL[c.health].color} variant="light" style={{ flexShrink: 0 }}>
                      {c.key}
                    </Badge>
                    <div>
                      <Text size="sm">{c.title}</Text>
                      <Text size="xs" c="dimmed">
                        {c.reasons.join('; ')}
                      </Text>
                    </div>
                  </Group>
                </List.Item>
              ))}
            </List>
          )}
        </Card>
        {main && (
          <Card withBorder radius="md" padding="lg">
            <Title order={2} size="h4" mb="sm">
              {main.name} readiness over time
            </Title>
            {trend.length < 2 ? (
              <Text c="dimmed" size="sm">
                Today: {Math.round(main.readiness)}%. A point is recorded every day, so the trend appears from tomorrow.
              </Text>
            ) : (
              <LineChart
                h={220}
                data={trend}
                dataKey="day"
                unit="%"
                yAxisProps={{ domain: [0, 100] }}
                series={[{ name: 'readiness', label: 'Criteria met', color: 'indigo.6' }]}
                curveType="monotone"
              />
            )}
          </Card>
        )}
      </SimpleGrid>
    </Stack>
  );
}
