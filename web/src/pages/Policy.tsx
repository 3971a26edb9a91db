import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, errorMessage, type PolicyDetail } from '../api';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { policyApi } from '../components/PolicyApi';
import { POLICY_STATUS, PolicyMarkdown } from '../components/PolicyMarkdown';
import { PolicyAcceptancesPanel, PolicyVersionsPanel } from '../components/PolicyPanels';
import { formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** One policy: its draft and workflow, its published text, versions with diffs, and acceptances. */
export function PolicyPage() {
  const { policyId = '' } = useParams();
  const { me } = useSession();
  const policy = useApi(() => policyApi.get(policyId), policyId);
  const [tab, setTab] = useState<string | null>(null);

  return (
    <Loaded state={policy}>
      {(p) => {
        const readsAcceptances = isManager(me) || me.role === 'auditor';
        const current = tab ?? (p.draft ? 'draft' : 'published');
        return (
          <Stack gap="lg">
            <div>
              <Anchor component={Link} to="/policies" size="sm">
                ← Policies
              </Anchor>
              <Group justify="space-between" mt="xs">
                <Title order={1} size="h2">
                  {p.title}
                </Title>
                <Group>
                  <Badge color={POLICY_STATUS[p.status]?.color ?? 'gray'} size="lg" variant="light">
                    {POLICY_STATUS[p.status]?.label ?? p.status}
                  </Badge>
                  {p.publishedVersion && <Badge variant="outline">Published version {p.publishedVersion}</Badge>}
                </Group>
              </Group>
              {p.summary && <Text c="dimmed">{p.summary}</Text>}
            </div>
            <Tabs value={current} onChange={setTab}>
              <Tabs.List>
                {p.draft && <Tabs.Tab value="draft">Draft</Tabs.Tab>}
                <Tabs.Tab value="published">Published text</Tabs.Tab>
                <Tabs.Tab value="versions">Versions</Tabs.Tab>
                {readsAcceptances && <Tabs.Tab value="acceptances">Acceptances</Tabs.Tab>}
              </Tabs.List>
              {p.draft && (
                <Tabs.Panel value="draft" pt="md">
                  <DraftPanel policy={p} onChange={(next) => policy.setData(next)} />
                </Tabs.Panel>
              )}
              <Tabs.Panel value="published" pt="md">
                <PublishedText policy={p} />
              </Tabs.Panel>
              <Tabs.Panel value="versions" pt="md">
                {current === 'versions' && <PolicyVersionsPanel policyId={p.id} />}
              </Tabs.Panel>
              {readsAcceptances && (
                <Tabs.Panel value="acceptances" pt="md">
                  {current === 'acceptances' && (
                    <PolicyAcceptancesPanel policyId={p.id} published={p.publishedVersion} canChase={isManager(me)} />
                  )}
                </Tabs.Panel>
              )}
            </Tabs>
          </Stack>
        );
      }}
    </Loaded>
  );
}

function PublishedText({ policy }: { policy: PolicyDetail }) {
  const version = policy.publishedVersion;
  const text = useApi(
    () => (version ? policyApi.version(policy.id, version) : Promise.resolve(null)),
    `${policy.id}:${version}`,
  );
  if (!version) {
    return <Alert title="Not published yet">Once this policy is approved and published, its text appears here.</Alert>;
  }
  return (
    <Loaded state={text}>
      {(v) =>
        v && (
          <Card withBorder radius="md" padding="lg">
            <Group justify="space-between" mb="sm">
              <Text size="sm" c="dimmed">
                Version {v.version}, published {formatDateTime(v.publishedAt)}
                {v.publishedBy && ` by ${v.publishedBy}`}
              </Text>
              <Button
                component="a"
                href={policyApi.pdfUrl(policy.id, v.version)}
                variant="default"
                size="xs"
                leftSection={<IconDownload size={14} />}
              >
                PDF
              </Button>
            </Group>
            <PolicyMarkdown source={v.body} />
          </Card>
        )
      }
    </Loaded>
  );
}

function DraftPanel({ policy, onChange }: { policy: PolicyDetail; onChange: (p: PolicyDetail) => void }) {
  const { me } = useSession();
  const draft = policy.draft;
  const editor = isManager(me);
  const [title, setTitle] = useState(policy.title);
  const [body, setBody] = useState(draft?.body ?? '');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [returning, setReturning] = useState(false);
  if (!draft) return null;
  const dirty = title !== policy.title || body !== draft.body;

  const run = async (what: string, call: () => Promise<PolicyDetail>, done: string) => {
    setBusy(what);
    setError(null);
    try {
      const next = await call();
      onChange(next);
      setTitle(next.title);
      setBody(next.draft?.body ?? '');
      notifications.show({ color: 'teal', message: done });
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const submittedByMe = draft.submittedBy?.id === me.user.id;
  const decides = policy.status === 'in_review' && (editor || policy.reviewer?.id === me.user.id);

  return (
    <Stack gap="md">
      {draft.reviewComment && (
        <Alert color={policy.status === 'draft' ? 'orange' : 'blue'} title="Reviewer's comment">
          {draft.reviewComment}
        </Alert>
      )}
      {draft.problems.length > 0 && (
        <Alert color="orange" title="Not publishable yet">
          {draft.problems.map((p) => p.message).join('; ')}. Set values under Policy variables on the Policies page.
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {policy.status === 'in_review' &&
          `In review by ${policy.reviewer?.email ?? 'the reviewer'}, submitted by ${draft.submittedBy?.email ?? '—'} on ${formatDateTime(draft.submittedAt)}. `}
        {policy.status === 'approved' &&
          `Approved by ${draft.approvedBy?.email ?? '—'} on ${formatDateTime(draft.approvedAt)}. `}
        {draft.untouched && 'This draft is still the library template: a newer revision of it will replace it.'}
      </Text>
      <Grid>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="sm">
            <TextInput
              label="Title"
              value={title}
              readOnly={!editor}
              onChange={(e) => setTitle(e.currentTarget.value)}
            />
            <Textarea
              label="Text (Markdown)"
              description="Editing a draft in review or approved sends it back to draft."
              autosize
              minRows={18}
              maxRows={40}
              value={body}
              readOnly={!editor}
              onChange={(e) => setBody(e.currentTarget.value)}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Text size="sm" fw={500} mb={4}>
            Preview
          </Text>
          <Card withBorder radius="md" padding="md" mah={720} style={{ overflow: 'auto' }}>
            <PolicyMarkdown source={body} />
          </Card>
        </Grid.Col>
      </Grid>
      {error !== null && <ErrorAlert error={error} title="That did not work" />}
      <Group>
        {editor && (
          <Button
            disabled={!dirty}
            loading={busy === 'save'}
            onClick={() =>
              void run(
                'save',
                () => policyApi.update(policy.id, { title, body, expectedLockVersion: draft.lockVersion }),
                'Draft saved.',
              )
            }
          >
            Save draft
          </Button>
        )}
        {editor && policy.status === 'draft' && (
          <Button variant="light" disabled={dirty} onClick={() => setSubmitting(true)}>
            Submit for review
          </Button>
        )}
        {decides && (
          <Button
            color="teal"
            disabled={submittedByMe}
            title={submittedByMe ? 'You submitted this draft; someone else must approve it' : undefined}
            loading={busy === 'approve'}
            onClick={() => void run('approve', () => policyApi.approve(policy.id), 'Draft approved.')}
          >
            Approve
          </Button>
        )}
        {decides && (
          <Button variant="light" color="orange" onClick={() => setReturning(true)}>
            Return with a comment
          </Button>
        )}
        {editor && policy.status === 'approved' && (
          <Button
            color="teal"
            loading={busy === 'publish'}
            onClick={() =>
              void run(
                'publish',
                () => policyApi.publish(policy.id),
                draft.material || !policy.publishedVersion
                  ? 'Published. Every member is asked to accept it.'
                  : 'Published as a minor change.',
              )
            }
          >
            Publish version {(policy.publishedVersion ?? 0) + 1}
          </Button>
        )}
      </Group>
      <SubmitModal
        opened={submitting}
        policy={policy}
        onClose={() => setSubmitting(false)}
        onSubmit={async (input) => {
          if (await run('submit', () => policyApi.submit(policy.id, input), 'Sent for review.')) setSubmitting(false);
        }}
      />
      <ReturnModal
        opened={returning}
        onClose={() => setReturning(false)}
        onReturn={async (comment) => {
          if (await run('return', () => policyApi.return(policy.id, comment), 'Returned to draft.')) {
            setReturning(false);
          }
        }}
      />
    </Stack>
  );
}

function SubmitModal({
  opened,
  policy,
  onClose,
  onSubmit,
}: {
  opened: boolean;
  policy: PolicyDetail;
  onClose: () => void;
  onSubmit: (input: { reviewerUserId: string; material: boolean; changeSummary?: string }) => Promise<void>;
}) {
  const { me } = useSession();
  const members = useApi(() => (opened ? api.members() : Promise.resolve({ items: [] })), String(opened));
  const [reviewer, setReviewer] = useState<string | null>(null);
  const [material, setMaterial] = useState(true);
  const [summary, setSummary] = useState('');
  const first = policy.publishedVersion === null;
  return (
    <Modal opened={opened} onClose={onClose} title="Submit for review">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (reviewer)
            void onSubmit({ reviewerUserId: reviewer, material: first || material, changeSummary: summary });
        }}
      >
        <Stack>
          <Loaded state={members}>
            {({ items }) => (
              <Select
                label="Reviewer"
                description="A reviewer, admin or owner other than you approves or returns the draft."
                required
                data={items
                  .filter((m) => ['owner', 'admin', 'reviewer'].includes(m.role) && m.userId !== me.user.id)
                  .map((m) => ({ value: m.userId, label: `${m.name || m.email} (${m.role})` }))}
                value={reviewer}
                onChange={setReviewer}
                searchable
                nothingFoundMessage="Invite a reviewer first"
              />
            )}
          </Loaded>
          {!first && (
            <>
              <Switch
                label="Material change: every member must accept it again"
                checked={material}
                onChange={(e) => setMaterial(e.currentTarget.checked)}
              />
              <Textarea
                label="What changed"
                required
                minLength={3}
                value={summary}
                onChange={(e) => setSummary(e.currentTarget.value)}
              />
            </>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!reviewer}>
              Submit
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ReturnModal({
  opened,
  onClose,
  onReturn,
}: {
  opened: boolean;
  onClose: () => void;
  onReturn: (comment: string) => Promise<void>;
}) {
  const [comment, setComment] = useState('');
  return (
    <Modal opened={opened} onClose={onClose} title="Return with a comment">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onReturn(comment.trim()).catch((err) =>
            notifications.show({ color: 'red', message: errorMessage(err) }),
          );
        }}
      >
        <Stack>
          <Textarea
            label="What should change"
            required
            minLength={3}
            autosize
            minRows={3}
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color="orange" disabled={comment.trim().length < 3}>
              Return to draft
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
