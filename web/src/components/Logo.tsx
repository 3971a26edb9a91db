import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';

export function Logo() {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon variant="light" size="md" radius="md" aria-hidden>
        <IconShieldCheck size={18} />
      </ThemeIcon>
      <Text fw={700} size="lg">
        Attest
      </Text>
    </Group>
  );
}
