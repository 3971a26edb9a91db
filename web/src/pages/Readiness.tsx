import { Anchor, Badge, Card, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type RequirementStatus } from '../api';
import { Loaded } from '../components/PageStatus';
import { HEALTH_LABEL, REQUIREMENT_LABEL } from '../health';
import { useApi } from '../useApi';

/** One framework's criteria with the controls that meet each and their derived health. */
export function ReadinessPage() {
  const { frameworkId = 'soc2-2017' } = useParams();
  const navigate = useNavigate();
  const frameworks = useApi(api.frameworks);
  const state = useApi(() => api.frameworkReadiness(frameworkId), frameworkId);
  const [status, setStatus] = useState<string | null>(null);
  const [category, setCategory] = useState<string | null>(null);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Readiness
        </Title>
        <Select
          label="Framework"
          data={(frameworks.data?.items ?? []).filter((f) => f.adopted).map((f) => ({ value: f.id, label: f.name }))}
          value={frameworkId}
          onChange={(v) => v && navigate(`/readiness/${v}`)}
          allowDeselect={false}
          w={260}
        />
      </Group>
      <Loaded state={state}>
        {({ framework, requirements }) => {
          const rows = requirements.filter(
            (r) => r.inScope && (!status || r.status === status) && (!category || r.category === category),
          );
          return (
            <Stack>
              <Card withBorder radius="md" padding="lg">
                <Group justify="space-between" mb="xs">
                  <Text fw={600}>
                    {framework.name} ({framework.version}): {framework.requirements.met} of{' '}
                    {framework.requirements.total} criteria in scope met
                  </Text>
                  <Text fw={700}>{framework.readiness}%</Text>
                </Group>
                <Progress.Root size="lg" aria-label="Criteria by status">
                  {(['met', 'in_progress', 'failing', 'gap'] as RequirementStatus[]).map((s) => {
                    const n =
                      s === 'met'
                        ? framework.requirements.met
                        : s === 'in_progress'
                          ? framework.requirements.inProgress
                          : s === 'failing'
                            ? framework.requirements.failing
                            : framework.requirements.gaps;
                    return (
                      <Progress.Section
                        key={s}
                        value={framework.requirements.total ? (n / framework.requirements.total) * 100 : 0}
                        color={REQUIREMENT_LABEL[s].color}
                        title={`${REQUIREMENT_LABEL[s].label}: ${n}`}
                      />
                    );
                  })}
                </Progress.Root>
                <Group gap="md" mt="sm">
                  {framework.categories
                    .filter((c) => c.inScope)
                    .map((c) => (
                      <Text key={c.id} size="sm">
                        {c.name}: {c.met}/{c.requirements}
                      </Text>
                    ))}
                </Group>
              </Card>
              <Card withBorder radius="md" padding="lg">
                <Group grow mb="md">
                  <Select
                    label="Status"
                    placeholder="Any status"
                    clearable
                    data={Object.entries(REQUIREMENT_LABEL).map(([value, s]) => ({ value, label: s.label }))}
                    value={status}
                    onChange={setStatus}
                  />
                  <Select
                    label="Category"
                    placeholder="All categories in scope"
                    clearable
                    data={framework.categories.filter((c) => c.inScope).map((c) => ({ value: c.id, label: c.name }))}
                    value={category}
                    onChange={setCategory}
                  />
                </Group>
                {rows.length === 0 ? (
                  <Text c="dimmed">
                    No criterion matches. Clear a filter, or bring more categories into scope on the{' '}
                    <Anchor component={Link} to="/frameworks">
                      Frameworks
                    </Anchor>{' '}
                    page.
                  </Text>
                ) : (
                  <Table.ScrollContainer minWidth={760}>
                    <Table verticalSpacing="sm">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Criterion</Table.Th>
                          <Table.Th w={140}>Status</Table.Th>
                          <Table.Th>Controls</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {rows.map((r) => (
                          <Table.Tr key={r.ref}>
                            <Table.Td>
                              <Text size="sm" fw={600}>
                                {r.ref}
                              </Text>
                              <Text size="xs" c="dimmed">
                                {r.title}
                              </Text>
                            </Table.Td>
                            <Table.Td style={{ whiteSpace: 'nowrap' }}>
                              <Badge color={REQUIREMENT_LABEL[r.status].color} variant="light">
                                {REQUIREMENT_LABEL[r.status].label}
                              </Badge>
                            </Table.Td>
                            <Table.Td>
                              {r.controls.length === 0 ? (
                                <Text size="sm" c="dimmed">
                                  No control meets this yet: map one on the Controls page.
                                </Text>
                              ) : (
                                <Group gap={4}>
                                  {r.controls.map((c) => (
                                    <Badge
                                      key={c.id}
                                      color={HEALTH_LABEL[c.health].color}
                                      variant="dot"
                                      title={`${c.title}: ${HEALTH_LABEL[c.health].label}`}
                                    >
                                      {c.key}
                                    </Badge>
                                  ))}
                                </Group>
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            </Stack>
          );
        }}
      </Loaded>
    </Stack>
  );
}
