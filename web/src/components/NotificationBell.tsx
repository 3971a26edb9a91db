import { ActionIcon, Anchor, Button, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { formatDateTime } from '../format';
import { useApi } from '../useApi';

const REFRESH_MS = 60_000;

/** Reminders and requests addressed to the signed-in person (tasks due, policies to accept). */
export function NotificationBell() {
  const [opened, setOpened] = useState(false);
  const state = useApi(() => api.notifications());
  const { reload } = state;
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const unread = state.data?.unread ?? 0;
  const items = state.data?.items ?? [];

  const readAll = async () => {
    await api.markNotificationsRead();
    await reload();
  };

  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      width={360}
      position="bottom-end"
      shadow="md"
      onOpen={() => void reload()}
    >
      <Popover.Target>
        <Indicator label={unread} size={16} disabled={unread === 0} offset={4} color="red">
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            onClick={() => setOpened((o) => !o)}
            aria-label={unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'}
          >
            <IconBell size={20} />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Notifications</Text>
          {unread > 0 && (
            <Button size="compact-xs" variant="subtle" onClick={() => void readAll()}>
              Mark all read
            </Button>
          )}
        </Group>
        {items.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing for you yet. Reminders about your evidence tasks and policies to accept appear here.
          </Text>
        ) : (
          <ScrollArea.Autosize mah={360}>
            <Stack gap={0}>
              {items.map((n, i) => (
                <div key={n.id}>
                  {i > 0 && <Divider my={6} />}
                  <Text size="sm" fw={n.read ? 400 : 700}>
                    {n.link ? (
                      <Anchor
                        component={Link}
                        to={n.link}
                        onClick={() => {
                          setOpened(false);
                          if (!n.read) void api.markNotificationsRead(n.id).then(reload);
                        }}
                      >
                        {n.title}
                      </Anchor>
                    ) : (
                      n.title
                    )}
                  </Text>
                  {n.body && (
                    <Text size="xs" c="dimmed" lineClamp={3}>
                      {n.body}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    {formatDateTime(n.createdAt)}
                  </Text>
                </div>
              ))}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
