import { Anchor, Button, Card, EmptyState, Group, List, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileUpload, IconPencil, IconSignature } from '@tabler/icons-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type AgreementVersion, agreementApi, KIND_LABEL, type MyAgreement } from '../components/AgreementApi';
import { AgreementPublishModal } from '../components/AgreementPublishModal';
import { AgreementDocument, AgreementSignForm, CannotSign, SignatureSummary } from '../components/AgreementSign';
import { AgreementSignatures } from '../components/AgreementSignatures';
import { AgreementSignedCopyModal } from '../components/AgreementSignedCopyModal';
import { AgreementVersions } from '../components/AgreementVersions';
import { Loaded } from '../components/PageStatus';
import { formatDate } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

const TABS = ['agreement', 'signatures', 'versions'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | null): value is Tab => TABS.includes(value as Tab);

/**
 * `/agreement`: the confidentiality agreement. Everyone reads the current version whole and
 * signs it by typing their name; owners and admins publish versions and record copies signed
 * elsewhere; owners, admins and auditors see who has signed.
 */
export function AgreementPage() {
  const { me } = useSession();
  const manager = isManager(me);
  const reader = manager || me.role === 'auditor';
  const mine = useApi(() => agreementApi.mine());
  const [publishing, setPublishing] = useState(false);
  const [recording, setRecording] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const current = mine.data?.agreement ?? null;
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = isTab(requested) ? requested : 'agreement';
  const setTab = (next: string | null) => {
    if (isTab(next)) setParams(next === 'agreement' ? {} : { tab: next }, { replace: true });
  };

  const changed = () => {
    setRefresh((n) => n + 1);
    void mine.reload();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1} size="h2">
          Confidentiality agreement
        </Title>
        {manager && (
          <Group gap="xs">
            <Button
              variant="default"
              leftSection={<IconFileUpload size={16} />}
              disabled={!current}
              onClick={() => setRecording(true)}
            >
              Record a signed copy
            </Button>
            <Button leftSection={<IconPencil size={16} />} onClick={() => setPublishing(true)}>
              Publish a new version
            </Button>
          </Group>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        Everyone who works for the organisation signs its confidentiality agreement before their first day. Each
        signature is kept as a signed PDF in the evidence vault, bound to the exact version by its SHA-256.
      </Text>
      <Loaded state={mine}>
        {(data) => {
          if (!data.agreement) {
            return (
              <Card withBorder radius="md" padding="lg">
                <EmptyState icon={<IconSignature size={28} />} title="No agreement is published yet">
                  <Text size="sm" c="dimmed">
                    {manager
                      ? 'Start from Attest’s template, adapt it to your organisation, and publish it; or upload the agreement you already use.'
                      : 'Your organisation has not published its confidentiality agreement yet. It will appear here to sign.'}
                  </Text>
                  {manager && (
                    <EmptyState.Actions>
                      <Button variant="light" onClick={() => setPublishing(true)}>
                        Publish the agreement
                      </Button>
                    </EmptyState.Actions>
                  )}
                </EmptyState>
              </Card>
            );
          }
          const signing = (
            <Signing mine={{ ...data, agreement: data.agreement }} auditor={me.role === 'auditor'} onChange={changed} />
          );
          if (!reader) return signing;
          // Owners, admins and auditors: the text is long, so who signed and the versions get tabs of their own.
          return (
            <Tabs value={tab} onChange={setTab} keepMounted={false}>
              <Tabs.List mb="md">
                <Tabs.Tab value="agreement">Agreement</Tabs.Tab>
                <Tabs.Tab value="signatures">Signatures</Tabs.Tab>
                <Tabs.Tab value="versions">Versions</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="agreement">{signing}</Tabs.Panel>
              <Tabs.Panel value="signatures">
                <AgreementSignatures refresh={refresh} />
              </Tabs.Panel>
              <Tabs.Panel value="versions">
                <AgreementVersions refresh={refresh} />
              </Tabs.Panel>
            </Tabs>
          );
        }}
      </Loaded>
      <AgreementPublishModal
        opened={publishing}
        onClose={() => setPublishing(false)}
        current={current}
        onPublished={(v) => {
          notifications.show({
            color: 'teal',
            message: `Published version ${v.version}. Everyone is asked to sign it.`,
          });
          changed();
        }}
      />
      {current && (
        <AgreementSignedCopyModal
          opened={recording}
          onClose={() => setRecording(false)}
          version={current.version}
          onRecorded={(s) => {
            notifications.show({ color: 'teal', message: `Recorded a copy signed on ${formatDate(s.signedAt)}.` });
            changed();
          }}
        />
      )}
    </Stack>
  );
}

/** The person's own part: their signature, or the text and the form to sign it, and what they signed before. */
function Signing({
  mine,
  auditor,
  onChange,
}: {
  mine: MyAgreement & { agreement: AgreementVersion };
  auditor: boolean;
  onChange: () => void;
}) {
  const earlier = mine.history.filter((s) => s.agreementId !== mine.agreement.id);
  return (
    <Stack gap="md">
      {mine.signature ? <SignatureSummary signature={mine.signature} /> : <CannotSign mine={mine} auditor={auditor} />}
      <AgreementDocument agreement={mine.agreement} />
      {mine.canSign && <AgreementSignForm mine={mine} onSigned={onChange} onReload={onChange} />}
      {earlier.length > 0 && (
        <Card withBorder radius="md" padding="lg">
          <Title order={2} size="h5" mb="xs">
            Your earlier signatures
          </Title>
          <List size="sm" spacing={4}>
            {earlier.map((s) => (
              <List.Item key={s.id}>
                Version {s.version}, {formatDate(s.signedAt)} ({KIND_LABEL[s.kind].toLowerCase()})
                {s.fileUrl && (
                  <>
                    {' · '}
                    <Anchor href={agreementApi.fileUrl(s.fileUrl)} size="sm">
                      download
                    </Anchor>
                  </>
                )}
              </List.Item>
            ))}
          </List>
        </Card>
      )}
    </Stack>
  );
}
