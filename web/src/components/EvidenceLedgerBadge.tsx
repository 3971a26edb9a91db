import { Badge, Tooltip } from '@mantine/core';
import type { LedgerState } from '../api';

export const LEDGER_BADGE: Record<LedgerState, { label: string; color: string; hint: string }> = {
  verified: {
    label: 'Verified',
    color: 'teal',
    hint: 'Its inclusion proof checks against the latest signed checkpoint of your ledger.',
  },
  pending: { label: 'Pending', color: 'gray', hint: 'No signed checkpoint covers it yet; the next one will.' },
  failed: { label: 'Does not verify', color: 'red', hint: 'Its ledger entry does not match: investigate.' },
  erased: { label: 'Erased', color: 'orange', hint: 'The file was erased; the ledger keeps its hash.' },
};

export function LedgerBadge({ state }: { state: LedgerState }) {
  const badge = LEDGER_BADGE[state];
  return (
    <Tooltip label={badge.hint} multiline w={260} withArrow>
      <Badge color={badge.color} variant="light" tabIndex={0}>
        {badge.label}
      </Badge>
    </Tooltip>
  );
}
