import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import type { PolicyVariable } from '../api';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';
import { policyApi } from './PolicyApi';

/** The organisation's values for the policy variables; an empty field uses the default. */
export function PolicyVariablesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const variables = useApi(() => (opened ? policyApi.variables() : Promise.resolve({ items: [] })), String(opened));
  return (
    <Modal opened={opened} onClose={onClose} title="Policy variables" size="lg">
      <Loaded state={variables}>
        {({ items }) => <VariablesForm items={items} onSaved={onClose} onCancel={onClose} />}
      </Loaded>
    </Modal>
  );
}

function VariablesForm({
  items,
  onSaved,
  onCancel,
}: {
  items: PolicyVariable[];
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setValues(Object.fromEntries(items.map((v) => [v.name, v.value ?? ''])));
  }, [items]);

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await policyApi.setVariables(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.trim() || null])));
      notifications.show({ color: 'teal', message: 'Policy variables saved. They apply from the next publication.' });
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Values fill the {'{{variables}}'} in policy texts when a version is published. Published versions keep the
          values they were published with.
        </Text>
        {items.map((v) => (
          <TextInput
            key={v.name}
            label={v.name}
            description={v.description}
            placeholder={v.default || 'No default: give a value before publishing'}
            value={values[v.name] ?? ''}
            error={
              !v.effective && !(values[v.name] ?? '').trim() ? 'Needed before a policy using it is published' : null
            }
            onChange={(e) => {
              const value = e.currentTarget.value;
              setValues((prev) => ({ ...prev, [v.name]: value }));
            }}
          />
        ))}
        {error !== null && <ErrorAlert error={error} title="The variables were not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
