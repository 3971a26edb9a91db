import { Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { hasLength, useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../api';
import { applyFieldErrors } from '../forms';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';

const EXPIRY_CHOICES = [7, 30, 90, 365].map((days) => ({ value: String(days), label: `${days} days` }));

interface CreateTokenModalProps {
  opened: boolean;
  onClose: () => void;
  /** Receives the secret, which the server returns only this once. */
  onCreated: (token: string) => void;
}

export function CreateTokenModal({ opened, onClose, onCreated }: CreateTokenModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create an API token" centered size="lg">
      {/* Mounted only while open: every opening starts from an empty form. */}
      <CreateTokenForm onClose={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function CreateTokenForm({ onClose, onCreated }: Omit<CreateTokenModalProps, 'opened'>) {
  const scopes = useApi(api.tokenScopes);
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '', scopes: [] as string[], expiresInDays: '30' },
    validate: {
      name: hasLength({ min: 1, max: 100 }, 'Give the token a name, such as “CI pipeline”'),
      scopes: (value: string[]) => (value.length === 0 ? 'Choose at least one scope' : null),
    },
  });

  const submit = form.onSubmit(async ({ name, scopes: chosen, expiresInDays }) => {
    setError(null);
    try {
      const { token } = await api.createToken({
        name: name.trim(),
        scopes: chosen,
        expiresInDays: Number(expiresInDays),
      });
      onCreated(token);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <TextInput
          label="Name"
          description="What will use this token?"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Loaded state={scopes}>
          {({ items }) => (
            <Checkbox.Group
              label="Scopes"
              description="Grant only what the token needs"
              required
              {...form.getInputProps('scopes')}
            >
              <Stack gap="xs" mt="xs">
                {items.length === 0 && <Text size="sm">The server offers no scopes.</Text>}
                {items.map(({ scope, description }) => (
                  <Checkbox key={scope} value={scope} label={scope} description={description} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
        </Loaded>
        <Select
          label="Expires after"
          data={EXPIRY_CHOICES}
          allowDeselect={false}
          required
          {...form.getInputProps('expiresInDays')}
        />
        {error !== null && <ErrorAlert error={error} title="The token was not created" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
