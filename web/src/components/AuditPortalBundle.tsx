import { Button, Code, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { type Audit, auditApi } from '../api/audits';
import { ErrorAlert } from './PageStatus';

/** The evidence bundle of the audit's window, checked offline with `attest verify`. */
export function AuditPortalBundle({ audit }: { audit: Audit }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const name = await auditApi.downloadBundle(audit.id);
      notifications.show({ color: 'teal', title: 'Bundle ready', message: `${name} is downloading.` });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack align="flex-start">
      <Text size="sm">
        A zip of every evidence item effective from {audit.windowStart} to {audit.windowEnd}, with inclusion proofs, a
        freshly signed checkpoint of the organisation’s ledger and its public key. The export is recorded in the ledger
        and the audit log. Check it offline, without trusting this server, with <Code>attest verify bundle.zip</Code>.
      </Text>
      <Button leftSection={<IconDownload size={16} />} loading={busy} onClick={() => void download()}>
        Download the audit bundle
      </Button>
      {error !== null && <ErrorAlert error={error} title="No bundle" />}
    </Stack>
  );
}
