import { Anchor, Badge, Button, Card, FileInput, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileText, IconUpload } from '@tabler/icons-react';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type Member } from '../api';
import { type AssessmentDetail, assessmentApi, KIND_LABEL, period, STATUS_LABEL } from '../api/assessments';
import { AssessmentFindings } from '../components/AssessmentFindings';
import { AssessmentFormModal } from '../components/AssessmentForm';
import { ConfirmModal } from '../components/ConfirmModal';
import { formatSize } from '../components/EvidenceApi';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { formatDateTime } from '../format';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** `/assessments/:assessmentId`: one assessment, its report and its findings. */
export function AssessmentPage() {
  const { assessmentId = '' } = useParams();
  const { me } = useSession();
  const manager = isManager(me);
  const readsReport = manager || me.role === 'auditor';
  const assessment = useApi(() => assessmentApi.get(assessmentId), assessmentId);
  const members = useApi<Member[]>(async () => (manager ? (await api.members()).items : []), String(manager));
  const reload = () => void assessment.reload();

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/assessments" size="sm">
        ← Assessments
      </Anchor>
      <Loaded state={assessment}>
        {(a) => (
          <>
            <Header assessment={a} manager={manager} onChanged={reload} />
            <Details assessment={a} />
            <Report assessment={a} manager={manager} readsReport={readsReport} onChanged={reload} />
            <AssessmentFindings assessment={a} manager={manager} members={members.data ?? []} onChanged={reload} />
          </>
        )}
      </Loaded>
    </Stack>
  );
}

function Header({
  assessment: a,
  manager,
  onChanged,
}: {
  assessment: AssessmentDetail;
  manager: boolean;
  onChanged: () => void;
}) {
  const navigate = useNavigate();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <Group justify="space-between" align="flex-start">
      <div>
        <Title order={1} size="h2">
          {a.title}
        </Title>
        <Group gap="xs" mt={4}>
          <Text size="sm" c="dimmed">
            {KIND_LABEL[a.kind]}
            {a.assessor ? ` by ${a.assessor}` : ''}
          </Text>
          <Badge color={STATUS_LABEL[a.status].color} variant="light">
            {STATUS_LABEL[a.status].label}
          </Badge>
        </Group>
      </div>
      {manager && (
        <Group>
          <Button variant="default" onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </Group>
      )}
      <AssessmentFormModal
        assessment={a}
        opened={editing}
        onClose={() => setEditing(false)}
        onSaved={() => {
          notifications.show({ color: 'teal', message: 'Saved.' });
          onChanged();
        }}
      />
      <ConfirmModal
        opened={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this assessment?"
        confirmLabel="Delete"
        onConfirm={async () => {
          await assessmentApi.remove(a.id);
          notifications.show({ color: 'teal', message: `Deleted “${a.title}”.` });
          void navigate('/assessments');
        }}
      >
        “{a.title}” and its {a.findings.length} findings leave the register. Its report stays in the evidence vault.
      </ConfirmModal>
    </Group>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function Details({ assessment: a }: { assessment: AssessmentDetail }) {
  return (
    <Card withBorder radius="md" padding="lg">
      <SimpleGrid cols={{ base: 1, sm: 4 }}>
        <Fact label="Assessment dates">{period(a.startDate, a.endDate)}</Fact>
        <Fact label="Report dated">{a.reportDate ?? '—'}</Fact>
        {a.kind === 'soc2_type2' && <Fact label="Observation window">{period(a.windowStart, a.windowEnd)}</Fact>}
        {a.kind === 'vulnerability_assessment' && (
          <Fact label="Code analysis">{a.codeAnalysis ? 'Included' : 'Not included'}</Fact>
        )}
        <Fact label="Control">{a.control}</Fact>
      </SimpleGrid>
      {a.scope && (
        <Stack gap={2} mt="md">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            Scope
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {a.scope}
          </Text>
        </Stack>
      )}
    </Card>
  );
}

function Report({
  assessment: a,
  manager,
  readsReport,
  onChanged,
}: {
  assessment: AssessmentDetail;
  manager: boolean;
  readsReport: boolean;
  onChanged: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await assessmentApi.uploadReport(a.id, file);
      notifications.show({ color: 'teal', message: `The report is stored as evidence of ${a.control}.` });
      setFile(null);
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card withBorder radius="md" padding="lg">
      <Stack>
        <Title order={2} size="h4">
          Report
        </Title>
        {a.report ? (
          <Group gap="xs">
            <IconFileText size={16} aria-hidden />
            {readsReport && !a.report.erased ? (
              <Anchor href={assessmentApi.reportUrl(a.id)} size="sm">
                {a.report.name}
              </Anchor>
            ) : (
              <Text size="sm">{a.report.name}</Text>
            )}
            <Text size="xs" c="dimmed">
              {formatSize(a.report.size)} · added {formatDateTime(a.report.uploadedAt)}
              {a.report.erased ? ' · erased from the vault' : ''}
            </Text>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            No report yet.
          </Text>
        )}
        {manager && (
          <form onSubmit={(e) => void upload(e)} noValidate>
            <Stack gap="xs">
              <Group align="flex-end">
                <FileInput
                  label={a.report ? 'Replace the report' : 'Upload the report'}
                  placeholder="Choose a file"
                  value={file}
                  onChange={setFile}
                  clearable
                  flex={1}
                  description={
                    file
                      ? `${file.name}, ${formatSize(file.size)}`
                      : `Encrypted in the evidence vault as evidence of ${a.control}; owners, admins and auditors can open it.`
                  }
                />
                <Button
                  type="submit"
                  variant="light"
                  leftSection={<IconUpload size={16} />}
                  loading={busy}
                  disabled={!file}
                >
                  Upload
                </Button>
              </Group>
              {error !== null && <ErrorAlert error={error} title="Not uploaded" />}
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}
