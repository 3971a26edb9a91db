import {
  Anchor,
  Badge,
  Card,
  EmptyState,
  Group,
  Pagination,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSignature } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { agreementApi, KIND_LABEL, type SignatureStatus } from './AgreementApi';
import { Loaded } from './PageStatus';

const PAGE = 25;

/**
 * Who has signed (owners, admins and auditors): every active or upcoming person in the register
 * with their newest signature, the unsigned first when filtered, by name, a page at a time.
 */
/** `refresh` changes after a publish or a signature, to load the list again. */
export function AgreementSignatures({ refresh }: { refresh: number }) {
  const [unsigned, setUnsigned] = useState(false);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [page, setPage] = useState(1);
  const filters = { unsigned, q, limit: PAGE, offset: (page - 1) * PAGE };
  const list = useApi(() => agreementApi.signatures(filters), `${JSON.stringify(filters)}:${refresh}`);
  const filtered = unsigned || q !== '';

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={2} size="h4">
              Signatures
            </Title>
            {list.data && (
              <Text size="sm" c="dimmed">
                {list.data.current
                  ? `${list.data.signed} of ${list.data.people} active or upcoming people signed version ${list.data.current.version}.`
                  : 'No version is published yet.'}
              </Text>
            )}
          </div>
          <Group align="flex-end">
            <TextInput
              label="Search"
              placeholder="Name or email"
              value={search}
              onChange={(e) => {
                setSearch(e.currentTarget.value);
                setPage(1);
              }}
            />
            <Switch
              label="Not signed yet"
              checked={unsigned}
              onChange={(e) => {
                setUnsigned(e.currentTarget.checked);
                setPage(1);
              }}
              mb={8}
            />
          </Group>
        </Group>
        <Loaded state={list}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState icon={<IconSignature size={28} />} title={filtered ? 'Nobody matches' : 'Nobody to sign yet'}>
                <Text size="sm" c="dimmed">
                  {filtered
                    ? unsigned && q === ''
                      ? 'Everyone active or upcoming has signed the current version.'
                      : 'Clear the search or the filter to see more.'
                    : 'People appear here once they are in the people register.'}
                </Text>
              </EmptyState>
            ) : (
              <Stack>
                <Table.ScrollContainer minWidth={760}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Person</Table.Th>
                        <Table.Th>Current version</Table.Th>
                        <Table.Th>Signed</Table.Th>
                        <Table.Th>How</Table.Th>
                        <Table.Th>Evidence</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((item) => (
                        <SignatureRow key={item.person.id} item={item} />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {data.total > PAGE && (
                  <Pagination
                    total={Math.ceil(data.total / PAGE)}
                    value={page}
                    onChange={setPage}
                    getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  />
                )}
              </Stack>
            )
          }
        </Loaded>
      </Stack>
    </Card>
  );
}

function SignatureRow({ item }: { item: SignatureStatus }) {
  const { person, signature } = item;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {person.name}
        </Text>
        <Text size="xs" c="dimmed">
          {person.email}
          {person.status === 'upcoming' && person.startDate && ` · starts ${formatDate(person.startDate)}`}
        </Text>
      </Table.Td>
      <Table.Td>
        {item.signedCurrent ? (
          <Badge color="teal" variant="light">
            Signed
          </Badge>
        ) : signature ? (
          <Badge color="orange" variant="light">
            Signed version {signature.version} only
          </Badge>
        ) : (
          <Badge color="red" variant="light">
            Not signed
          </Badge>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{signature ? `${formatDate(signature.signedAt)} · version ${signature.version}` : '—'}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {signature ? KIND_LABEL[signature.kind] : '—'}
          {signature?.typedName && (
            <Text span size="xs" c="dimmed">
              {' '}
              as “{signature.typedName}”
            </Text>
          )}
        </Text>
      </Table.Td>
      <Table.Td>
        {signature?.fileUrl ? (
          <Group gap="xs" wrap="nowrap">
            <Anchor
              href={agreementApi.fileUrl(signature.fileUrl)}
              size="sm"
              aria-label={`Download ${person.name}’s signed agreement`}
            >
              Download
            </Anchor>
            <Anchor component={Link} to="/evidence" size="sm" title={`Evidence ${signature.evidenceId}`}>
              Vault
            </Anchor>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
