import {
  Alert,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  Menu,
  Modal,
  Progress,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconFileImport, IconSearch, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import {
  API_BASE,
  api,
  errorMessage,
  type Framework,
  type OscalExportKind,
  type OscalFramework,
  type OscalImportResult,
  type Requirement,
  request,
} from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { Loaded } from '../components/PageStatus';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** The frameworks the program answers to: categories in scope and the criteria in each. */
export function FrameworksPage() {
  const frameworks = useApi(api.frameworks);
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          Frameworks
        </Title>
        <OscalActions onImported={() => void frameworks.reload()} />
      </Group>
      <Loaded state={frameworks}>
        {({ items }) => (
          <Stack gap="lg">
            {items.map((framework) => (
              <FrameworkCard
                key={framework.id}
                framework={framework as OscalFramework}
                onChange={(updated) =>
                  frameworks.setData({ items: items.map((f) => (f.id === updated.id ? updated : f)) })
                }
                onDeleted={() => void frameworks.reload()}
              />
            ))}
            {!items.some((f) => (f as OscalFramework).source === 'oscal') && (
              <Text size="sm" c="dimmed">
                No imported frameworks yet. To work against NIST SP 800-53 or another catalog, choose “Import OSCAL” and
                pick its OSCAL catalog or profile (JSON).
              </Text>
            )}
          </Stack>
        )}
      </Loaded>
    </Stack>
  );
}

function FrameworkCard({
  framework,
  onChange,
  onDeleted,
}: {
  framework: OscalFramework;
  onChange: (f: Framework) => void;
  onDeleted: () => void;
}) {
  const { me } = useSession();
  const canEdit = isManager(me);
  const [saving, setSaving] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

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
              {framework.source === 'oscal' &&
                ` · imported from OSCAL, revision ${framework.revision} · id ${framework.id}`}
            </Text>
          </div>
          <Group gap="xs">
            <Badge variant="light" size="lg">
              {framework.requirements.inScope} of {framework.requirements.total} criteria in scope
            </Badge>
            {framework.source === 'oscal' && canEdit && (
              <Button
                size="xs"
                variant="subtle"
                color="red"
                leftSection={<IconTrash size={14} />}
                onClick={() => setDeleting(true)}
              >
                Delete
              </Button>
            )}
          </Group>
        </Group>
        <ConfirmModal
          opened={deleting}
          title={`Delete ${framework.name}`}
          confirmLabel="Delete framework"
          onConfirm={async () => {
            await deleteFramework(framework.id);
            notifications.show({ color: 'teal', message: `${framework.name} was deleted.` });
            onDeleted();
          }}
          onClose={() => setDeleting(false)}
        >
          <Text size="sm">
            Its {framework.requirements.total} requirements and your scope choices go. Controls that still name one of
            its requirements keep it from being deleted: remove those criteria first. You can import the file again
            later.
          </Text>
        </ConfirmModal>
        <Text size="sm">{framework.description}</Text>
        <Progress
          value={(100 * framework.requirements.inScope) / Math.max(1, framework.requirements.total)}
          aria-label={`${framework.requirements.inScope} of ${framework.requirements.total} requirements in scope`}
        />
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

const send = <T,>(method: 'POST' | 'DELETE', path: string, body?: unknown) => request<T>(method, path, { body });

const importFramework = (document: unknown, catalog?: unknown) =>
  send<OscalImportResult>('POST', '/frameworks/import', catalog === undefined ? { document } : { document, catalog });

const deleteFramework = (frameworkId: string) => send<void>('DELETE', `/frameworks/${encodeURIComponent(frameworkId)}`);

const EXPORTS: { kind: OscalExportKind; label: string }[] = [
  { kind: 'catalog', label: 'SOC 2 catalog' },
  { kind: 'component-definition', label: 'Component definition (our controls)' },
  { kind: 'ssp', label: 'System security plan' },
];

/** Reads a picked file as JSON, saying which file is not JSON. */
async function readJson(file: File): Promise<unknown> {
  const text = await file.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file.name} is not valid JSON. Choose an OSCAL catalog or profile saved as JSON.`);
  }
}

/** "Import OSCAL" (owners and admins) and "Export OSCAL" (owners, admins and auditors). */
function OscalActions({ onImported }: { onImported: () => void }) {
  const { me } = useSession();
  const [opened, setOpened] = useState(false);
  const canImport = isManager(me);
  const canExport = canImport || me.role === 'auditor';
  if (!canImport && !canExport) return null;
  return (
    <Group gap="xs">
      {canExport && (
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="default" leftSection={<IconDownload size={16} />}>
              Export OSCAL
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {EXPORTS.map((e) => (
              <Menu.Item key={e.kind} component="a" href={`${API_BASE}/oscal/${e.kind}`} download>
                {e.label}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
      {canImport && (
        <Button leftSection={<IconFileImport size={16} />} onClick={() => setOpened(true)}>
          Import OSCAL
        </Button>
      )}
      <ImportModal opened={opened} onClose={() => setOpened(false)} onImported={onImported} />
    </Group>
  );
}

function ImportModal({
  opened,
  onClose,
  onImported,
}: {
  opened: boolean;
  onClose: () => void;
  onImported: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [catalog, setCatalog] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    if (busy) return;
    setFile(null);
    setCatalog(null);
    setError(null);
    onClose();
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) {
      setError('Choose the OSCAL catalog or profile to import.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await importFramework(await readJson(file), catalog ? await readJson(catalog) : undefined);
      notifications.show({
        color: 'teal',
        title: result.updated ? `${result.name} updated` : `${result.name} imported`,
        message: `${result.requirements} requirements in ${result.categories} categories${result.updated ? `, revision ${result.revision}` : ''}. Link controls to them as ${result.id}:<id>.`,
      });
      setBusy(false);
      onImported();
      close();
    } catch (err) {
      setBusy(false);
      setError(errorMessage(err));
    }
  };

  return (
    <Modal opened={opened} onClose={close} title="Import an OSCAL framework" size="lg">
      <form onSubmit={(event) => void submit(event)}>
        <Stack>
          <Text size="sm">
            Choose an OSCAL catalog, or a profile that selects controls from one (JSON). Its controls become the
            requirements of a framework of your organisation; importing the same document again updates it.
          </Text>
          <FileInput
            label="Catalog or profile"
            placeholder="Choose a .json file"
            accept="application/json,.json"
            value={file}
            onChange={setFile}
            clearable
            data-autofocus
            required
          />
          <FileInput
            label="The profile's catalog (optional)"
            description="Only for a profile whose catalog is not imported yet."
            placeholder="Choose a .json file"
            accept="application/json,.json"
            value={catalog}
            onChange={setCatalog}
            clearable
          />
          {error && (
            <Alert color="red" title="Not imported" role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
