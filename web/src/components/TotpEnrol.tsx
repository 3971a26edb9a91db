import { ActionIcon, Button, Center, Code, CopyButton, Group, Image, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api, type Stage, type TotpSetup } from '../api';
import { CodeInput } from './CodeInput';
import { ErrorAlert, Loaded } from './PageStatus';

/** Starts TOTP set-up, shows the QR code and secret, and confirms with a first code. */
export function TotpEnrol({ onConfirmed }: { onConfirmed: (stage: Stage) => void }) {
  const setup = useTotpSetup();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { stage } = await api.totpConfirm(code);
      onConfirmed(stage);
    } catch (err) {
      setError(err);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Loaded state={setup}>
      {({ secret, qrSvg }) => (
        <Stack>
          <Text size="sm">
            Scan this QR code with an authenticator app (for example Aegis, 1Password or Google Authenticator).
          </Text>
          <Center>
            <Image
              src={`data:image/svg+xml;utf8,${encodeURIComponent(qrSvg)}`}
              alt="QR code to add Attest to your authenticator app"
              w={200}
              h={200}
              fit="contain"
            />
          </Center>
          <div>
            <Text size="sm" id="totp-secret-label">
              Can't scan it? Enter this secret instead:
            </Text>
            <Group gap="xs" wrap="nowrap" mt={4}>
              <Code data-testid="totp-secret" aria-labelledby="totp-secret-label" fz="sm">
                {secret}
              </Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Tooltip label={copied ? 'Copied' : 'Copy secret'}>
                    <ActionIcon variant="subtle" onClick={copy} aria-label="Copy secret">
                      {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                    </ActionIcon>
                  </Tooltip>
                )}
              </CopyButton>
            </Group>
          </div>
          <form onSubmit={(event) => void submit(event)}>
            <Stack>
              <CodeInput value={code} onChange={setCode} />
              {error !== null && <ErrorAlert error={error} title="That code did not work" />}
              <Button type="submit" loading={busy} disabled={code.length !== 6}>
                Verify and turn on
              </Button>
            </Stack>
          </form>
        </Stack>
      )}
    </Loaded>
  );
}

/** Each call to /auth/totp/setup makes a new secret, so it is started exactly once (StrictMode runs effects twice). */
function useTotpSetup() {
  const [data, setData] = useState<TotpSetup>();
  const [error, setError] = useState<unknown>(null);
  const started = useRef(false);
  const reload = useCallback(async () => {
    setError(null);
    try {
      setData(await api.totpSetup());
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void reload();
  }, [reload]);
  return { data, error, loading: data === undefined && error === null, reload };
}
