import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconDownload, IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api';
import { formatDate, formatDateTime } from '../format';
import { type AgreementVersion, agreementApi, type MyAgreement, type Signature } from './AgreementApi';
import { formatSize } from './EvidenceApi';
import { ErrorAlert } from './PageStatus';
import { PolicyMarkdown } from './PolicyMarkdown';

/** The current agreement, whole: its text, or its file to download, with the hash a signature binds to. */
export function AgreementDocument({ agreement }: { agreement: AgreementVersion }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h3">
              {agreement.title}
            </Title>
            <Text size="sm" c="dimmed">
              Version {agreement.version}, published {formatDate(agreement.publishedAt)}
            </Text>
          </div>
          {agreement.current && <Badge variant="light">Current</Badge>}
        </Group>
        {agreement.body !== null ? (
          <PolicyMarkdown source={agreement.body} />
        ) : (
          agreement.file && (
            <Group>
              <Button
                component="a"
                href={agreementApi.fileUrl(agreement.file.url)}
                download={agreement.file.name}
                variant="light"
                leftSection={<IconDownload size={16} />}
              >
                Download {agreement.file.name} ({formatSize(agreement.file.size)})
              </Button>
              <Text size="sm" c="dimmed">
                This agreement is a file: download it and read it whole before you sign.
              </Text>
            </Group>
          )
        )}
        <Text size="xs" c="dimmed">
          SHA-256 of this version: <Code>{agreement.sha256}</Code>
        </Text>
      </Stack>
    </Card>
  );
}

/** What the person signed: when, how, and the signed PDF or uploaded copy. */
export function SignatureSummary({ signature }: { signature: Signature }) {
  return (
    <Alert color="teal" icon={<IconCircleCheck size={18} />} title={`You signed version ${signature.version}`}>
      <Stack gap={4}>
        <Text size="sm">
          {signature.kind === 'signed'
            ? `Signed as “${signature.typedName}” on ${formatDateTime(signature.signedAt)}${signature.ip ? ` from ${signature.ip}` : ''}.`
            : `A copy you signed on ${formatDate(signature.signedAt)} was recorded by ${signature.recordedBy?.email ?? 'an admin'}.`}
        </Text>
        {signature.fileUrl && (
          <Anchor href={agreementApi.fileUrl(signature.fileUrl)} size="sm">
            {signature.kind === 'signed' ? 'Download your signed PDF' : 'Download the signed copy'}
          </Anchor>
        )}
      </Stack>
    </Alert>
  );
}

/**
 * The signing form: the person types their full name and confirms. The hash of the version they
 * were shown goes with it, so a version replaced meanwhile is refused and shown again.
 */
export function AgreementSignForm({
  mine,
  onSigned,
  onReload,
}: {
  mine: MyAgreement & { agreement: AgreementVersion };
  onSigned: (signature: Signature) => void;
  /** Loads the agreement again (after a conflict: a new version, or already signed). */
  onReload: () => void;
}) {
  const [typedName, setTypedName] = useState('');
  const [confirm, setConfirm] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { agreement } = mine;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const noName = typedName.trim() ? null : 'Type your full name.';
    const noConfirm = confirm ? null : 'Tick the box to confirm that you agree.';
    setNameError(noName);
    setConfirmError(noConfirm);
    if (noName || noConfirm) return;
    setBusy(true);
    setError(null);
    try {
      const signature = await agreementApi.sign({
        agreementId: agreement.id,
        documentSha256: agreement.sha256,
        typedName,
        confirm: true,
      });
      notifications.show({ color: 'teal', message: `You signed version ${signature.version} of the agreement.` });
      onSigned(signature);
    } catch (err) {
      const field = err instanceof ApiError ? err.problem.errors?.find((e) => e.path === 'body.typedName') : undefined;
      if (field) setNameError(err instanceof ApiError ? err.message : field.message);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg" component="form" onSubmit={(e: FormEvent) => void submit(e)} noValidate>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Sign version {agreement.version}
        </Title>
        <Text size="sm" c="dimmed">
          Your signature records your typed name, the time, your address and browser, and the SHA-256 of this version. A
          signed PDF is kept as evidence and you can download it afterwards.
        </Text>
        <TextInput
          label="Type your full name"
          description={mine.person ? `As the people register has it: ${mine.person.name}` : undefined}
          autoComplete="name"
          required
          maxLength={200}
          value={typedName}
          onChange={(e) => setTypedName(e.currentTarget.value)}
          error={nameError}
        />
        <Checkbox
          label={`I have read version ${agreement.version} of this agreement and I agree to it.`}
          checked={confirm}
          onChange={(e) => setConfirm(e.currentTarget.checked)}
          error={confirmError}
        />
        {error !== null && (
          <ErrorAlert
            error={error}
            title="Not signed"
            onRetry={error instanceof ApiError && error.status === 409 ? onReload : undefined}
          />
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Sign
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Why someone cannot sign (yet), in a sentence. */
export function CannotSign({ mine, auditor }: { mine: MyAgreement; auditor: boolean }) {
  if (auditor) {
    return (
      <Alert color="gray" icon={<IconInfoCircle size={18} />} title="Auditors read, never sign">
        You can read the agreement and everyone’s signatures, but not sign it.
      </Alert>
    );
  }
  if (!mine.person) {
    return (
      <Alert color="yellow" icon={<IconInfoCircle size={18} />} title="You are not in the people register">
        A signature is recorded against your entry in the people register, matched by your email address. Ask an owner
        or admin to add you, then come back to sign.
      </Alert>
    );
  }
  return null;
}
