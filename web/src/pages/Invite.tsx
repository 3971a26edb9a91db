import { Button, Stack, Text, TextInput } from '@mantine/core';
import { hasLength, isNotEmpty, matchesField, useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api, type InvitationLookup, type Me, type Stage } from '../api';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert, LoadingState } from '../components/PageStatus';
import { PasswordField } from '../components/PasswordField';
import { applyFieldErrors } from '../forms';
import { loginPath, pathForStage } from '../session';
import { useApi } from '../useApi';

const MIN_PASSWORD = 12;

interface InviteContext {
  invitation: InvitationLookup;
  /** The visitor's own full session, if any. */
  me: Me | null;
}

async function loadInvite(token: string | null): Promise<InviteContext> {
  if (!token) throw new Error('This invitation link is incomplete. Open the full link from your invitation.');
  const [invitation, me] = await Promise.all([api.lookupInvitation(token), api.me().catch(() => null)]);
  return { invitation, me: me?.session.stage === 'full' ? me : null };
}

/** Public page at /invite#token=…; the token stays in the fragment so it never reaches server logs. */
export function InvitePage() {
  const location = useLocation();
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const state = useApi(() => loadInvite(token), token ?? '');

  if (!state.data || state.error || state.loading) {
    return (
      <AuthCard title="Your invitation">
        {state.error ? <ErrorAlert error={state.error} title="This invitation cannot be used" /> : <LoadingState />}
      </AuthCard>
    );
  }
  const { invitation, me } = state.data;
  return (
    <AuthCard
      title={`Join ${invitation.organisation.name} on Attest`}
      subtitle={`${invitation.email} is invited as ${invitation.role}.`}
    >
      {!invitation.accountExists ? (
        <NewAccountForm token={token ?? ''} invitation={invitation} />
      ) : me ? (
        <JoinAsSignedIn token={token ?? ''} me={me} invitation={invitation} />
      ) : (
        <Stack>
          <Text size="sm">You already have an Attest account. Sign in as {invitation.email} to accept.</Text>
          <Button component={Link} to={loginPath(`/invite#token=${token ?? ''}`)}>
            Sign in to accept
          </Button>
        </Stack>
      )}
    </AuthCard>
  );
}

function useFinish() {
  const navigate = useNavigate();
  return (stage: Stage) => void navigate(pathForStage(stage), { replace: true });
}

function JoinAsSignedIn({ token, me, invitation }: { token: string; me: Me; invitation: InvitationLookup }) {
  const finish = useFinish();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const otherAccount = me.user.email.toLowerCase() !== invitation.email.toLowerCase();

  const join = async () => {
    setBusy(true);
    setError(null);
    try {
      finish((await api.acceptInvitation({ token })).stage);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Stack>
      <Text size="sm">
        You are signed in as {me.user.email}.
        {otherAccount &&
          ` This invitation was sent to ${invitation.email}; sign in with that account if joining fails.`}
      </Text>
      {error !== null && <ErrorAlert error={error} title="Could not join" />}
      <Button onClick={() => void join()} loading={busy}>
        Join {invitation.organisation.name}
      </Button>
    </Stack>
  );
}

function NewAccountForm({ token, invitation }: { token: string; invitation: InvitationLookup }) {
  const finish = useFinish();
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '', password: '', confirm: '' },
    validate: {
      name: isNotEmpty('Enter your name'),
      password: hasLength({ min: MIN_PASSWORD }, `Use at least ${MIN_PASSWORD} characters`),
      confirm: matchesField('password', 'The passwords do not match'),
    },
  });

  const submit = form.onSubmit(async ({ name, password }) => {
    setError(null);
    try {
      finish((await api.acceptInvitation({ token, name: name.trim(), password })).stage);
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm">Create your account to accept the invitation.</Text>
        <TextInput label="Email" value={invitation.email} readOnly autoComplete="username" />
        <TextInput label="Your name" autoComplete="name" required autoFocus {...form.getInputProps('name')} />
        <PasswordField
          label="Password"
          description={`At least ${MIN_PASSWORD} characters; a passphrase works well`}
          autoComplete="new-password"
          required
          {...form.getInputProps('password')}
        />
        <PasswordField
          label="Confirm password"
          autoComplete="new-password"
          required
          {...form.getInputProps('confirm')}
        />
        {error !== null && <ErrorAlert error={error} title="Could not create your account" />}
        <Button type="submit" loading={form.submitting}>
          Create account and join
        </Button>
      </Stack>
    </form>
  );
}
