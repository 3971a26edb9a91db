import { Anchor, Button, Divider, Stack, Text } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError, api, type Me, type Stage } from '../api';
import { AuthCard } from '../components/AuthCard';
import { CodeInput } from '../components/CodeInput';
import { ErrorAlert, LoadingState } from '../components/PageStatus';
import { safeNext } from '../format';
import { loginPath, pathForStage } from '../session';
import { signInWithSecurityKey } from '../webauthn';

export function LoginMfaPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [me, setMe] = useState<Me | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'code' | 'key' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void api.me().then(
      (current) => {
        if (current.session.stage === 'mfa') setMe(current);
        else void navigate(pathForStage(current.session.stage, next), { replace: true });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          void navigate(loginPath(next), { replace: true, state: { expired: err.code === 'session_expired' } });
        } else setLoadError(err);
      },
    );
  }, [navigate, next]);

  const finish = (stage: Stage) => void navigate(pathForStage(stage, next), { replace: true });

  const attempt = async (kind: 'code' | 'key', step: () => Promise<{ stage: Stage }>) => {
    setBusy(kind);
    setError(null);
    try {
      finish((await step()).stage);
    } catch (err) {
      setError(err);
      setCode('');
      codeRef.current?.focus();
      if (err instanceof ApiError && err.status === 401) void navigate(loginPath(next), { replace: true });
    } finally {
      setBusy(null);
    }
  };

  const submitCode = (event: FormEvent) => {
    event.preventDefault();
    void attempt('code', () => api.mfaTotp(code));
  };

  const signOut = async () => {
    await api.logout().catch(() => undefined);
    void navigate('/login', { replace: true });
  };

  if (loadError)
    return (
      <AuthCard title="Two-step verification">
        <ErrorAlert error={loadError} />
      </AuthCard>
    );
  if (!me)
    return (
      <AuthCard title="Two-step verification">
        <LoadingState />
      </AuthCard>
    );

  return (
    <AuthCard title="Two-step verification" subtitle={`Signed in as ${me.user.email}`}>
      {me.mfa.totp && (
        <form onSubmit={submitCode}>
          <Stack>
            <CodeInput ref={codeRef} value={code} onChange={setCode} autoFocus />
            <Button type="submit" loading={busy === 'code'} disabled={code.length !== 6 || busy !== null} fullWidth>
              Verify
            </Button>
          </Stack>
        </form>
      )}
      {error !== null && <ErrorAlert error={error} title="Verification failed" />}
      {me.mfa.totp && me.mfa.webauthn > 0 && <Divider label="or" labelPosition="center" />}
      {me.mfa.webauthn > 0 && (
        <Button
          variant={me.mfa.totp ? 'default' : 'filled'}
          leftSection={<IconKey size={16} />}
          loading={busy === 'key'}
          disabled={busy !== null}
          onClick={() => void attempt('key', signInWithSecurityKey)}
          fullWidth
        >
          Use a security key
        </Button>
      )}
      <Text size="sm" c="dimmed" ta="center">
        Lost access to your second factor? Contact your Attest administrator.{' '}
        <Anchor component="button" type="button" size="sm" onClick={() => void signOut()}>
          Sign out
        </Anchor>
      </Text>
    </AuthCard>
  );
}
