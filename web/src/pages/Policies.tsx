import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch, IconVariable } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage, type PolicyItem, type PolicyPage } from '../api';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { policyApi } from '../components/PolicyApi';
import { POLICY_STATUS } from '../components/PolicyMarkdown';
import { PolicyVariablesModal } from '../components/PolicyVariables';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** The organisation's policies: status, published version and how many members accepted it. */
export function PoliciesPage() {
  const { me } = useSession();
  const editor = isManager(me);
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const filters = { q: q.trim(), status: status ?? '' };
  const list = useApi(() => policyApi.list(filters), JSON.stringify(filters));
  const [more, setMore] = useState<PolicyPage | null>(null);
  const [variables, setVariables] = useState(false);
  const [adding, setAdding] = useState(false);

  const loadMore = async (cursor: string) => {
    try {
      const next = await policyApi.list(filters, cursor);
      setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not load more policies', message: errorMessage(error) });
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Policies
        </Title>
        {editor && (
          <Group>
            <Button variant="default" leftSection={<IconVariable size={16} />} onClick={() => setVariables(true)}>
              Policy variables
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
              New policy
            </Button>
          </Group>
        )}
      </Group>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end">
          <TextInput
            label="Search"
            placeholder="Title or key"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              setMore(null);
            }}
          />
          <Select
            label="Status"
            placeholder="Any"
            clearable
            data={Object.entries(POLICY_STATUS).map(([value, s]) => ({ value, label: s.label }))}
            value={status}
            onChange={(v) => {
              setStatus(v);
              setMore(null);
            }}
          />
        </Group>
      </Card>
      <Loaded state={list}>
        {(page) => {
          const items = [...page.items, ...(more?.items ?? [])];
          const cursor = more ? more.nextCursor : page.nextCursor;
          if (items.length === 0) return <EmptyState filtered={!!(filters.q || filters.status)} editor={editor} />;
          return (
            <Stack gap="sm">
              <PolicyTable items={items} />
              {cursor && (
                <Group justify="center">
                  <Button variant="default" onClick={() => void loadMore(cursor)}>
                    Load more
                  </Button>
                </Group>
              )}
            </Stack>
          );
        }}
      </Loaded>
      <PolicyVariablesModal opened={variables} onClose={() => setVariables(false)} />
      <NewPolicyModal opened={adding} onClose={() => setAdding(false)} />
    </Stack>
  );
}

function EmptyState({ filtered, editor }: { filtered: boolean; editor: boolean }) {
  if (filtered)
    return <Alert title="No policy matches">Clear the search or the status filter to see every policy.</Alert>;
  return (
    <Alert title="No published policies yet">
      {editor
        ? 'Every organisation starts with the library of policy templates as drafts. Add your own with New policy.'
        : 'Your security team has not published any policy yet. Policies you must accept will appear under My policies.'}
    </Alert>
  );
}

function PolicyTable({ items }: { items: PolicyItem[] }) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Policy</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Published</Table.Th>
            <Table.Th>Accepted</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>
                <Anchor component={Link} to={`/policies/${p.id}`} fw={600}>
                  {p.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {p.key}
                  {!p.fromTemplate && ' · your own'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={POLICY_STATUS[p.status]?.color ?? 'gray'} variant="light">
                  {POLICY_STATUS[p.status]?.label ?? p.status}
                </Badge>
              </Table.Td>
              <Table.Td>{p.publishedVersion ? `Version ${p.publishedVersion}` : '—'}</Table.Td>
              <Table.Td>
                <Acceptance item={p} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Acceptance({ item }: { item: PolicyItem }) {
  if (item.acceptance) {
    const { accepted, required } = item.acceptance;
    return (
      <Stack gap={2} maw={160}>
        <Progress value={required ? (accepted / required) * 100 : 0} color="teal" aria-label="Acceptance" />
        <Text size="xs">
          {accepted} of {required} members
        </Text>
      </Stack>
    );
  }
  if (item.mine) {
    return item.mine.pending ? (
      <Anchor component={Link} to="/my-policies" size="sm">
        Waiting for you
      </Anchor>
    ) : (
      <Text size="sm">You accepted version {item.mine.acceptedVersion}</Text>
    );
  }
  return <Text size="sm">—</Text>;
}

function NewPolicyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('## Purpose\n\n## Scope\n\n## Requirements\n\n## Exceptions\n\n## Review\n');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const created = await policyApi.create({ title: title.trim(), body });
      onClose();
      void navigate(`/policies/${created.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New policy" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <Stack>
          <TextInput
            label="Title"
            required
            minLength={3}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            data-autofocus
          />
          <Textarea
            label="Text (Markdown)"
            description="Use {{company_name}} and the other policy variables; they are filled in when you publish."
            autosize
            minRows={8}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
          />
          {error !== null && <ErrorAlert error={error} title="The policy was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={title.trim().length < 3}>
              Create draft
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            Created {formatDate(new Date().toISOString())} as a draft; nobody but owners and admins sees it until it is
            published.
          </Text>
        </Stack>
      </form>
    </Modal>
  );
}
