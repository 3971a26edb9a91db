import { Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import type { TrustSettings } from '../api/trust';

const today = () => new Date().toISOString().slice(0, 10);

/** Dated posts shown under “Updates”: newest first. */
export function TrustCenterUpdates({
  draft,
  readOnly,
  onChange,
}: {
  draft: TrustSettings;
  readOnly: boolean;
  onChange: (draft: TrustSettings) => void;
}) {
  const [date, setDate] = useState(today());
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const add = () => {
    const update = { id: crypto.randomUUID(), date, title: title.trim(), body: body.trim() };
    onChange({ ...draft, updates: [update, ...draft.updates].sort((a, b) => b.date.localeCompare(a.date)) });
    setTitle('');
    setBody('');
  };
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Updates
      </Title>
      <Stack gap="sm">
        {draft.updates.length === 0 && (
          <Text size="sm" c="dimmed">
            No updates yet. Post one when something changes that customers should know about.
          </Text>
        )}
        {draft.updates.map((u) => (
          <Group key={u.id} justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={0}>
              <Text fw={600} size="sm">
                {u.title}
              </Text>
              <Text size="xs" c="dimmed">
                {u.date}
              </Text>
              <Text size="sm">{u.body}</Text>
            </Stack>
            {!readOnly && (
              <Button
                variant="subtle"
                color="red"
                size="xs"
                aria-label={`Remove the update “${u.title}”`}
                onClick={() => onChange({ ...draft, updates: draft.updates.filter((x) => x.id !== u.id) })}
              >
                Remove
              </Button>
            )}
          </Group>
        ))}
        {!readOnly && (
          <Stack gap="xs">
            <Group grow align="flex-start">
              <TextInput label="Date" type="date" value={date} onChange={(e) => setDate(e.currentTarget.value)} />
              <TextInput label="Update title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
            </Group>
            <Textarea
              label="Update text"
              autosize
              minRows={2}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
            />
            <Group>
              <Button variant="light" onClick={add} disabled={!title.trim() || !date}>
                Add update
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
