import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { type TrustCenterState, type TrustSettings, trustApi } from '../api/trust';
import { Loaded } from '../components/PageStatus';
import { TrustCenterSections } from '../components/TrustCenterSections';
import { TrustCenterSettingsForm } from '../components/TrustCenterSettings';
import { TrustCenterUpdates } from '../components/TrustCenterUpdates';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';

/**
 * `/trust-center`: the public trust center's draft (texts, contact, host name, sections, blocks,
 * updates), a preview rendered with live state, and publishing. Owners and admins edit; auditors read.
 */
export function TrustCenterPage() {
  const state = useApi(() => trustApi.get());
  const catalogue = useApi(() => trustApi.catalogue());
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Trust center
      </Title>
      <Text size="sm" c="dimmed">
        A public page about your security program, generated from its live state: an item reads “In place” only while
        the controls behind it pass. Edit the draft, preview it, then publish.
      </Text>
      <Loaded state={state} forbidden="Owners, admins and auditors see the trust center settings.">
        {(s) => (
          <Editor initial={s} sections={catalogue.data?.sections ?? []} onReload={() => void catalogue.reload()} />
        )}
      </Loaded>
    </Stack>
  );
}

function Editor({
  initial,
  sections,
  onReload,
}: {
  initial: TrustCenterState;
  sections: Awaited<ReturnType<typeof trustApi.catalogue>>['sections'];
  onReload: () => void;
}) {
  const [current, setCurrent] = useState(initial);
  const [draft, setDraft] = useState<TrustSettings>(initial.draft);
  const [hostName, setHostName] = useState(initial.hostName ?? '');
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const readOnly = !current.canWrite;

  useEffect(() => setCurrent(initial), [initial]);

  const edit = (next: TrustSettings) => {
    setDraft(next);
    setDirty(true);
  };
  const run = async (what: string, fn: () => Promise<TrustCenterState | undefined>, done?: string) => {
    setBusy(what);
    setError(null);
    try {
      const next = await fn();
      if (next) {
        setCurrent(next);
        setDraft(next.draft);
        setHostName(next.hostName ?? '');
        setDirty(false);
      }
      if (done) notifications.show({ color: 'teal', message: done });
      onReload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };
  const save = () => trustApi.save(draft, hostName.trim() || null);
  const showPreview = () =>
    run('preview', async () => {
      const saved = dirty ? await save() : undefined;
      setPreview((await trustApi.preview()).html);
      return saved;
    });

  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg">
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="xs">
              <Text fw={600}>Status</Text>
              {current.publishedAt ? <Badge color="teal">Published</Badge> : <Badge color="gray">Not published</Badge>}
              {dirty && <Badge color="yellow">Unsaved changes</Badge>}
            </Group>
            {current.publishedAt ? (
              <Text size="sm">
                Last published {formatDateTime(current.publishedAt)}.{' '}
                <Anchor href={current.publicPath} target="_blank" rel="noopener">
                  Open the public page
                </Anchor>
                {current.hostName && <> (and https://{current.hostName}/)</>}
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                Nobody outside sees it yet. Once published it is at {current.publicUrl ?? current.publicPath}.
              </Text>
            )}
          </Stack>
          {!readOnly && (
            <Group gap="xs">
              <Button
                variant="default"
                onClick={() => void run('save', save, 'Draft saved.')}
                loading={busy === 'save'}
              >
                Save draft
              </Button>
              <Button variant="default" onClick={() => void showPreview()} loading={busy === 'preview'}>
                Preview
              </Button>
              <Button
                onClick={() =>
                  void run(
                    'publish',
                    async () => {
                      if (dirty) await save();
                      return trustApi.publish();
                    },
                    'Trust center published.',
                  )
                }
                loading={busy === 'publish'}
              >
                Publish
              </Button>
              {current.publishedAt && (
                <Button
                  color="red"
                  variant="light"
                  onClick={() => void run('unpublish', trustApi.unpublish, 'The public page is down.')}
                  loading={busy === 'unpublish'}
                >
                  Unpublish
                </Button>
              )}
            </Group>
          )}
          {readOnly && (
            <Button variant="default" onClick={() => void showPreview()} loading={busy === 'preview'}>
              Preview
            </Button>
          )}
        </Group>
        {error && (
          <Alert color="red" mt="md" title="That did not work" role="alert">
            {error}
          </Alert>
        )}
      </Card>
      {preview !== null && (
        <Card withBorder radius="md" padding="xs">
          <Group justify="space-between" px="sm" pb="xs">
            <Text fw={600}>Preview of the draft</Text>
            <Button variant="subtle" size="xs" onClick={() => setPreview(null)}>
              Close preview
            </Button>
          </Group>
          <iframe
            title="Preview of the trust center"
            srcDoc={preview}
            sandbox=""
            style={{ width: '100%', height: '70vh', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6 }}
          />
        </Card>
      )}
      <TrustCenterSettingsForm
        draft={draft}
        hostName={hostName}
        readOnly={readOnly}
        onChange={edit}
        onHostName={(h) => {
          setHostName(h);
          setDirty(true);
        }}
      />
      <TrustCenterSections sections={sections} draft={draft} readOnly={readOnly} onChange={edit} />
      <TrustCenterUpdates draft={draft} readOnly={readOnly} onChange={edit} />
    </Stack>
  );
}
