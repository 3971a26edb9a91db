import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDoorExit, IconPencil } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Loaded } from '../components/PageStatus';
import {
  EMPLOYMENT_LABEL,
  formatDay,
  type PersonDetail,
  peopleApi,
  SOURCE_LABEL,
  STATUS_BADGE,
} from '../components/PeopleApi';
import { PersonBackground } from '../components/PersonBackground';
import { PersonChecklist } from '../components/PersonChecklist';
import { PersonFormModal, type PersonFormMode } from '../components/PersonFormModal';
import { PersonOffboarding } from '../components/PersonOffboarding';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

/** `/people/:personId`: one person, their onboarding, background check, offboarding and groups. */
export function PersonPage() {
  const { personId = '' } = useParams();
  const { me } = useSession();
  const canManage = isManager(me);
  const state = useApi(() => peopleApi.get(personId), personId);
  const [editing, setEditing] = useState<PersonFormMode | null>(null);

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/people" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> People
        </Group>
      </Anchor>
      <Loaded state={state} forbidden="Only owners, admins and auditors see the people register.">
        {(detail) => (
          <PersonView
            detail={detail}
            canManage={canManage}
            onEdit={setEditing}
            onChanged={() => void state.reload()}
            onReplaced={state.setData}
          />
        )}
      </Loaded>
      <PersonFormModal
        mode={editing ?? 'edit'}
        person={state.data?.person ?? null}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        onSaved={(detail) => {
          notifications.show({
            color: 'teal',
            message:
              editing === 'departure'
                ? `Departure recorded: ${detail.person.name}’s offboarding is open.`
                : `Saved ${detail.person.name}.`,
          });
          state.setData(detail);
        }}
      />
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

function PersonView({
  detail,
  canManage,
  onEdit,
  onChanged,
  onReplaced,
}: {
  detail: PersonDetail;
  canManage: boolean;
  onEdit: (mode: PersonFormMode) => void;
  onChanged: () => void;
  onReplaced: (detail: PersonDetail) => void;
}) {
  const { person } = detail;
  const status = STATUS_BADGE[person.status];
  return (
    <>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={1} size="h2">
              {person.name}
            </Title>
            <Badge color={status.color} variant="light">
              {status.label}
            </Badge>
            {!person.active && (
              <Badge color="gray" variant="outline">
                Deactivated
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            {person.email}
          </Text>
        </div>
        {canManage && (
          <Group gap="xs">
            <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => onEdit('edit')}>
              Edit
            </Button>
            {!person.endDate && (
              <Button
                variant="light"
                color="orange"
                leftSection={<IconDoorExit size={16} />}
                onClick={() => onEdit('departure')}
              >
                Record departure
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Card withBorder radius="md" padding="lg">
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
          <Field label="Employment">{EMPLOYMENT_LABEL[person.employmentType]}</Field>
          <Field label="Job title">{person.title ?? '—'}</Field>
          <Field label="Department">{person.department ?? '—'}</Field>
          <Field label="Manager">{person.managerEmail ?? '—'}</Field>
          <Field label="Start date">{formatDay(person.startDate)}</Field>
          <Field label="End date">{formatDay(person.endDate)}</Field>
          <Field label="Source">{SOURCE_LABEL[person.source]}</Field>
          <Field label="Groups">
            {detail.groups.length === 0 ? 'None' : detail.groups.map((g) => g.displayName).join(', ')}
          </Field>
        </SimpleGrid>
      </Card>
      {detail.offboarding && (
        <PersonOffboarding
          personId={person.id}
          name={person.name}
          offboarding={detail.offboarding}
          canManage={canManage}
          onClosed={(next) => {
            notifications.show({
              color: 'teal',
              message: `Offboarding closed; the departure report is stored as evidence of PEO-04.`,
            });
            onReplaced(next);
          }}
        />
      )}
      <PersonChecklist onboarding={detail.onboarding} />
      <PersonBackground
        personId={person.id}
        check={detail.backgroundCheck}
        canManage={canManage}
        onChanged={onChanged}
      />
    </>
  );
}
