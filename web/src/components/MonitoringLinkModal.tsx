import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { errorMessage } from '../api';
import { useApi } from '../useApi';
import { type InventoryRecord, monitoringApi } from './MonitoringApi';

/**
 * Links an account to a person from the HRIS inventory by hand, when its email does not match
 * (a service login, a personal address): the account's checks then treat it as that person's.
 */
export function MonitoringLinkModal({
  account,
  onClose,
  onLinked,
}: {
  account: InventoryRecord | null;
  onClose: () => void;
  onLinked: () => void;
}) {
  const [q, setQ] = useState('');
  const [search] = useDebouncedValue(q.trim(), 300);
  const [personId, setPersonId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const people = useApi(
    async () =>
      account ? (await monitoringApi.records({ type: 'person', kind: 'people', q: search, deleted: false })).items : [],
    `${account?.id ?? ''}:${search}`,
  );
  const options = (people.data ?? []).map((p) => ({ value: p.id, label: p.name }));

  const save = async (target: string | null) => {
    if (!account) return;
    setSaving(true);
    setError(null);
    try {
      const { resultsChanged } = await monitoringApi.linkAccount(account.id, target);
      notifications.show({
        color: 'teal',
        title: target ? `Linked ${account.name}` : `Unlinked ${account.name}`,
        message: `${resultsChanged} result(s) changed.`,
      });
      setPersonId(null);
      onLinked();
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal opened={account !== null} onClose={onClose} title="Link the account to a person">
      {account && (
        <Stack>
          <Text size="sm">
            <b>{account.name}</b> ({account.source.kind}) is not matched to anyone by email. Choose the person it
            belongs to; its checks (departed people, unlinked accounts) then run as theirs.
          </Text>
          <Select
            label="Person"
            placeholder="Search people by name"
            searchable
            data={options}
            value={personId}
            onChange={setPersonId}
            searchValue={q}
            onSearchChange={setQ}
            nothingFoundMessage={people.loading ? 'Searching…' : 'Nobody found: import your HRIS list first'}
          />
          {error && (
            <Alert color="red" title="Not linked">
              {error}
            </Alert>
          )}
          <Group justify="space-between">
            {account.linkedPerson ? (
              <Button variant="subtle" color="red" loading={saving} onClick={() => void save(null)}>
                Unlink from {account.linkedPerson.name}
              </Button>
            ) : (
              <span />
            )}
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button disabled={!personId} loading={saving} onClick={() => void save(personId)}>
                Link
              </Button>
            </Group>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
