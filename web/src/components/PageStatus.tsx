import { Alert, Button, Center, Group, Loader, Text } from '@mantine/core';
import { IconAlertCircle, IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api';

export function LoadingState({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

/** The server's own message (problem `detail`, else `title`), with its request id for support. */
export function ErrorAlert({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const requestId = error instanceof ApiError ? error.problem.requestId : undefined;
  return (
    <Alert color="red" icon={<IconAlertCircle size={18} />} title={title ?? 'Something went wrong'} role="alert">
      <Text size="sm">{errorMessage(error)}</Text>
      {requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          Request id: {requestId}
        </Text>
      )}
      {onRetry && (
        <Group mt="sm">
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            Try again
          </Button>
        </Group>
      )}
    </Alert>
  );
}

export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

export function ForbiddenNotice({ children }: { children: ReactNode }) {
  return (
    <Alert color="gray" icon={<IconLock size={18} />} title="Not available for your role">
      {children}
    </Alert>
  );
}

/** Loading, error or content: the common shape of every page section. */
export function Loaded<T>({
  state,
  children,
  forbidden,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload: () => Promise<void> };
  children: (data: T) => ReactNode;
  forbidden?: ReactNode;
}) {
  if (state.error) {
    if (forbidden && isForbidden(state.error)) return <ForbiddenNotice>{forbidden}</ForbiddenNotice>;
    return <ErrorAlert error={state.error} onRetry={() => void state.reload()} />;
  }
  if (state.data === undefined) return <LoadingState />;
  return <>{children(state.data)}</>;
}
