import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDate } from '../format';
import { useSession } from '../session';
import { useApi } from '../useApi';
import { evidenceApi } from './EvidenceApi';
import { LedgerBadge } from './EvidenceLedgerBadge';
import { EvidenceUploadModal } from './EvidenceUploadModal';
import { Loaded } from './PageStatus';

/** A control's evidence in its drawer: the latest files with their ledger state, and a way to add one. */
export function EvidenceForControl({ controlId }: { controlId: string }) {
  const { me } = useSession();
  const [adding, setAdding] = useState(false);
  const evidence = useApi(() => evidenceApi.list({ controlId }), controlId);
  return (
    <div>
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={700}>
          Evidence
        </Text>
        {me.role !== 'auditor' && (
          <Button size="compact-xs" variant="light" onClick={() => setAdding(true)}>
            Add evidence
          </Button>
        )}
      </Group>
      <Loaded state={evidence}>
        {(page) =>
          page.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              No evidence for this control yet.
            </Text>
          ) : (
            <Stack gap={6}>
              {page.items.slice(0, 10).map((item) => (
                <Group key={item.id} gap="xs" wrap="nowrap" justify="space-between">
                  <Text size="sm" truncate>
                    #{item.ledgerIndex}{' '}
                    {item.erased ? (
                      <Text span td="line-through" c="dimmed">
                        {item.name}
                      </Text>
                    ) : (
                      <Anchor href={evidenceApi.downloadUrl(item.id)} download={item.name}>
                        {item.name}
                      </Anchor>
                    )}{' '}
                    <Text span size="xs" c="dimmed">
                      {formatDate(item.effectiveFrom)}
                    </Text>
                  </Text>
                  <LedgerBadge state={item.ledger} />
                </Group>
              ))}
              <Anchor component={Link} to="/evidence" size="xs">
                All evidence
              </Anchor>
            </Stack>
          )
        }
      </Loaded>
      <EvidenceUploadModal
        opened={adding}
        controlId={controlId}
        onClose={() => setAdding(false)}
        onUploaded={() => void evidence.reload()}
      />
    </div>
  );
}
