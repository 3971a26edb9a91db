import { Alert, Badge, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { api } from '../api';
import { ConfirmModal } from '../components/ConfirmModal';
import { SecurityKeysSection } from '../components/SecurityKeysSection';
import { SessionsSection } from '../components/SessionsSection';
import { SettingsSection } from '../components/SettingsSection';
import { TotpEnrol } from '../components/TotpEnrol';
import { useSession } from '../session';

export function SecuritySettingsPage() {
  const { me } = useSession();
  const factors = (me.mfa.totp ? 1 : 0) + me.mfa.webauthn;

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Security settings
      </Title>
      {me.mfa.required && factors === 1 && (
        <Alert color="blue" icon={<IconInfoCircle size={18} />}>
          Your role requires two-step verification. Add a second method before removing your only one, so you cannot be
          locked out.
        </Alert>
      )}
      {!me.mfa.required && factors === 0 && (
        <Alert color="yellow" icon={<IconInfoCircle size={18} />}>
          Two-step verification is off. Turn it on to protect your account if your password leaks.
        </Alert>
      )}
      <TotpSection />
      <SecurityKeysSection />
      <SessionsSection />
    </Stack>
  );
}

function TotpSection() {
  const { me, refresh } = useSession();
  const [settingUp, setSettingUp] = useState(false);
  const [removing, setRemoving] = useState(false);

  const status = me.mfa.totp ? (
    <Badge color="teal" variant="light" size="lg">
      On
    </Badge>
  ) : (
    <Badge color="gray" variant="light" size="lg">
      Off
    </Badge>
  );

  return (
    <SettingsSection
      title="Authenticator app"
      description="Six-digit codes from an app such as Aegis, 1Password or Google Authenticator."
      aside={status}
    >
      <Group>
        {me.mfa.totp ? (
          <Button variant="default" color="red" onClick={() => setRemoving(true)}>
            Remove authenticator app
          </Button>
        ) : (
          <Button onClick={() => setSettingUp(true)}>Set up authenticator app</Button>
        )}
      </Group>
      <Modal opened={settingUp} onClose={() => setSettingUp(false)} title="Set up an authenticator app" centered>
        {/* The modal mounts its content only while open, so each opening starts a fresh set-up. */}
        <TotpEnrol
          onConfirmed={() => {
            setSettingUp(false);
            notifications.show({ color: 'teal', message: 'Authenticator app turned on.' });
            void refresh();
          }}
        />
      </Modal>
      <ConfirmModal
        opened={removing}
        title="Remove authenticator app"
        confirmLabel="Remove"
        onClose={() => setRemoving(false)}
        onConfirm={async () => {
          await api.totpRemove();
          notifications.show({ message: 'Authenticator app removed.' });
          await refresh();
        }}
      >
        <Text size="sm">Codes from your authenticator app will no longer be accepted when you sign in.</Text>
      </ConfirmModal>
    </SettingsSection>
  );
}
