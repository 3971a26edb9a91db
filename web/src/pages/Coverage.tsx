import { Alert, Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { api } from '../api';
import { Loaded } from '../components/PageStatus';
import { HEALTH_LABEL } from '../health';
import { useApi } from '../useApi';

/** Every line of the seed policies, with the controls that cover it (`attest coverage` too). */
export function CoveragePage() {
  const coverage = useApi(api.coverage);
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Seed coverage
      </Title>
      <Loaded state={coverage}>
        {({ lines, uncovered }) => (
          <Stack>
            <Alert color={uncovered === 0 ? 'teal' : 'red'} title={`uncovered: ${uncovered}`}>
              {uncovered === 0
                ? `Each of the ${lines.length} seed lines is covered by at least one control.`
                : 'Some seed lines have no control: add or re-map a control to cover them.'}
            </Alert>
            <Card withBorder radius="md" padding="lg">
              <Table.ScrollContainer minWidth={760}>
                <Table verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Seed line</Table.Th>
                      <Table.Th>What it asks</Table.Th>
                      <Table.Th>Controls</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {lines.map((line) => (
                      <Table.Tr key={line.id}>
                        <Table.Td>
                          <Text fw={600} size="sm" style={{ whiteSpace: 'nowrap' }}>
                            {line.id}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{line.summary}</Text>
                        </Table.Td>
                        <Table.Td>
                          {line.controls.length === 0 ? (
                            <Badge color="red">Uncovered</Badge>
                          ) : (
                            <Group gap={4}>
                              {line.controls.map((c) => (
                                <Badge
                                  key={c.key}
                                  color={HEALTH_LABEL[c.health].color}
                                  variant="light"
                                  title={`${c.title}: ${HEALTH_LABEL[c.health].label}`}
                                >
                                  {c.key} · {HEALTH_LABEL[c.health].label.toLowerCase()}
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
            </Card>
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}
