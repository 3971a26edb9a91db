import {
  Alert,
  Button,
  FileInput,
  Group,
  Modal,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ApiError, errorMessage } from '../api';
import {
  CONNECTION_KINDS,
  type ConnectionInput,
  type ConnectionKind,
  type ConnectionSchedule,
  describePush,
  monitoringApi,
  type PushSummary,
  plural,
  type SavedConnection,
  type TlsTarget,
} from './MonitoringApi';
import { ErrorAlert } from './PageStatus';

/** What each kind's credential must be allowed to do (read-only, always). */
const HELP: Record<ConnectionKind, string> = {
  tls: 'Attest connects to each endpoint from its server and reads the protocols, the certificate and HSTS. No credential.',
  postgres: 'A role that can log in is enough: Attest reads settings and changes nothing. The URL is kept sealed.',
  'google-workspace':
    'A service account with domain-wide delegation for the Directory API user read-only scope (admin.directory.user.readonly), acting as an admin.',
  okta: 'A read-only admin API token (created by a read-only administrator).',
  github: 'A token of an organisation owner with the read:org scope.',
  aws: 'An access key of an identity with the SecurityAudit managed policy (read-only).',
};

const SCHEDULES: { value: ConnectionSchedule; label: string }[] = [
  { value: 'manual', label: 'Manual' },
  { value: 'hourly', label: 'Hourly' },
  { value: 'daily', label: 'Daily' },
];

const NAME = /^[\w .:@/-]{1,100}$/;
const HOST = /^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:]+\]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TARGETS = 100;

/** Reads one `host:port` line (port 443 when left out; IPv6 in brackets). */
function parseTarget(line: string): TlsTarget | string {
  let host = line;
  let port = '443';
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(line);
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = bracketed[2];
  } else if (line.startsWith('[')) {
    return 'an IPv6 address goes in brackets, like [2001:db8::1]:443.';
  } else {
    const parts = line.split(':');
    if (parts.length > 2) return 'write an IPv6 address in brackets, like [2001:db8::1]:443.';
    host = parts[0] ?? '';
    if (parts.length === 2) port = parts[1] ?? '';
  }
  if (!host) return 'the host is missing.';
  if (host.length > 253 || !HOST.test(host)) return `“${host}” is not a host name or address.`;
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    return `the port “${port}” is not a number from 1 to 65535.`;
  return { host, port: Number(port) };
}

/** The endpoints, one per line, or a message per line that could not be read. */
export function parseTargets(text: string): { targets: TlsTarget[]; problems: string[] } {
  const targets: TlsTarget[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const parsed = parseTarget(line);
    if (typeof parsed === 'string') problems.push(`Line ${index + 1} (“${line.slice(0, 60)}”): ${parsed}`);
    else targets.push(parsed);
  });
  if (problems.length === 0 && targets.length === 0) problems.push('Give at least one endpoint, as host:port.');
  if (targets.length > MAX_TARGETS) problems.push(`At most ${MAX_TARGETS} endpoints per connection.`);
  return { targets, problems };
}

/** Tells what a run saw and changed; a run is applied as a push. */
export function notifyRun(summary: PushSummary, title = `Ran ${summary.source.name}`) {
  const warnings = summary.warnings.length;
  notifications.show({
    color: warnings > 0 ? 'yellow' : 'teal',
    title,
    message: `${describePush(summary)}${
      warnings > 0 ? ` ${plural(warnings, 'warning')}: ${summary.warnings.slice(0, 3).join(' ')}` : ''
    }`,
    autoClose: warnings > 0 ? 15_000 : 8_000,
  });
}

interface ConnectionModalProps {
  opened: boolean;
  onClose: () => void;
  /** Saved (the page's data should load again), whether or not the first run worked. */
  onSaved: () => void;
}

/** Sets up a connection Attest runs itself, then runs it once to show the credentials work. */
export function MonitoringConnectionModal({ opened, onClose, onSaved }: ConnectionModalProps) {
  const [busy, setBusy] = useState(false);
  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Add a connection" centered size="lg">
      {opened && <ConnectionForm onBusy={setBusy} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

interface Fields {
  targets: string;
  url: string;
  serviceAccountKey: string;
  adminEmail: string;
  customer: string;
  domain: string;
  apiToken: string;
  org: string;
  token: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

const EMPTY: Fields = {
  targets: '',
  url: '',
  serviceAccountKey: '',
  adminEmail: '',
  customer: '',
  domain: '',
  apiToken: '',
  org: '',
  token: '',
  accessKeyId: '',
  secretAccessKey: '',
  region: '',
};

/** The body to save, or what is wrong with the form (one message per bad line for endpoints). */
function toInput(
  kind: ConnectionKind,
  f: Fields,
  name: string,
  schedule: ConnectionSchedule,
): ConnectionInput | string[] {
  const base = { schedule, ...(name ? { name } : {}) };
  if (name && !NAME.test(name)) return ['A connection name is 1–100 letters, digits, spaces and . _ : @ / -.'];
  switch (kind) {
    case 'tls': {
      const { targets, problems } = parseTargets(f.targets);
      return problems.length > 0 ? problems : { ...base, kind, targets };
    }
    case 'postgres': {
      const url = f.url.trim();
      if (!/^postgres(ql)?:\/\//.test(url)) return ['Give a URL like postgres://user:password@host:5432/db.'];
      try {
        new URL(url);
      } catch {
        return ['This URL cannot be read: use postgres://user:password@host:5432/db (encode special characters).'];
      }
      if (url.length > 2000) return ['The URL is too long.'];
      return { ...base, kind, url };
    }
    case 'google-workspace': {
      const serviceAccountKey = f.serviceAccountKey.trim();
      if (!serviceAccountKey) return ['Paste the service account’s JSON key, or choose its .json file.'];
      try {
        const key = JSON.parse(serviceAccountKey) as Record<string, unknown>;
        if (!key || typeof key.client_email !== 'string' || typeof key.private_key !== 'string')
          return ['This is not a service account key: it has no client_email or private_key.'];
      } catch {
        return ['The key is not valid JSON: paste the whole key file as downloaded.'];
      }
      const adminEmail = f.adminEmail.trim();
      if (!EMAIL.test(adminEmail)) return ['Give the email of an admin of the Workspace to act as.'];
      const customer = f.customer.trim();
      return { ...base, kind, serviceAccountKey, adminEmail, ...(customer ? { customer } : {}) };
    }
    case 'okta': {
      const domain = f.domain.trim();
      if (domain.length < 3) return ['Give the Okta domain, like northwind.okta.com.'];
      if (!f.apiToken.trim()) return ['Give the API token.'];
      return { ...base, kind, domain, apiToken: f.apiToken.trim() };
    }
    case 'github': {
      const org = f.org.trim();
      if (!/^[A-Za-z0-9-]{1,39}$/.test(org)) return ['Give the organisation’s login, like northwind (as in its URL).'];
      if (!f.token.trim()) return ['Give the token.'];
      return { ...base, kind, org, token: f.token.trim() };
    }
    case 'aws': {
      const accessKeyId = f.accessKeyId.trim();
      const region = f.region.trim();
      if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId))
        return ['The access key id is 16 or more capitals and digits (AKIA…).'];
      if (!f.secretAccessKey.trim()) return ['Give the secret access key.'];
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return ['Give a region such as eu-west-1.'];
      return { ...base, kind, accessKeyId, secretAccessKey: f.secretAccessKey.trim(), region };
    }
  }
}

function ConnectionForm({
  onBusy,
  onClose,
  onSaved,
}: {
  onBusy: (busy: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [kind, setKind] = useState<ConnectionKind | null>(null);
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [name, setName] = useState('');
  const [schedule, setSchedule] = useState<ConnectionSchedule>('daily');
  const [keyFile, setKeyFile] = useState<File | null>(null);
  const [fieldErrors, setFieldErrors] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  /** Saved, but its first run failed: the credentials or the targets need fixing. */
  const [saved, setSaved] = useState<SavedConnection | null>(null);
  const [busy, setBusyState] = useState(false);

  const set = (field: keyof Fields) => (value: string) => setFields((f) => ({ ...f, [field]: value }));
  const input = (field: keyof Fields) => ({
    value: fields[field],
    onChange: (e: { currentTarget: { value: string } }) => set(field)(e.currentTarget.value),
  });

  const readKeyFile = async (file: File | null) => {
    setKeyFile(file);
    if (!file) return;
    try {
      set('serviceAccountKey')(await file.text());
    } catch {
      setFieldErrors(['This file could not be read.']);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!kind) {
      setFieldErrors(['Choose the kind of connection.']);
      return;
    }
    const body = toInput(kind, fields, name.trim(), schedule);
    if (Array.isArray(body)) {
      setFieldErrors(body);
      return;
    }
    setFieldErrors([]);
    setError(null);
    setSaved(null);
    setBusyState(true);
    onBusy(true);
    let connection: SavedConnection | null = null;
    try {
      connection = await monitoringApi.saveConnection(body);
      const summary = await monitoringApi.runSource(connection.id);
      notifyRun(summary, `Connected ${connection.name}`);
      onSaved();
      onClose();
    } catch (err) {
      setError(err);
      if (connection) {
        setSaved(connection);
        onSaved();
      }
    } finally {
      setBusyState(false);
      onBusy(false);
    }
  };

  const secretProps = { autoComplete: 'new-password', required: true } as const;

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          A connection is a source Attest reaches itself, on a schedule: it probes endpoints or reads an API with a
          read-only credential. Credentials are sealed with your organisation’s key and never shown again; saving the
          same kind and name again replaces them.
        </Text>
        <Select
          label="Kind of connection"
          placeholder="Choose a kind"
          required
          data={CONNECTION_KINDS.map((k) => ({ value: k.value, label: k.label }))}
          value={kind}
          onChange={(value) => {
            setKind(value as ConnectionKind | null);
            setFieldErrors([]);
            setError(null);
            setSaved(null);
          }}
          description={kind ? HELP[kind] : 'What Attest connects to'}
          allowDeselect={false}
          data-autofocus
        />
        {kind === 'tls' && (
          <Textarea
            label="Endpoints"
            description="One host:port per line (the port is 443 when left out), e.g. app.example.com or db.example.com:5433."
            placeholder={'app.example.com\napi.example.com:8443'}
            autosize
            minRows={3}
            maxRows={12}
            required
            ff="monospace"
            {...input('targets')}
          />
        )}
        {kind === 'postgres' && (
          <PasswordInput
            label="Connection URL"
            description="postgres://user:password@host:5432/db — the password stays sealed."
            placeholder="postgres://attest:…@db.example.com:5432/postgres"
            {...secretProps}
            {...input('url')}
          />
        )}
        {kind === 'google-workspace' && (
          <>
            <FileInput
              label="Service account key file (optional)"
              description="Reads the .json key file into the field below."
              placeholder="Choose the .json key file"
              accept="application/json,.json"
              value={keyFile}
              onChange={(file) => void readKeyFile(file)}
              clearable
            />
            <Textarea
              label="Service account key (JSON)"
              placeholder='{"type": "service_account", "client_email": "…", "private_key": "…"}'
              autosize
              minRows={3}
              maxRows={8}
              required
              ff="monospace"
              spellCheck={false}
              {...input('serviceAccountKey')}
            />
            <TextInput
              label="Admin email"
              description="A Workspace admin the service account acts as."
              type="email"
              placeholder="admin@example.com"
              required
              {...input('adminEmail')}
            />
            <TextInput
              label="Customer id (optional)"
              description="Default: the admin’s own account (my_customer)."
              placeholder="C01abcde2"
              maxLength={100}
              {...input('customer')}
            />
          </>
        )}
        {kind === 'okta' && (
          <>
            <TextInput label="Okta domain" placeholder="northwind.okta.com" required {...input('domain')} />
            <PasswordInput label="API token" {...secretProps} {...input('apiToken')} />
          </>
        )}
        {kind === 'github' && (
          <>
            <TextInput
              label="Organisation"
              description="Its login, as in github.com/LOGIN."
              placeholder="northwind"
              required
              {...input('org')}
            />
            <PasswordInput label="Token" {...secretProps} {...input('token')} />
          </>
        )}
        {kind === 'aws' && (
          <>
            <TextInput
              label="Access key id"
              placeholder="AKIA…"
              required
              autoComplete="off"
              {...input('accessKeyId')}
            />
            <PasswordInput label="Secret access key" {...secretProps} {...input('secretAccessKey')} />
            <TextInput label="Region" placeholder="eu-west-1" required {...input('region')} />
          </>
        )}
        {kind && (
          <>
            <TextInput
              label="Connection name (optional)"
              description="Which one of this kind, e.g. production. Default: taken from the settings above."
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id="connection-schedule">
                Schedule
              </Text>
              <SegmentedControl
                aria-labelledby="connection-schedule"
                value={schedule}
                onChange={(value) => setSchedule(value as ConnectionSchedule)}
                data={SCHEDULES}
              />
              <Text size="xs" c="dimmed">
                It runs once now; then {schedule === 'manual' ? 'only when you use “Run now”' : `${schedule}`}.
              </Text>
            </Stack>
          </>
        )}
        {fieldErrors.length > 0 && (
          <Stack gap={2} role="alert">
            {fieldErrors.map((message) => (
              <Text key={message} size="sm" c="red">
                {message}
              </Text>
            ))}
          </Stack>
        )}
        {error !== null &&
          (saved ? (
            <Alert
              color="red"
              icon={<IconAlertCircle size={18} />}
              title={`${saved.name} was saved, but its first run failed`}
              role="alert"
            >
              <Text size="sm">{errorMessage(error)}</Text>
              <Text size="xs" c="dimmed" mt={4}>
                {error instanceof ApiError && error.status === 422
                  ? 'Nothing was imported. '
                  : 'Nothing was changed in the inventory. '}
                Fix the settings or credentials and save again: the same kind and name replaces them.
              </Text>
            </Alert>
          ) : (
            <ErrorAlert error={error} title="Not saved" />
          ))}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {saved ? 'Close' : 'Cancel'}
          </Button>
          <Button type="submit" loading={busy}>
            {saved ? 'Save and run again' : 'Save and run'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
