import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { hasLength, useForm } from '@mantine/form';
import { useState } from 'react';
import { api } from '../api';
import { applyFieldErrors } from '../forms';
import { ErrorAlert } from './PageStatus';

const EXPIRY_CHOICES = [90, 180, 365].map((days) => ({ value: String(days), label: `${days} days` }));

interface ScimTokenModalProps {
  opened: boolean;
  onClose: () => void;
  /** Receives the secret, which the server returns only this once. */
  onCreated: (token: string) => void;
}

/** Creates an API token with only the "scim" scope, for an identity provider. */
export function ScimTokenModal({ opened, onClose, onCreated }: ScimTokenModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create a SCIM token" centered>
      {/* Mounted only while open: every opening starts from a fresh form. */}
      <ScimTokenForm onClose={onClose} onCreated={onCreated} />
    </Modal>
  );
}

function ScimTokenForm({ onClose, onCreated }: Omit<ScimTokenModalProps, 'opened'>) {
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: 'Identity provider (SCIM)', expiresInDays: '365' },
    validate: { name: hasLength({ min: 1, max: 100 }, 'Name the token after the identity provider, such as “Okta”') },
  });

  const submit = form.onSubmit(async ({ name, expiresInDays }) => {
    setError(null);
    try {
      const { token } = await api.createToken({
        name: name.trim(),
        scopes: ['scim'],
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
        <Text size="sm">
          The token may only provision people through SCIM. It acts as you: it stops working if you leave the
          organisation or stop being an owner or admin.
        </Text>
        <TextInput
          label="Name"
          description="Where it is used"
          required
          data-autofocus
          {...form.getInputProps('name')}
        />
        <Select
          label="Expires after"
          description="Put a reminder in your calendar to replace it before then"
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
