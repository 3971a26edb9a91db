import { Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type FormEvent, useState } from 'react';
import { evidenceApi } from './EvidenceApi';
import { ErrorAlert } from './PageStatus';

/**
 * Exports the evidence effective in a window as a bundle an auditor verifies offline with
 * `attest verify`: the files, a manifest, proofs, a fresh signed checkpoint and the public key.
 */
export function EvidenceExportModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (from && to && to <= from) {
      setError(new Error('The window must end after it starts.'));
      return;
    }
    setBusy(true);
    try {
      const name = await evidenceApi.exportBundle({
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
      });
      notifications.show({ color: 'teal', title: 'Bundle exported', message: `${name} is downloading.` });
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Export an evidence bundle" centered>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            A zip of the evidence whose period falls in the window, with inclusion proofs, a freshly signed checkpoint
            and your organisation’s public key. The export is itself recorded in the ledger and the audit log. Anyone
            can check it offline with <Code>attest verify bundle.zip</Code>.
          </Text>
          <Group grow>
            <TextInput label="From" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput
              label="Until (not included)"
              type="date"
              value={to}
              onChange={(e) => setTo(e.currentTarget.value)}
            />
          </Group>
          <Text size="xs" c="dimmed">
            Leave both empty to export everything.
          </Text>
          {error !== null && <ErrorAlert error={error} title="Not exported" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Download bundle
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
