import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import {
  type AuditDetail,
  type AuditFields,
  type AuditKind,
  type AuditStatus,
  auditApi,
  KIND_LABEL,
  KINDS,
  STATUS_LABEL,
  STATUSES,
} from '../api/audits';
import { useApi } from '../useApi';
import { ErrorAlert } from './PageStatus';

const today = () => new Date().toISOString().slice(0, 10);
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Creates an audit, or changes one (owners and admins). */
export function AuditFormModal({
  audit,
  opened,
  onClose,
  onSaved,
}: {
  audit?: AuditDetail;
  opened: boolean;
  onClose: () => void;
  onSaved: (audit: AuditDetail) => void;
}) {
  const frameworks = useApi(() => api.frameworks());
  const [fields, setFields] = useState<AuditFields>(() => ({
    title: audit?.title ?? '',
    frameworkId: audit?.framework.id ?? 'soc2-2017',
    kind: audit?.kind ?? 'soc2_type2',
    firm: audit?.firm ?? '',
    windowStart: audit?.windowStart ?? inDays(-180),
    windowEnd: audit?.windowEnd ?? today(),
    accessExpiresAt: audit?.accessExpiresAt.slice(0, 10) ?? inDays(90),
    status: audit?.status ?? 'planned',
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof AuditFields>(key: K, value: AuditFields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = audit ? await auditApi.update(audit.id, fields) : await auditApi.create(fields);
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const adopted = (frameworks.data?.items ?? []).filter((f) => f.adopted);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title={audit ? 'Edit the audit' : 'New audit'} centered>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Stack>
          <TextInput
            label="Title"
            required
            value={fields.title}
            onChange={(e) => set('title', e.currentTarget.value)}
            placeholder="SOC 2 Type 2 2026"
          />
          <Group grow>
            <Select
              label="Framework"
              data={adopted.map((f) => ({ value: f.id, label: f.name }))}
              value={fields.frameworkId}
              onChange={(v) => v && set('frameworkId', v)}
              allowDeselect={false}
            />
            <Select
              label="Kind"
              data={KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
              value={fields.kind}
              onChange={(v) => v && set('kind', v as AuditKind)}
              allowDeselect={false}
            />
          </Group>
          <TextInput label="Audit firm" value={fields.firm} onChange={(e) => set('firm', e.currentTarget.value)} />
          <Group grow>
            <TextInput
              label="Window starts"
              type="date"
              value={fields.windowStart}
              onChange={(e) => set('windowStart', e.currentTarget.value)}
            />
            <TextInput
              label="Window ends (included)"
              type="date"
              value={fields.windowEnd}
              onChange={(e) => set('windowEnd', e.currentTarget.value)}
            />
          </Group>
          <Group grow>
            <TextInput
              label="Auditor access until"
              type="date"
              value={fields.accessExpiresAt}
              onChange={(e) => set('accessExpiresAt', e.currentTarget.value)}
            />
            <Select
              label="Status"
              data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s].label }))}
              value={fields.status}
              onChange={(v) => v && set('status', v as AuditStatus)}
              allowDeselect={false}
            />
          </Group>
          {error !== null && <ErrorAlert error={error} title="Not saved" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {audit ? 'Save' : 'Create audit'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
