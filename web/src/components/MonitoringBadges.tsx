import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import { capitalise, formatDate, formatDateTime } from '../format';
import {
  type CheckControl,
  type CheckException,
  type CheckStatus,
  daysUntil,
  formatRelative,
  OUTCOME_COLOR,
  OUTCOME_LABEL,
  type ResultItem,
  SEVERITY_COLOR,
  type Severity,
  STATUS_COLOR,
  STATUS_LABEL,
} from './MonitoringApi';

export function CheckStatusBadge({ status }: { status: CheckStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant={status === 'not_connected' ? 'outline' : 'light'}>
      {STATUS_LABEL[status]}
    </Badge>
  );
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge color={SEVERITY_COLOR[severity]} variant="dot">
      {capitalise(severity)}
    </Badge>
  );
}

/** The controls a check feeds, each a link to the control library. */
export function ControlBadges({ controls }: { controls: CheckControl[] }) {
  if (controls.length === 0)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  return (
    <Group gap={4}>
      {controls.map((c) => (
        <Tooltip key={c.key} label={c.title ?? c.key} disabled={!c.title} withinPortal>
          <Badge
            component={Link}
            to="/controls"
            variant="outline"
            color="indigo"
            style={{ cursor: 'pointer' }}
            aria-label={c.title ? `Control ${c.key}: ${c.title}` : `Control ${c.key}`}
            onClick={(e) => e.stopPropagation()}
          >
            {c.key}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

/** A result's outcome, with its deadline state when it fails. */
export function ResultBadge({ item }: { item: ResultItem }) {
  if (item.outcome !== 'fail') {
    return (
      <Badge color={OUTCOME_COLOR[item.outcome]} variant="light">
        {OUTCOME_LABEL[item.outcome]}
      </Badge>
    );
  }
  if (item.state === 'excepted') {
    return (
      <Badge color="yellow" variant="light">
        Exception
      </Badge>
    );
  }
  return (
    <Badge color="red" variant={item.state === 'overdue' ? 'filled' : 'light'}>
      {item.state === 'overdue' ? 'Overdue' : 'At risk'}
    </Badge>
  );
}

/** "Overdue since 3 May", "Due in 12 days", or the exception's expiry. */
export function Deadline({ item }: { item: ResultItem }) {
  if (item.outcome !== 'fail') return null;
  if (item.exception) {
    return (
      <Tooltip label={item.exception.justification} multiline w={320} withinPortal>
        <Text size="xs" c="yellow" tabIndex={0}>
          Accepted until {formatDate(item.exception.expiresAt)}
        </Text>
      </Tooltip>
    );
  }
  if (!item.dueAt) {
    return (
      <Text size="xs" c="dimmed">
        No deadline
      </Text>
    );
  }
  if (item.state === 'overdue') {
    return (
      <Text size="xs" c="red" fw={600} title={formatDateTime(item.dueAt)}>
        Overdue since {formatDate(item.dueAt)}
      </Text>
    );
  }
  const days = daysUntil(item.dueAt);
  return (
    <Text size="xs" c="orange" title={formatDateTime(item.dueAt)}>
      {days === 0 ? 'Due within a day' : `Due in ${days} day${days === 1 ? '' : 's'}`} ({formatDate(item.dueAt)})
    </Text>
  );
}

export function exceptionState(exception: CheckException): 'active' | 'expired' | 'revoked' {
  if (exception.revokedAt) return 'revoked';
  return exception.active ? 'active' : 'expired';
}

export function ExceptionStateBadge({ exception }: { exception: CheckException }) {
  const state = exceptionState(exception);
  return (
    <Badge color={state === 'active' ? 'yellow' : 'gray'} variant={state === 'active' ? 'light' : 'outline'}>
      {capitalise(state)}
    </Badge>
  );
}

/** A time as "3 hours ago" with the exact time under it. */
export function When({ iso, empty = 'Never' }: { iso: string | null; empty?: string }) {
  if (!iso) {
    return (
      <Text size="sm" c="dimmed">
        {empty}
      </Text>
    );
  }
  return (
    <>
      <Text size="sm">{formatRelative(iso)}</Text>
      <Text size="xs" c="dimmed">
        {formatDateTime(iso)}
      </Text>
    </>
  );
}
