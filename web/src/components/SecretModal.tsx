import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import type { ReactNode } from 'react';

interface SecretModalProps {
  title: string;
  opened: boolean;
  /** The secret; kept by the caller until `onExited`, then forgotten. */
  value: string | null;
  warning: ReactNode;
  children?: ReactNode;
  onClose: () => void;
  onExited: () => void;
  testId?: string;
}

/** Shows a value the server will never show again (API token, invitation link) with a copy button. */
export function SecretModal({ title, opened, value, warning, children, onClose, onExited, testId }: SecretModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} onExitTransitionEnd={onExited} title={title} centered size="lg">
      <Stack>
        {children}
        <Code block data-testid={testId} style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {value}
        </Code>
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
          <Text size="sm">{warning}</Text>
        </Alert>
        <Group justify="space-between">
          <CopyButton value={value ?? ''}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : undefined}
                leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                onClick={copy}
              >
                {copied ? 'Copied' : 'Copy to clipboard'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
