import { Button, Card, EmptyState, Group, Pagination, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconDownload, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';
import { TRAINING_STATE, type TrainingState, trainingApi } from './TrainingApi';
import { TrainingCertificateLink, TrainingStateBadge } from './TrainingStateBadge';

const PAGE_SIZE = 25;

/** Every member × every required module (owners, admins, auditors), paged, with a CSV download. */
export function TrainingReportPanel({ version }: { version: number }) {
  const [page, setPage] = useState(1);
  const [state, setState] = useState<TrainingState | null>(null);
  const report = useApi(
    () => trainingApi.report({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, state }),
    `${page}:${state}:${version}`,
  );

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Report
          </Title>
          <Group>
            <Select
              aria-label="Show members with"
              placeholder="Everyone"
              clearable
              data={Object.entries(TRAINING_STATE).map(([value, s]) => ({
                value,
                label: `Any module ${s.label.toLowerCase()}`,
              }))}
              value={state}
              onChange={(v) => {
                setPage(1);
                setState(v as TrainingState | null);
              }}
              w={220}
            />
            <Button
              component="a"
              href={trainingApi.reportCsvUrl(state)}
              download="attest-training.csv"
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export CSV
            </Button>
          </Group>
        </Group>
        <Loaded state={report}>
          {(r) => (
            <Stack>
              <Group gap="lg">
                {(Object.keys(TRAINING_STATE) as TrainingState[]).map((s) => (
                  <Group key={s} gap={6}>
                    <TrainingStateBadge state={s} />
                    <Text size="sm" fw={600}>
                      {r.counts[s]}
                    </Text>
                  </Group>
                ))}
              </Group>
              {r.items.length === 0 ? (
                <EmptyState
                  icon={<IconUsers size={28} />}
                  title={state ? 'Nobody matches this filter' : 'No members yet'}
                >
                  <Text size="sm" c="dimmed">
                    {state
                      ? 'Clear the filter to see everyone.'
                      : 'Members (other than auditors) appear here once they join.'}
                  </Text>
                </EmptyState>
              ) : (
                <Table.ScrollContainer
                  minWidth={300 + r.modules.length * 130}
                  // A table of text only, one column per module: the keyboard scrolls it once focused.
                  scrollAreaProps={{
                    viewportProps: { tabIndex: 0, role: 'region', 'aria-label': 'Training by member' },
                  }}
                >
                  <Table verticalSpacing="xs" striped>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Member</Table.Th>
                        {r.modules.map((m) => (
                          <Table.Th key={m.id}>
                            <Text size="xs" fw={600} lineClamp={2}>
                              {m.title}
                            </Text>
                          </Table.Th>
                        ))}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {r.items.map((row) => (
                        <Table.Tr key={row.user.id}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {row.person?.name ?? (row.user.name || row.user.email)}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {row.user.email} · {row.user.role}
                              {row.person ? '' : ' · not in the people register'}
                            </Text>
                          </Table.Td>
                          {row.modules.map((s) => (
                            <Table.Td key={s.moduleId}>
                              <Tooltip
                                label={
                                  s.lastPassedAt
                                    ? `Passed ${formatDate(s.lastPassedAt)} (${s.score}%), due again ${formatDate(s.dueAt)}`
                                    : `Due ${formatDate(s.dueAt)}`
                                }
                              >
                                <span>
                                  <TrainingStateBadge state={s.state} size="xs" />
                                </span>
                              </Tooltip>
                              {s.attemptId && s.certificateId && (
                                <div>
                                  <TrainingCertificateLink attemptId={s.attemptId} label="PDF" />
                                </div>
                              )}
                            </Table.Td>
                          ))}
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              {r.total > PAGE_SIZE && (
                <Group justify="center">
                  <Pagination
                    total={Math.ceil(r.total / PAGE_SIZE)}
                    value={page}
                    onChange={setPage}
                    aria-label="Report pages"
                  />
                </Group>
              )}
            </Stack>
          )}
        </Loaded>
      </Stack>
    </Card>
  );
}
