import { Anchor, Button, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { IconFiles } from '@tabler/icons-react';
import { useState } from 'react';
import type { EvidenceItem } from '../api';
import { auditApi } from '../api/audits';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { formatSize } from './EvidenceApi';
import { LedgerBadge } from './EvidenceLedgerBadge';
import { Loaded } from './PageStatus';

/** Evidence whose effective date or period falls in the window, with its ledger state and a download. */
export function AuditPortalEvidence({ auditId }: { auditId: string }) {
  const state = useApi(() => auditApi.evidence(auditId), auditId);
  const [more, setMore] = useState<EvidenceItem[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const next = cursor === undefined ? state.data?.nextCursor : cursor;

  const loadMore = async () => {
    if (!next) return;
    const page = await auditApi.evidence(auditId, next);
    setMore((m) => [...m, ...page.items]);
    setCursor(page.nextCursor);
  };

  return (
    <Loaded state={state}>
      {(data) => {
        const items = [...data.items, ...more];
        return items.length === 0 ? (
          <EmptyState icon={<IconFiles size={28} />} title="No evidence in the window">
            Nothing in the vault is effective between {data.window.from.slice(0, 10)} and {data.window.to.slice(0, 10)}.
          </EmptyState>
        ) : (
          <Stack>
            <Text size="sm" c="dimmed">
              Items whose effective date or period overlaps {data.window.from.slice(0, 10)} to{' '}
              {data.window.to.slice(0, 10)} (end excluded).
            </Text>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Control</Table.Th>
                  <Table.Th>Effective</Table.Th>
                  <Table.Th>Ledger</Table.Th>
                  <Table.Th>Size</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>
                      {e.erased ? (
                        e.name
                      ) : (
                        <Anchor href={auditApi.evidenceUrl(auditId, e.id)} download={e.name}>
                          {e.name}
                        </Anchor>
                      )}
                      <Text size="xs" c="dimmed">
                        #{e.ledgerIndex} {e.note}
                      </Text>
                    </Table.Td>
                    <Table.Td>{e.control?.key ?? '—'}</Table.Td>
                    <Table.Td>
                      {formatDate(e.effectiveFrom)}
                      {e.effectiveTo ? ` – ${formatDate(e.effectiveTo)}` : ''}
                    </Table.Td>
                    <Table.Td>
                      <LedgerBadge state={e.ledger} />
                    </Table.Td>
                    <Table.Td>{formatSize(e.size)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {next && (
              <Group>
                <Button variant="default" onClick={() => void loadMore()}>
                  Show more
                </Button>
              </Group>
            )}
          </Stack>
        );
      }}
    </Loaded>
  );
}
