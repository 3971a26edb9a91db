import {
  Accordion,
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  CopyButton,
  EmptyState,
  Group,
  List,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy, IconKey, IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type ApiToken, api } from '../api';
import { formatDate, formatDateTime, isPast } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';
import { useModalTarget } from '../useModalTarget';
import { Loaded } from './PageStatus';
import { ScimTokenModal } from './ScimTokenModal';
import { SecretModal } from './SecretModal';

/** Where identity providers reach Attest's SCIM service (src/modules/scim). */
export const scimBaseUrl = () => `${window.location.origin}/scim/v2`;

const ATTEST_EXTENSION = 'urn:attest:params:scim:schemas:extension:people:2.0:User';

const activeScim = (tokens: ApiToken[]) =>
  tokens.filter((t) => t.scopes.includes('scim') && !t.revokedAt && !isPast(t.expiresAt));

/**
 * "Provisioning (SCIM)" on the People page: the base URL, how to set up an identity provider,
 * the SCIM tokens in use and, for owners and admins, a new token shown once.
 */
export function ScimPanel() {
  const { me } = useSession();
  const canManage = isManager(me);
  const [creating, setCreating] = useState(false);
  const secret = useModalTarget<string>();
  const [version, setVersion] = useState(0);
  const tokens = useApi(api.tokens, String(version));
  const base = scimBaseUrl();

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="scim-title">
      <Stack>
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={2} size="h4" id="scim-title">
              Provisioning (SCIM)
            </Title>
            <Text size="sm" c="dimmed" maw={720}>
              Connect your identity provider (Okta, Microsoft Entra ID, JumpCloud, OneLogin…) and it keeps the register
              up to date: people it assigns are added, changes follow, and deactivating someone there ends their
              employment here, which starts their offboarding.
            </Text>
          </div>
          {canManage && (
            <Button leftSection={<IconPlugConnected size={16} />} onClick={() => setCreating(true)}>
              Create SCIM token
            </Button>
          )}
        </Group>

        <div>
          <Text size="sm" fw={500} id="scim-base-label">
            SCIM base URL
          </Text>
          <Group gap="xs" wrap="nowrap" mt={4}>
            <Code aria-labelledby="scim-base-label" fz="sm" data-testid="scim-base-url">
              {base}
            </Code>
            <CopyButton value={base}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy the base URL'}>
                  <ActionIcon variant="subtle" onClick={copy} aria-label="Copy the SCIM base URL">
                    {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        </div>

        {canManage ? (
          <Loaded state={tokens} forbidden="Your role cannot see API tokens in this organisation.">
            {({ items }) => <ScimTokens tokens={activeScim(items)} onCreate={() => setCreating(true)} />}
          </Loaded>
        ) : (
          <Text size="sm" c="dimmed">
            Owners and admins connect an identity provider and create its token.
          </Text>
        )}

        <Accordion variant="separated" chevronPosition="left">
          <Accordion.Item value="setup">
            <Accordion.Control>How to set up your identity provider</Accordion.Control>
            <Accordion.Panel>
              <List type="ordered" size="sm" spacing="xs">
                <List.Item>Create a SCIM token here (it is shown once) and copy the base URL above.</List.Item>
                <List.Item>
                  In the identity provider, add a SCIM 2.0 application (Okta: “SCIM provisioning”, with authentication
                  “HTTP Header”; Entra ID: an enterprise application with automatic provisioning, “Tenant URL” and
                  “Secret Token”). Paste the base URL and the token.
                </List.Item>
                <List.Item>
                  Turn on creating users, updating their attributes and deactivating them; push groups if you want them
                  here. Test the connection: the provider reads /ServiceProviderConfig.
                </List.Item>
                <List.Item>
                  Assign the people who work for you to the application. They appear in the register.
                </List.Item>
              </List>
            </Accordion.Panel>
          </Accordion.Item>
          <Accordion.Item value="mapping">
            <Accordion.Control>What each attribute becomes</Accordion.Control>
            <Accordion.Panel>
              <List size="sm" spacing="xs">
                <List.Item>
                  <Code>emails</Code>: the primary address (else the work one) is how the person is matched to their
                  accounts. A user needs one, or a <Code>userName</Code> that is an email address.
                </List.Item>
                <List.Item>
                  <Code>name</Code> (or <Code>displayName</Code>), <Code>title</Code>, <Code>userType</Code> (Employee
                  or Contractor), and the enterprise <Code>department</Code> and <Code>manager</Code>.
                </List.Item>
                <List.Item>
                  <Code>active: false</Code> sets today as the last day of work: offboarding starts. Removing the user
                  from the application does the same and keeps the person in the register for the record.
                </List.Item>
                <List.Item>
                  Start and end dates, when your provider can send them: <Code>startDate</Code> and <Code>endDate</Code>{' '}
                  (YYYY-MM-DD) in <Code>{ATTEST_EXTENSION}</Code>.
                </List.Item>
                <List.Item>
                  People already in the register (added by hand or from the HRIS) are matched by email and taken over,
                  not duplicated. Passwords are never stored.
                </List.Item>
              </List>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      </Stack>

      <ScimTokenModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false);
          setVersion((v) => v + 1);
          secret.open(token);
        }}
      />
      <SecretModal
        title="Your SCIM token"
        opened={secret.opened}
        value={secret.target}
        onClose={secret.close}
        onExited={secret.onExited}
        testId="scim-token"
        warning="Copy it into your identity provider now: Attest does not show it again. If it is lost, create another and revoke this one."
      >
        <Text size="sm">
          Base URL: <Code>{base}</Code>
        </Text>
        <Text size="sm">Token (the “Bearer” secret):</Text>
      </SecretModal>
    </Card>
  );
}

function ScimTokens({ tokens, onCreate }: { tokens: ApiToken[]; onCreate: () => void }) {
  if (tokens.length === 0) {
    return (
      <EmptyState icon={<IconKey size={28} />} title="No identity provider is connected">
        <Text size="sm" c="dimmed">
          Create a SCIM token to connect one.
        </Text>
        <EmptyState.Actions>
          <Button variant="light" onClick={onCreate}>
            Create SCIM token
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    );
  }
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" aria-label="SCIM tokens">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Token</Table.Th>
              <Table.Th>Acts as</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Last used</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {t.name}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{t.owner.email}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDate(t.expiresAt)}</Text>
                </Table.Td>
                <Table.Td>
                  {t.lastUsedAt ? (
                    <Text size="sm">{formatDateTime(t.lastUsedAt)}</Text>
                  ) : (
                    <Badge color="gray" variant="light">
                      Not used yet
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed">
        Revoke a token under{' '}
        <Anchor component={Link} to="/tokens" size="xs">
          API tokens
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
