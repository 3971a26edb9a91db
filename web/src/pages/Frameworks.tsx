import { Badge, Card, Group, Progress, Select, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { api, errorMessage, type Framework, type Requirement } from '../api';
import { Loaded } from '../components/PageStatus';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** The frameworks the program answers to: categories in scope and the criteria in each. */
export function FrameworksPage() {
  const frameworks = useApi(api.frameworks);
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Frameworks
      </Title>
      <Loaded state={frameworks}>
        {({ items }) => (
          <Stack gap="lg">
            {items.map((framework) => (
              <FrameworkCard
                key={framework.id}
                framework={framework}
                onChange={(updated) =>
                  frameworks.setData({ items: items.map((f) => (f.id === updated.id ? updated : f)) })
                }
              />
            ))}
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}

function FrameworkCard({ framework, onChange }: { framework: Framework; onChange: (f: Framework) => void }) {
  const { me } = useSession();
  const canEdit = isManager(me);
  const [saving, setSaving] = useState<string | null>(null);

  const toggle = async (categoryId: string, on: boolean) => {
    const current = framework.categories.filter((c) => c.inScope).map((c) => c.id);
    const next = on ? [...current, categoryId] : current.filter((c) => c !== categoryId);
    setSaving(categoryId);
    try {
      onChange(await api.setFrameworkScope(framework.id, next));
    } catch (error) {
      notifications.show({ color: 'red', title: 'Scope not changed', message: errorMessage(error) });
    } finally {
      setSaving(null);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h3">
              {framework.name}
            </Title>
            <Text size="sm" c="dimmed">
              {framework.version}
            </Text>
          </div>
          <Badge variant="light" size="lg">
            {framework.requirements.inScope} of {framework.requirements.total} criteria in scope
          </Badge>
        </Group>
        <Text size="sm">{framework.description}</Text>
        <Progress value={(100 * framework.requirements.inScope) / Math.max(1, framework.requirements.total)} />
        <Stack gap="xs" role="group" aria-label={`Categories of ${framework.name} in scope`}>
          {framework.categories.map((category) => (
            <Switch
              key={category.id}
              label={`${category.name} (${category.requirements} criteria)`}
              description={category.required ? 'Always in scope' : undefined}
              checked={category.inScope}
              disabled={category.required || !canEdit || saving !== null}
              onChange={(event) => void toggle(category.id, event.currentTarget.checked)}
            />
          ))}
          {!canEdit && (
            <Text size="xs" c="dimmed">
              Owners and admins choose the categories in scope.
            </Text>
          )}
        </Stack>
        <RequirementsTable framework={framework} />
      </Stack>
    </Card>
  );
}

function RequirementsTable({ framework }: { framework: Framework }) {
  const inScope = framework.categories
    .filter((c) => c.inScope)
    .map((c) => c.id)
    .join(',');
  const requirements = useApi(() => api.requirements(framework.id), `${framework.id}:${inScope}`);
  const [category, setCategory] = useState<string | null>(null);
  const [query, setQuery] = useState('');

  const filter = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (r: Requirement) =>
      (!category || r.category === category) &&
      (!q || r.ref.toLowerCase().includes(q) || r.title.toLowerCase().includes(q));
  }, [category, query]);

  return (
    <Stack gap="sm">
      <Group grow>
        <TextInput
          label="Search criteria"
          placeholder="CC6.1, encryption, vendors…"
          leftSection={<IconSearch size={16} />}
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
        />
        <Select
          label="Category"
          placeholder="All categories"
          clearable
          data={framework.categories.map((c) => ({ value: c.id, label: c.name }))}
          value={category}
          onChange={setCategory}
        />
      </Group>
      <Loaded state={requirements}>
        {({ items }) => {
          const shown = items.filter(filter);
          return shown.length === 0 ? (
            <Text size="sm" c="dimmed">
              No criteria match. Clear the search or choose another category.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="xs" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Criterion</Table.Th>
                    <Table.Th>What it is about</Table.Th>
                    <Table.Th>Area</Table.Th>
                    <Table.Th>Scope</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((r) => (
                    <Table.Tr key={r.ref}>
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {r.ref}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.title}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c="dimmed">
                          {r.group}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge color={r.inScope ? 'teal' : 'gray'} variant="light">
                          {r.inScope ? 'In scope' : 'Out of scope'}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          );
        }}
      </Loaded>
    </Stack>
  );
}
