import {
  Anchor,
  Button,
  Card,
  EmptyState,
  Group,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileCertificate, IconPackageExport, IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { api, type Control, type EvidenceItem, type EvidencePage as EvidencePageData } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { type EvidenceFilters, evidenceApi, formatSize } from '../components/EvidenceApi';
import { EvidenceExportModal } from '../components/EvidenceExportModal';
import { LedgerBadge } from '../components/EvidenceLedgerBadge';
import { EvidenceUploadModal } from '../components/EvidenceUploadModal';
import { Loaded } from '../components/PageStatus';
import { formatDate, formatDateTime } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';

/** `YYYY-MM-DD` as the start of that day in UTC (how the server reads a bare date). */
const day = (date: string) => (date ? `${date}T00:00:00.000Z` : '');

/**
 * The evidence vault: every file with the control it shows, the time it proves, who added it,
 * its ledger index and whether it verifies. Owners erase; owners, admins and auditors export a
 * bundle an auditor checks offline.
 */
export function EvidencePage() {
  const { me } = useSession();
  const canAdd = me.role !== 'auditor';
  const canExport = me.role === 'owner' || me.role === 'admin' || me.role === 'auditor';
  const [controlId, setControlId] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filters: EvidenceFilters = {
    controlId: controlId ?? '',
    q: q.trim(),
    from: day(from),
    to: day(to),
  };
  const key = JSON.stringify(filters);
  const evidence = useApi(() => evidenceApi.list(filters), key);
  const controls = useApi<Control[]>(async () => (await api.controls({})).items);
  const [more, setMore] = useState<EvidencePageData | null>(null);
  const [adding, setAdding] = useState(false);
  const [exporting, setExporting] = useState(false);
  const erasing = useModalTarget<EvidenceItem>();
  const [reason, setReason] = useState('');
  const filtered = Boolean(controlId || q.trim() || from || to);

  const refresh = () => {
    setMore(null);
    void evidence.reload();
  };
  const filter =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setMore(null);
      set(v);
    };
  const loadMore = async (cursor: string) => {
    const next = await evidenceApi.list(filters, cursor);
    setMore((prev) => ({ items: [...(prev?.items ?? []), ...next.items], nextCursor: next.nextCursor }));
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Evidence
        </Title>
        <Group gap="xs">
          {canExport && (
            <Button variant="light" leftSection={<IconPackageExport size={16} />} onClick={() => setExporting(true)}>
              Export bundle
            </Button>
          )}
          {canAdd && (
            <Button leftSection={<IconUpload size={16} />} onClick={() => setAdding(true)}>
              Add evidence
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        Files are encrypted at rest. Each one is an entry in your organisation’s ledger, an append-only log with signed
        checkpoints, so anyone can check offline that nothing was changed after it was collected.
      </Text>
      <Card withBorder radius="md" padding="lg">
        <Group grow align="flex-end">
          <Select
            label="Control"
            placeholder="Any control"
            clearable
            searchable
            data={(controls.data ?? []).map((c) => ({ value: c.id, label: `${c.key} · ${c.title}` }))}
            value={controlId}
            onChange={filter(setControlId)}
          />
          <TextInput
            label="Search"
            placeholder="File name, note or control key"
            value={q}
            onChange={(e) => filter(setQ)(e.currentTarget.value)}
          />
          <TextInput
            label="Proves on or after"
            type="date"
            value={from}
            onChange={(e) => filter(setFrom)(e.currentTarget.value)}
          />
          <TextInput
            label="Proves before"
            type="date"
            value={to}
            onChange={(e) => filter(setTo)(e.currentTarget.value)}
          />
        </Group>
      </Card>
      <Card withBorder radius="md" padding="lg">
        <Loaded state={evidence}>
          {(page) => {
            const items = [...page.items, ...(more?.items ?? [])];
            const cursor = more ? more.nextCursor : page.nextCursor;
            if (items.length === 0) {
              return filtered ? (
                <EmptyState icon={<IconFileCertificate size={28} />} title="No evidence matches these filters">
                  <Text size="sm" c="dimmed">
                    Clear a filter to see more.
                  </Text>
                </EmptyState>
              ) : (
                <EmptyState icon={<IconFileCertificate size={28} />} title="No evidence yet">
                  <Text size="sm" c="dimmed">
                    {canAdd
                      ? 'Add the files that show your controls at work: access reviews, scan reports, restore tests.'
                      : 'Evidence added by the team appears here.'}
                  </Text>
                  {canAdd && (
                    <EmptyState.Actions>
                      <Button variant="light" onClick={() => setAdding(true)}>
                        Add evidence
                      </Button>
                    </EmptyState.Actions>
                  )}
                </EmptyState>
              );
            }
            return (
              <Stack>
                <Table.ScrollContainer minWidth={900}>
                  <Table verticalSpacing="sm" highlightOnHover>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Ledger</Table.Th>
                        <Table.Th>File</Table.Th>
                        <Table.Th>Control</Table.Th>
                        <Table.Th>Proves</Table.Th>
                        <Table.Th>Added</Table.Th>
                        <Table.Th>State</Table.Th>
                        {me.role === 'owner' && <Table.Th>Actions</Table.Th>}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((item) => (
                        <EvidenceRow
                          key={item.id}
                          item={item}
                          owner={me.role === 'owner'}
                          onErase={() => {
                            setReason('');
                            erasing.open(item);
                          }}
                        />
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {cursor && (
                  <Button variant="light" onClick={() => void loadMore(cursor)}>
                    Load more
                  </Button>
                )}
              </Stack>
            );
          }}
        </Loaded>
      </Card>
      <EvidenceUploadModal
        opened={adding}
        onClose={() => setAdding(false)}
        onUploaded={(item) => {
          notifications.show({
            color: 'teal',
            title: 'Evidence added',
            message: `${item.name} is ledger entry #${item.ledgerIndex}.`,
          });
          refresh();
        }}
      />
      <EvidenceExportModal opened={exporting} onClose={() => setExporting(false)} />
      <ConfirmModal
        opened={erasing.opened}
        onClose={erasing.close}
        onExited={erasing.onExited}
        title="Erase this evidence?"
        confirmLabel="Erase"
        onConfirm={async () => {
          if (!erasing.target) return;
          if (reason.trim().length < 3) throw new Error('Say why it is erased (at least 3 characters).');
          await evidenceApi.erase(erasing.target.id, reason.trim());
          notifications.show({ color: 'teal', message: `${erasing.target.name} was erased.` });
          refresh();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            The file “{erasing.target?.name}” is deleted for good. The ledger keeps its hash and records the erasure, so
            the log still verifies and shows it as erased. This is recorded in the audit log.
          </Text>
          <Textarea
            label="Reason"
            placeholder="For example: holds personal data that must be deleted"
            required
            autosize
            minRows={2}
            maxLength={1000}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
        </Stack>
      </ConfirmModal>
    </Stack>
  );
}

function EvidenceRow({ item, owner, onErase }: { item: EvidenceItem; owner: boolean; onErase: () => void }) {
  const period = item.effectiveTo
    ? `${formatDate(item.effectiveFrom)} – ${formatDate(item.effectiveTo)}`
    : formatDate(item.effectiveFrom);
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" ff="monospace">
          #{item.ledgerIndex}
        </Text>
      </Table.Td>
      <Table.Td>
        {item.erased ? (
          <Text size="sm" td="line-through" c="dimmed">
            {item.name}
          </Text>
        ) : (
          <Anchor href={evidenceApi.downloadUrl(item.id)} size="sm" download={item.name}>
            {item.name}
          </Anchor>
        )}
        <Text size="xs" c="dimmed">
          {formatSize(item.size)} · SHA-256 {item.sha256.slice(0, 12)}…
        </Text>
        {item.note && (
          <Text size="xs" mt={2}>
            {item.note.length > 140 ? `${item.note.slice(0, 140)}…` : item.note}
          </Text>
        )}
        {item.erased && (
          <Text size="xs" c="orange" mt={2}>
            Erased {formatDateTime(item.erased.at)}
            {item.erased.by ? ` by ${item.erased.by.email}` : ''}: {item.erased.reason}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{item.control ? item.control.key : '—'}</Text>
        {item.task && (
          <Text size="xs" c="dimmed">
            Task: {item.task.title}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">{period}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatDateTime(item.uploadedAt)}</Text>
        <Text size="xs" c="dimmed">
          {item.uploadedBy ? item.uploadedBy.name || item.uploadedBy.email : '—'}
        </Text>
      </Table.Td>
      <Table.Td>
        <LedgerBadge state={item.ledger} />
      </Table.Td>
      {owner && (
        <Table.Td>
          {item.erased ? (
            <Text size="sm" c="dimmed">
              —
            </Text>
          ) : (
            <Button size="xs" variant="subtle" color="red" onClick={onErase} aria-label={`Erase ${item.name}`}>
              Erase
            </Button>
          )}
        </Table.Td>
      )}
    </Table.Tr>
  );
}
