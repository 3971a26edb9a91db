import { Anchor, Tabs, Text } from '@mantine/core';
import { IconDeviceMobile, IconKey } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, type Me, type Stage } from '../api';
import { AddSecurityKey } from '../components/AddSecurityKey';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert, LoadingState } from '../components/PageStatus';
import { TotpEnrol } from '../components/TotpEnrol';
import { safeNext } from '../format';
import { loginPath, pathForStage } from '../session';

const TITLE = 'Set up two-step verification';

/** Owners and admins must add a second factor before anything else. */
export function EnrolPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    void api.me().then(
      (current) => {
        if (current.session.stage === 'enrol') setMe(current);
        else void navigate(pathForStage(current.session.stage, next), { replace: true });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          void navigate(loginPath(next), { replace: true, state: { expired: err.code === 'session_expired' } });
        } else setError(err);
      },
    );
  }, [navigate, next]);

  const finish = (stage: Stage) => void navigate(pathForStage(stage, next), { replace: true });

  const afterKey = async () => {
    try {
      finish((await api.me()).session.stage);
    } catch (err) {
      setError(err);
    }
  };

  const signOut = async () => {
    await api.logout().catch(() => undefined);
    void navigate('/login', { replace: true });
  };

  if (error)
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert error={error} />
      </AuthCard>
    );
  if (!me)
    return (
      <AuthCard title={TITLE}>
        <LoadingState />
      </AuthCard>
    );

  return (
    <AuthCard
      title={TITLE}
      width={480}
      subtitle={`Your role${me.organisation ? ` in ${me.organisation.name}` : ''} requires a second factor. Add one to continue, ${me.user.email}.`}
    >
      <Tabs defaultValue="totp" keepMounted={false}>
        <Tabs.List grow>
          <Tabs.Tab value="totp" leftSection={<IconDeviceMobile size={16} />}>
            Authenticator app
          </Tabs.Tab>
          <Tabs.Tab value="key" leftSection={<IconKey size={16} />}>
            Security key
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="totp" pt="md">
          <TotpEnrol onConfirmed={finish} />
        </Tabs.Panel>
        <Tabs.Panel value="key" pt="md">
          <Text size="sm" mb="sm">
            Use a hardware key or a passkey stored on this device.
          </Text>
          <AddSecurityKey onAdded={() => void afterKey()} />
        </Tabs.Panel>
      </Tabs>
      <Text size="sm" c="dimmed" ta="center">
        Not you?{' '}
        <Anchor component="button" type="button" size="sm" onClick={() => void signOut()}>
          Sign out
        </Anchor>
      </Text>
    </AuthCard>
  );
}
