import { Badge, Card, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { trustDocumentsApi } from '../api/trust-documents';
import { Loaded } from '../components/PageStatus';
import {
  TrustDocumentDownloads,
  TrustDocumentGrants,
  TrustDocumentRequests,
} from '../components/TrustDocumentActivity';
import { TrustDocumentList, TrustDocumentUpload } from '../components/TrustDocumentList';
import { TrustDocumentNda, TrustDocumentRules } from '../components/TrustDocumentSettings';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

const TABS = ['documents', 'requests', 'grants', 'downloads', 'nda'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | null): value is Tab => TABS.includes(value as Tab);

/**
 * `/trust-center/documents`: the documents the trust center shares (public, on request behind
 * the NDA, or hidden), visitors' requests to approve or deny, the grants and their downloads,
 * the NDA and the approval rules. Owners and admins manage; auditors read.
 */
export function TrustDocumentsPage() {
  const { me } = useSession();
  const canManage = isManager(me);
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = isTab(asked) ? asked : 'documents';
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  const documents = useApi(() => trustDocumentsApi.list(), String(version));
  const nda = useApi(() => trustDocumentsApi.nda(), `nda:${version}`);
  const settings = useApi(() => trustDocumentsApi.settings(), `settings:${version}`);
  const pending = (documents.data?.items ?? []).reduce((n, d) => n + d.requests.pending, 0);

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Trust center documents
      </Title>
      <Text size="sm" c="dimmed">
        Share documents from your trust center. Public ones download directly. Documents on request are PDFs: a visitor
        gives their name, email and company and accepts your NDA; a rule or an admin approves, and a link that works for
        a few days is emailed. Every copy is watermarked with the recipient's email, and every download is logged.
      </Text>
      <Tabs
        value={tab}
        onChange={(v) => isTab(v) && setParams(v === 'documents' ? {} : { tab: v }, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="documents">Documents</Tabs.Tab>
          <Tabs.Tab
            value="requests"
            rightSection={
              pending > 0 ? (
                <Badge size="xs" color="yellow" variant="filled" aria-label={`${pending} pending`}>
                  {pending}
                </Badge>
              ) : undefined
            }
          >
            Requests
          </Tabs.Tab>
          <Tabs.Tab value="grants">Grants</Tabs.Tab>
          <Tabs.Tab value="downloads">Downloads</Tabs.Tab>
          <Tabs.Tab value="nda">NDA and rules</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="documents" pt="md">
          <Stack>
            <Card withBorder radius="md" padding="lg">
              <Loaded state={documents}>
                {({ items }) => <TrustDocumentList documents={items} canManage={canManage} onChanged={refresh} />}
              </Loaded>
            </Card>
            {canManage && <TrustDocumentUpload onUploaded={refresh} />}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="requests" pt="md">
          <Card withBorder radius="md" padding="lg">
            <TrustDocumentRequests canManage={canManage} onChanged={refresh} />
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="grants" pt="md">
          <Card withBorder radius="md" padding="lg">
            <TrustDocumentGrants canManage={canManage} />
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="downloads" pt="md">
          <Card withBorder radius="md" padding="lg">
            <TrustDocumentDownloads />
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="nda" pt="md">
          <Stack>
            <Loaded state={nda}>
              {(current) => <TrustDocumentNda key={current.id} nda={current} canManage={canManage} onSaved={refresh} />}
            </Loaded>
            <Loaded state={settings}>
              {(current) => (
                <TrustDocumentRules
                  key={current.updatedAt ?? 'default'}
                  settings={current}
                  canManage={canManage}
                  onSaved={refresh}
                />
              )}
            </Loaded>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
