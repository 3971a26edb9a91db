import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  NumberInput,
  Pagination,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconBuildingStore,
  IconDownload,
  IconFileExport,
  IconPlus,
  IconSearch,
  IconSettings,
} from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { errorMessage } from '../api';
import {
  CLASSIFICATION_LABELS,
  formatDay,
  pages,
  REVIEW_STATE,
  STATUS,
  TIER,
  type Vendor,
  type VendorLevel,
  type VendorStatus,
  vendorsApi,
} from '../api/vendors';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { VendorFormModal } from '../components/VendorFormModal';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/**
 * `/vendors`: the vendor register, with each vendor's status, tier (computed from the data it
 * touches and its criticality) and where its recurring review stands. Everyone reads it;
 * members propose vendors they own; owners and admins approve them.
 */
export function VendorsPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const writer = me.role !== 'auditor';
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [status, setStatus] = useState<VendorStatus | null>(null);
  const [tier, setTier] = useState<VendorLevel | null>(null);
  const [sub, setSub] = useState<string | null>(null);
  const [page, setPage] = useState(1);
  const filters = { q: search, status, tier, subprocessor: sub === null ? null : sub === 'yes', page };
  const vendors = useApi(() => vendorsApi.list(filters), JSON.stringify(filters));
  const [adding, setAdding] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const filtered = Boolean(search) || status !== null || tier !== null || sub !== null;
  const refilter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setPage(1);
      set(v);
    };

  const exportRegister = async () => {
    setExporting(true);
    try {
      const name = await vendorsApi.exportRegister();
      notifications.show({ color: 'teal', message: `Saved ${name}; a copy is kept as evidence of VEN-01.` });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not exported', message: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Vendors
        </Title>
        <Group gap="xs">
          <Button
            component="a"
            href={vendorsApi.subprocessorsCsvUrl()}
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            Subprocessors CSV
          </Button>
          {manager && (
            <>
              <Button
                variant="default"
                leftSection={<IconFileExport size={16} />}
                loading={exporting}
                onClick={() => void exportRegister()}
              >
                Export register
              </Button>
              <Button variant="default" leftSection={<IconSettings size={16} />} onClick={() => setSettingsOpen(true)}>
                Review cadence
              </Button>
            </>
          )}
          {writer && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
              New vendor
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Every company that handles our data or that we depend on. A vendor's tier follows from the data it touches and
        how much an outage would hurt; high-tier vendors are reviewed yearly and hand over a SOC 2 report, medium every
        two years, low every three. A vendor is approved only after a review is recorded.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search vendors"
            placeholder="Name or purpose"
            leftSection={<IconSearch size={16} />}
            value={q}
            onChange={(e) => refilter(setQ)(e.currentTarget.value)}
            style={{ flex: 1, minWidth: 220 }}
          />
          <Select
            label="Status"
            placeholder="Any status"
            clearable
            data={Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label }))}
            value={status}
            onChange={(v) => refilter(setStatus)(v as VendorStatus | null)}
          />
          <Select
            label="Tier"
            placeholder="Any tier"
            clearable
            data={Object.entries(TIER).map(([value, t]) => ({ value, label: t.label }))}
            value={tier}
            onChange={(v) => refilter(setTier)(v as VendorLevel | null)}
          />
          <Select
            label="Subprocessor"
            placeholder="Either"
            clearable
            data={[
              { value: 'yes', label: 'Subprocessors' },
              { value: 'no', label: 'Not subprocessors' },
            ]}
            value={sub}
            onChange={refilter(setSub)}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={vendors}>
          {(data) =>
            data.items.length === 0 ? (
              <EmptyState
                icon={<IconBuildingStore size={28} />}
                title={filtered ? 'No vendor matches' : 'No vendors in the register yet'}
              >
                <Text size="sm" c="dimmed">
                  {filtered
                    ? 'Clear the search or the filters.'
                    : 'Add the companies you rely on: your cloud provider, email, payments, the tools that hold customer data.'}
                </Text>
                {writer && !filtered && (
                  <EmptyState.Actions>
                    <Button variant="light" onClick={() => setAdding(true)}>
                      New vendor
                    </Button>
                  </EmptyState.Actions>
                )}
              </EmptyState>
            ) : (
              <Stack>
                <Table.ScrollContainer minWidth={900}>
                  <Table verticalSpacing="sm" highlightOnHover aria-label="Vendors">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Vendor</Table.Th>
                        <Table.Th>Status</Table.Th>
                        <Table.Th>Tier</Table.Th>
                        <Table.Th>Data</Table.Th>
                        <Table.Th>Owner</Table.Th>
                        <Table.Th>Next review</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.items.map((vendor) => (
                        <VendorRow key={vendor.id} vendor={vendor} />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {data.total > data.items.length && (
                  <Pagination
                    total={pages(data.total)}
                    value={page}
                    onChange={setPage}
                    getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  />
                )}
              </Stack>
            )
          }
        </Loaded>
      </Card>
      <VendorFormModal
        vendor={null}
        opened={adding}
        onClose={() => setAdding(false)}
        onSaved={(vendor) => {
          notifications.show({ color: 'teal', message: `Added ${vendor.name}.` });
          void navigate(`/vendors/${vendor.id}`);
        }}
      />
      <ReviewCadenceModal opened={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </Stack>
  );
}

function VendorRow({ vendor }: { vendor: Vendor }) {
  const state = vendor.review.state ? REVIEW_STATE[vendor.review.state] : null;
  return (
    <Table.Tr>
      <Table.Td>
        <Group gap={6}>
          <Anchor component={Link} to={`/vendors/${vendor.id}`} fw={500} size="sm">
            {vendor.name}
          </Anchor>
          {vendor.subprocessor && (
            <Badge variant="outline" size="sm" color="grape">
              Subprocessor
            </Badge>
          )}
        </Group>
        {vendor.purpose && (
          <Text size="xs" c="dimmed" lineClamp={1}>
            {vendor.purpose}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS[vendor.status].color} variant="light">
          {STATUS[vendor.status].label}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Tooltip
          label={
            vendor.tierOverride
              ? `Set by hand (computed: ${TIER[vendor.computedTier].label.toLowerCase()}): ${vendor.tierOverride.reason}`
              : 'Computed from the data it touches and its criticality'
          }
        >
          <Badge color={TIER[vendor.tier].color} variant={vendor.tierOverride ? 'outline' : 'light'}>
            {TIER[vendor.tier].label}
            {vendor.tierOverride ? ' (set)' : ''}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {vendor.dataClassification ? CLASSIFICATION_LABELS[vendor.dataClassification] : 'Not known'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={vendor.owner ? undefined : 'dimmed'}>
          {vendor.owner ? vendor.owner.name || vendor.owner.email : 'Nobody'}
        </Text>
      </Table.Td>
      <Table.Td>
        {state ? (
          <Group gap={6}>
            <Text size="sm">{formatDay(vendor.review.nextDueOn, '—')}</Text>
            {vendor.review.state !== 'current' && (
              <Badge color={state.color} variant="light" size="sm">
                {state.label}
              </Badge>
            )}
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

/** How many days a review stays current per tier (owners and admins). */
function ReviewCadenceModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Review cadence" centered>
      {opened && <ReviewCadenceForm onClose={onClose} />}
    </Modal>
  );
}

function ReviewCadenceForm({ onClose }: { onClose: () => void }) {
  const settings = useApi(() => vendorsApi.settings());
  const [days, setDays] = useState<Partial<Record<VendorLevel, number | string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const value = (level: VendorLevel) => days[level] ?? settings.data?.reviewDays[level] ?? '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await vendorsApi.saveSettings({
        high: Number(value('high')),
        medium: Number(value('medium')),
        low: Number(value('low')),
      });
      notifications.show({ color: 'teal', message: 'Review cadence saved.' });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (settings.error) return <ErrorAlert error={settings.error} />;
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Days a completed review stays current. Owners are reminded 30 days before it runs out.
        </Text>
        {(['high', 'medium', 'low'] as const).map((level) => (
          <NumberInput
            key={level}
            label={`${TIER[level].label}-tier vendors (days)`}
            min={30}
            max={1830}
            allowDecimal={false}
            value={value(level)}
            onChange={(v) => setDays((d) => ({ ...d, [level]: v }))}
            disabled={!settings.data}
          />
        ))}
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy} disabled={!settings.data}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
