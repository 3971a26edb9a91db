import { Button, Card, EmptyState, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconFilter, IconListSearch } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { type AuditFilters, type AuditItem, api } from '../api';
import { AuditTable } from '../components/AuditTable';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { useApi } from '../useApi';

interface FilterForm {
  action: string | null;
  actor: string;
  from: string;
  to: string;
}

const EMPTY: FilterForm = { action: null, actor: '', from: '', to: '' };

/** Date inputs give local calendar days; the API gets instants: `from` inclusive, `to` the start of the next day. */
function toFilters(form: FilterForm): AuditFilters {
  const startOf = (day: string) => new Date(`${day}T00:00:00`);
  const filters: AuditFilters = {};
  if (form.action) filters.action = form.action;
  if (form.actor.trim()) filters.actor = form.actor.trim();
  if (form.from) filters.from = startOf(form.from).toISOString();
  if (form.to) {
    const end = startOf(form.to);
    end.setDate(end.getDate() + 1);
    filters.to = end.toISOString();
  }
  return filters;
}

export function AuditPage() {
  const actions = useApi(api.auditActions);
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [applied, setApplied] = useState<AuditFilters>({});
  const [extra, setExtra] = useState<{ items: AuditItem[]; nextCursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const firstPage = useApi(() => api.audit(applied), JSON.stringify(applied));

  const rangeError = form.from && form.to && form.from > form.to ? 'The end date is before the start date' : null;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (rangeError) return;
    setExtra(null);
    setMoreError(null);
    setApplied(toFilters(form));
  };

  const reset = () => {
    setForm(EMPTY);
    setExtra(null);
    setMoreError(null);
    setApplied({});
  };

  const items = [...(firstPage.data?.items ?? []), ...(extra?.items ?? [])];
  const nextCursor = extra ? extra.nextCursor : (firstPage.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.audit(applied, nextCursor);
      setExtra({ items: [...(extra?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Audit log
        </Title>
        <Button
          component="a"
          href={api.auditExportUrl(applied)}
          download="attest-audit-log.csv"
          variant="default"
          leftSection={<IconDownload size={16} />}
        >
          Export CSV
        </Button>
      </Group>
      <Card withBorder radius="md" padding="lg">
        <form onSubmit={apply} aria-label="Audit log filters">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <Select
              label="Action"
              placeholder={actions.error ? 'Actions unavailable' : 'Any action'}
              data={actions.data?.items ?? []}
              value={form.action}
              onChange={(action) => setForm({ ...form, action })}
              clearable
              searchable
              nothingFoundMessage="No matching action"
            />
            <TextInput
              label="Actor"
              placeholder="Email address"
              type="search"
              value={form.actor}
              onChange={(event) => setForm({ ...form, actor: event.currentTarget.value })}
            />
            <TextInput
              label="From"
              type="date"
              value={form.from}
              onChange={(event) => setForm({ ...form, from: event.currentTarget.value })}
            />
            <TextInput
              label="To"
              type="date"
              value={form.to}
              error={rangeError}
              onChange={(event) => setForm({ ...form, to: event.currentTarget.value })}
            />
          </SimpleGrid>
          <Group mt="md" gap="sm">
            <Button type="submit" leftSection={<IconFilter size={16} />}>
              Apply filters
            </Button>
            <Button variant="subtle" onClick={reset}>
              Reset
            </Button>
          </Group>
        </form>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={firstPage} forbidden="Only owners and admins can read the audit log.">
          {() =>
            items.length === 0 ? (
              <EmptyState
                icon={<IconListSearch size={28} />}
                title="No events found"
                description={
                  Object.keys(applied).length > 0
                    ? 'No audit events match these filters. Widen the dates or reset the filters.'
                    : 'Audit events appear here as people sign in and change settings.'
                }
              />
            ) : (
              <Stack>
                <AuditTable items={items} />
                {moreError !== null && <ErrorAlert error={moreError} title="Could not load more events" />}
                <Group justify="space-between">
                  <Text size="sm" c="dimmed">
                    Showing {items.length} {items.length === 1 ? 'event' : 'events'}
                  </Text>
                  {nextCursor && (
                    <Button variant="default" onClick={() => void loadMore()} loading={loadingMore}>
                      Load more
                    </Button>
                  )}
                </Group>
              </Stack>
            )
          }
        </Loaded>
      </Card>
    </Stack>
  );
}
