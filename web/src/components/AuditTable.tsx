import { Anchor, Code, Modal, ScrollArea, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import type { AuditItem } from '../api';
import { formatDateTime } from '../format';

function target(item: AuditItem): string {
  if (!item.targetType) return '—';
  return item.targetId ? `${item.targetType} ${item.targetId}` : item.targetType;
}

/** Audit events with a details modal; shared by the dashboard and the audit log. */
export function AuditTable({ items, compact = false }: { items: AuditItem[]; compact?: boolean }) {
  const [open, setOpen] = useState<AuditItem | null>(null);

  return (
    <>
      <Table.ScrollContainer minWidth={compact ? 520 : 760}>
        <Table striped highlightOnHover verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Actor</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Target</Table.Th>
              {!compact && <Table.Th>IP address</Table.Th>}
              <Table.Th>
                <VisuallyHidden>Details</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(item.at)}
                  </Text>
                </Table.Td>
                <Table.Td>{item.actor ?? 'System'}</Table.Td>
                <Table.Td>
                  <Code>{item.action}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" truncate="end" maw={240}>
                    {target(item)}
                  </Text>
                </Table.Td>
                {!compact && <Table.Td>{item.ip ?? '—'}</Table.Td>}
                <Table.Td>
                  <Anchor
                    component="button"
                    type="button"
                    size="sm"
                    onClick={() => setOpen(item)}
                    aria-label={`Details of ${item.action} at ${formatDateTime(item.at)}`}
                  >
                    Details
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Modal opened={open !== null} onClose={() => setOpen(null)} title="Audit event" size="lg" centered>
        {open && <AuditDetails item={open} />}
      </Modal>
    </>
  );
}

function AuditDetails({ item }: { item: AuditItem }) {
  const rows: [string, string][] = [
    ['When', formatDateTime(item.at)],
    ['Actor', item.actor ?? 'System'],
    ['Action', item.action],
    ['Target', target(item)],
    ['IP address', item.ip ?? '—'],
    ['User agent', item.userAgent ?? '—'],
    ['Request id', item.requestId ?? '—'],
  ];
  return (
    <Stack>
      <Table variant="vertical" withTableBorder layout="fixed">
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={120}>{label}</Table.Th>
              <Table.Td style={{ wordBreak: 'break-word' }}>{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="sm" fw={500}>
        Details
      </Text>
      <ScrollArea.Autosize mah={320}>
        <Code block>{JSON.stringify(item.details ?? {}, null, 2)}</Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}
