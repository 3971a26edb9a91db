import { Anchor, Badge, Card, Code, Stack, Table, Text, Title } from '@mantine/core';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { agreementApi, shortHash } from './AgreementApi';
import { Loaded } from './PageStatus';

/** Every published version, newest first (owners, admins and auditors): what was signed when. */
export function AgreementVersions({ refresh }: { refresh: number }) {
  const versions = useApi(() => agreementApi.versions(), String(refresh));
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Versions
        </Title>
        <Loaded state={versions}>
          {({ items }) =>
            items.length === 0 ? (
              <Text size="sm" c="dimmed">
                No version is published yet.
              </Text>
            ) : (
              <Table.ScrollContainer minWidth={640}>
                <Table verticalSpacing="xs">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Version</Table.Th>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Published</Table.Th>
                      <Table.Th>Form</Table.Th>
                      <Table.Th>SHA-256</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((v) => (
                      <Table.Tr key={v.id}>
                        <Table.Td>
                          <Text size="sm">
                            {v.version}{' '}
                            {v.current && (
                              <Badge size="xs" variant="light">
                                Current
                              </Badge>
                            )}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{v.title}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            {formatDate(v.publishedAt)}
                            {v.publishedBy && (
                              <Text span size="xs" c="dimmed">
                                {' '}
                                by {v.publishedBy.email}
                              </Text>
                            )}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {v.file ? (
                            <Anchor href={agreementApi.fileUrl(v.file.url)} size="sm">
                              {v.file.name}
                            </Anchor>
                          ) : (
                            <Text size="sm">Written here</Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <Code title={v.sha256}>{shortHash(v.sha256)}</Code>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )
          }
        </Loaded>
      </Stack>
    </Card>
  );
}
