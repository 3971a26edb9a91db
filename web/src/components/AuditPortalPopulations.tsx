import { Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { auditApi, type Population } from '../api/audits';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';

/** The populations behind samples: each names its source and window, shows its rows and exports as CSV. */
export function AuditPortalPopulations({ auditId }: { auditId: string }) {
  const state = useApi(() => auditApi.populations(auditId), auditId);
  const [open, setOpen] = useState<Population | null>(null);
  const [error, setError] = useState<unknown>(null);

  const show = async (populationId: string) => {
    setError(null);
    try {
      setOpen(await auditApi.population(auditId, populationId));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <Loaded state={state}>
      {({ items }) => (
        <Stack>
          {items.map((p) => (
            <Card key={p.id} withBorder padding="sm">
              <Group justify="space-between" wrap="nowrap">
                <div>
                  <Text fw={500}>
                    {p.name}: {p.size}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {p.source}. Window {p.window.from.slice(0, 10)} to {p.window.to.slice(0, 10)} (end excluded).
                  </Text>
                </div>
                <Group gap="xs" wrap="nowrap">
                  <Button size="xs" variant="light" onClick={() => void show(p.id)} aria-label={`Show ${p.name}`}>
                    Show
                  </Button>
                  <Anchor href={auditApi.populationCsvUrl(auditId, p.id)} download size="sm">
                    CSV
                  </Anchor>
                </Group>
              </Group>
            </Card>
          ))}
          {error !== null && <ErrorAlert error={error} />}
          {open && (
            <Stack gap="xs">
              <Title order={3} size="h5">
                {open.name}
              </Title>
              {open.rows.length === 0 ? (
                <Text size="sm" c="dimmed">
                  Nobody and nothing in the window.
                </Text>
              ) : (
                <Table striped>
                  <Table.Thead>
                    <Table.Tr>
                      {open.columns.map((c) => (
                        <Table.Th key={c}>{c}</Table.Th>
                      ))}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {open.rows.map((row, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own and never reorder
                      <Table.Tr key={i}>
                        {row.map((cell, j) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                          <Table.Td key={j}>{cell === null ? '—' : String(cell)}</Table.Td>
                        ))}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          )}
        </Stack>
      )}
    </Loaded>
  );
}
