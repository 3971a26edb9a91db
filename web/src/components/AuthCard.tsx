import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from './Logo';

/** The centred card used by the pages shown before a full session: sign-in, second factor, invitation. */
export function AuthCard({
  title,
  subtitle,
  children,
  width = 420,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  return (
    <Center mih="100vh" p="md" bg="gray.0">
      <Stack w="100%" maw={width} gap="lg">
        <Center>
          <Logo />
        </Center>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Stack>
            <div>
              <Title order={1} size="h3">
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" size="sm" mt={4}>
                  {subtitle}
                </Text>
              )}
            </div>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
