// Recovery objectives per system on the Continuity page: the table and the edit form.
import {
  Anchor,
  Badge,
  Button,
  Card,
  EmptyState,
  Group,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLifebuoy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { fieldErrors } from '../api/assessments';
import { continuityApi, hoursText, type SystemObjectives, TIER_LABEL } from '../api/continuity';
import { formatDate } from '../format';
import { useModalTarget } from '../useModalTarget';
import { ErrorAlert, Loaded } from './PageStatus';

export interface ListState<T> {
  data: { items: T[] } | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

export function ContinuityObjectives({
  state,
  manager,
  onChanged,
}: {
  state: ListState<SystemObjectives>;
  manager: boolean;
  onChanged: () => void;
}) {
  const editing = useModalTarget<SystemObjectives>();
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb={4}>
        Recovery objectives
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        For each system: how long it may be down (RTO), how much data it may lose (RPO), and the order it is restored
        in.
      </Text>
      <Loaded state={state}>
        {({ items }) =>
          items.length === 0 ? (
            <EmptyState icon={<IconLifebuoy size={28} />} title="No systems in the catalogue">
              <Text size="sm" c="dimmed">
                Add your systems under{' '}
                <Anchor component={Link} to="/systems">
                  Systems
                </Anchor>
                , then set their objectives here.
              </Text>
            </EmptyState>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table verticalSpacing="sm" aria-label="Recovery objectives">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>System</Table.Th>
                    <Table.Th>Tier</Table.Th>
                    <Table.Th>RTO</Table.Th>
                    <Table.Th>RPO</Table.Th>
                    <Table.Th>Last exercised</Table.Th>
                    {manager && <Table.Th>Actions</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td>
                        <Group gap={6}>
                          <Text size="sm" fw={500}>
                            {s.name}
                          </Text>
                          {s.production && (
                            <Badge color="grape" variant="light" size="sm">
                              Production
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{s.recoveryTier ? TIER_LABEL[s.recoveryTier] : '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{hoursText(s.rtoHours)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{hoursText(s.rpoHours)}</Text>
                      </Table.Td>
                      <Table.Td>
                        {s.lastExercise ? (
                          <>
                            <Text size="sm">{formatDate(s.lastExercise.exercisedOn)}</Text>
                            <Text
                              size="xs"
                              c={
                                s.lastExercise.recoveryHours !== null &&
                                s.rtoHours !== null &&
                                s.lastExercise.recoveryHours > s.rtoHours
                                  ? 'red'
                                  : 'dimmed'
                              }
                            >
                              {s.lastExercise.title}
                              {s.lastExercise.recoveryHours !== null
                                ? ` · recovered in ${hoursText(s.lastExercise.recoveryHours)}`
                                : ''}
                            </Text>
                          </>
                        ) : (
                          <Text size="sm" c="dimmed">
                            Never
                          </Text>
                        )}
                      </Table.Td>
                      {manager && (
                        <Table.Td>
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => editing.open(s)}
                            aria-label={`Edit the objectives of ${s.name}`}
                          >
                            Edit
                          </Button>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </Loaded>
      <Modal
        opened={editing.opened}
        onClose={editing.close}
        onExitTransitionEnd={editing.onExited}
        title={editing.target ? `Objectives of ${editing.target.name}` : ''}
        centered
      >
        {editing.target && <ObjectivesForm system={editing.target} onClose={editing.close} onSaved={onChanged} />}
      </Modal>
    </Card>
  );
}

export const asNumber = (v: number | string): number | null => (v === '' || v === null ? null : Number(v));

function ObjectivesForm({
  system,
  onClose,
  onSaved,
}: {
  system: SystemObjectives;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [rto, setRto] = useState<number | string>(system.rtoHours ?? '');
  const [rpo, setRpo] = useState<number | string>(system.rpoHours ?? '');
  const [tier, setTier] = useState<string | null>(system.recoveryTier ? String(system.recoveryTier) : null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await continuityApi.setObjectives(system.id, {
        rtoHours: asNumber(rto),
        rpoHours: asNumber(rpo),
        recoveryTier: tier ? Number(tier) : null,
      });
      notifications.show({ color: 'teal', message: `Saved the objectives of ${system.name}.` });
      onSaved();
      onClose();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        <SimpleGrid cols={2}>
          <NumberInput
            label="RTO (hours)"
            description="Longest time down"
            min={0}
            max={8760}
            decimalScale={2}
            value={rto}
            onChange={setRto}
            error={errors.rtoHours}
            data-autofocus
          />
          <NumberInput
            label="RPO (hours)"
            description="Most data lost, e.g. 0.25 for 15 minutes"
            min={0}
            max={8760}
            decimalScale={2}
            value={rpo}
            onChange={setRpo}
            error={errors.rpoHours}
          />
        </SimpleGrid>
        <Select
          label="Recovery tier"
          placeholder="Not set"
          clearable
          data={[1, 2, 3, 4].map((n) => ({ value: String(n), label: TIER_LABEL[n] ?? String(n) }))}
          value={tier}
          onChange={setTier}
          error={errors.recoveryTier}
        />
        {error !== null && <ErrorAlert error={error} title="Not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
