import { Alert, Button, Stack, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { IconClock } from '@tabler/icons-react';
import { useState } from 'react';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert } from '../components/PageStatus';
import { PasswordField } from '../components/PasswordField';
import { safeNext } from '../format';
import { pathForStage } from '../session';

export function LoginPage() {
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const expired = (location.state as { expired?: boolean } | null)?.expired === true;
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: { email: isEmail('Enter your email address'), password: isNotEmpty('Enter your password') },
  });

  const submit = form.onSubmit(async ({ email, password }) => {
    setError(null);
    try {
      const { stage } = await api.login(email.trim(), password);
      void navigate(pathForStage(stage, next), { replace: true });
    } catch (err) {
      setError(err);
      form.setFieldValue('password', '');
    }
  });

  return (
    <AuthCard title="Sign in to Attest">
      <form onSubmit={submit} noValidate>
        <Stack>
          {expired && error === null && (
            <Alert color="yellow" icon={<IconClock size={18} />}>
              Your session expired. Sign in again to continue.
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            {...form.getInputProps('email')}
          />
          <PasswordField
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          {error !== null && <ErrorAlert error={error} title="Sign-in failed" />}
          <Button type="submit" loading={form.submitting} fullWidth>
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
