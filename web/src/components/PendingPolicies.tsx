import { Alert, Badge, Button, Card, Group, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, type PendingPolicy } from '../api';
import { formatDate } from '../format';
import { useApi } from '../useApi';
import { Loaded } from './PageStatus';
import { policyApi } from './PolicyApi';
import { PolicyMarkdown } from './PolicyMarkdown';

/**
 * The caller's policies still to accept. Each opens its whole text; the Accept button works only
 * once the reader has scrolled to the end of it (or the text fits without scrolling).
 */
export function PendingPolicies({ onChange }: { onChange?: (remaining: number) => void }) {
  const pending = useApi(() => policyApi.pending());
  const [open, setOpen] = useState<string | null>(null);

  const accepted = async () => {
    setOpen(null);
    await pending.reload();
  };
  useEffect(() => {
    if (pending.data) onChange?.(pending.data.items.length);
  }, [pending.data, onChange]);

  return (
    <Loaded state={pending}>
      {({ items }) =>
        items.length === 0 ? (
          <Alert color="teal" icon={<IconCircleCheck size={18} />} title="You are up to date">
            You have accepted every published policy. When a policy changes in a way that matters, it appears here and
            you are notified.
          </Alert>
        ) : (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              Read each policy to the end, then accept it. {items.length} waiting.
            </Text>
            {items.map((p) =>
              open === p.id ? (
                <PolicyReader key={p.id} policy={p} onAccepted={() => void accepted()} onClose={() => setOpen(null)} />
              ) : (
                <Card key={p.id} withBorder radius="md" padding="md">
                  <Group justify="space-between" wrap="nowrap">
                    <div>
                      <Text fw={600}>{p.title}</Text>
                      <Text size="sm" c="dimmed">
                        Version {p.version}, published {formatDate(p.publishedAt)}
                        {p.acceptedVersion !== null && ` · you accepted version ${p.acceptedVersion}`}
                      </Text>
                      {p.acceptedVersion !== null && p.changeSummary && (
                        <Text size="sm">What changed: {p.changeSummary}</Text>
                      )}
                    </div>
                    <Button variant="light" onClick={() => setOpen(p.id)}>
                      Read and accept
                    </Button>
                  </Group>
                </Card>
              ),
            )}
          </Stack>
        )
      }
    </Loaded>
  );
}

function PolicyReader({
  policy,
  onAccepted,
  onClose,
}: {
  policy: PendingPolicy;
  onAccepted: () => void;
  onClose: () => void;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [readToEnd, setReadToEnd] = useState(false);
  const [busy, setBusy] = useState(false);

  const check = useCallback(() => {
    const el = viewport.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 8) setReadToEnd(true);
  }, []);
  // A short text that fits without scrolling has been shown whole already.
  useEffect(() => {
    check();
  }, [check]);

  const accept = async () => {
    setBusy(true);
    try {
      const res = await policyApi.accept(policy.id, policy.version);
      notifications.show({
        color: 'teal',
        message: res.already ? `You had already accepted ${policy.title}.` : `You accepted ${policy.title}.`,
      });
      onAccepted();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not record your acceptance', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <div>
            <Title order={2} size="h3">
              {policy.title}
            </Title>
            <Text size="sm" c="dimmed">
              Version {policy.version}, published {formatDate(policy.publishedAt)}
            </Text>
          </div>
          {policy.material && <Badge color="orange">Material change</Badge>}
        </Group>
        <ScrollArea
          h={480}
          type="auto"
          viewportRef={viewport}
          onScrollPositionChange={check}
          viewportProps={{ tabIndex: 0, 'aria-label': `Text of ${policy.title}` }}
          style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
          p="md"
        >
          <PolicyMarkdown source={policy.body} />
        </ScrollArea>
        <Group justify="space-between">
          <Text size="sm" c={readToEnd ? 'teal' : 'dimmed'} aria-live="polite">
            {readToEnd ? 'You have reached the end of the text.' : 'Scroll to the end of the text to accept it.'}
          </Text>
          <Group>
            <Button variant="default" onClick={onClose}>
              Later
            </Button>
            <Button disabled={!readToEnd} loading={busy} onClick={() => void accept()}>
              I have read and accept version {policy.version}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Card>
  );
}
