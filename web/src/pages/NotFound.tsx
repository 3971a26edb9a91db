import { Button, EmptyState } from '@mantine/core';
import { IconMapPinOff } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <EmptyState
      icon={<IconMapPinOff size={28} />}
      title="Page not found"
      description="This address does not match any page in Attest."
      mt="xl"
    >
      <EmptyState.Actions>
        <Button component={Link} to="/">
          Go to the dashboard
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
