import { Alert, Button, Group, Stack, TextInput } from '@mantine/core';
import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { IconKey } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { WebauthnCredential } from '../api';
import { registerSecurityKey } from '../webauthn';
import { ErrorAlert } from './PageStatus';

/** Names and registers a security key or passkey for the signed-in user. */
export function AddSecurityKey({ onAdded }: { onAdded: (credential: WebauthnCredential) => void }) {
  const [name, setName] = useState('Security key');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!browserSupportsWebAuthn()) {
    return <Alert color="gray">This browser does not support security keys. Use an authenticator app instead.</Alert>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onAdded(await registerSecurityKey(name.trim()));
      setName('Security key');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)}>
      <Stack gap="sm">
        <Group align="flex-end">
          <TextInput
            label="Key name"
            description="To tell your keys apart later"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={64}
            style={{ flex: 1 }}
          />
          <Button type="submit" loading={busy} leftSection={<IconKey size={16} />} disabled={!name.trim()}>
            Add a security key
          </Button>
        </Group>
        {error !== null && <ErrorAlert error={error} title="The security key was not added" />}
      </Stack>
    </form>
  );
}
