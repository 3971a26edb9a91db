import { Button, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { hasLength, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { api, type Organisation } from '../api';
import { CreateOrganisationForm } from '../components/CreateOrganisationForm';
import { ErrorAlert, Loaded } from '../components/PageStatus';
import { SettingsSection } from '../components/SettingsSection';
import { formatDate } from '../format';
import { applyFieldErrors } from '../forms';
import { isManager, useSession } from '../session';
import { useApi } from '../useApi';

export function OrganisationSettingsPage() {
  const { me } = useSession();
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        Organisation settings
      </Title>
      {me.organisation && <CurrentOrganisation />}
      <CreateOrganisationForm
        title="Create a new organisation"
        intro="You become its owner and Attest switches to it. Your other organisations stay available in the switcher."
      />
    </Stack>
  );
}

function CurrentOrganisation() {
  const organisation = useApi(api.organisation);
  return (
    <SettingsSection title="This organisation">
      <Loaded state={organisation}>
        {(data) => <RenameForm organisation={data} onRenamed={organisation.setData} />}
      </Loaded>
    </SettingsSection>
  );
}

function RenameForm({
  organisation,
  onRenamed,
}: {
  organisation: Organisation;
  onRenamed: (organisation: Organisation) => void;
}) {
  const { me, refresh } = useSession();
  const canEdit = isManager(me);
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: organisation.name },
    validate: { name: hasLength({ min: 2, max: 100 }, 'Enter a name of 2 to 100 characters') },
  });

  const submit = form.onSubmit(async ({ name }) => {
    setError(null);
    try {
      const renamed = await api.renameOrganisation(name.trim());
      onRenamed(renamed);
      form.resetDirty({ name: renamed.name });
      notifications.show({ color: 'teal', message: 'Organisation renamed.' });
      await refresh();
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err);
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={560}>
        <TextInput label="Name" required readOnly={!canEdit} {...form.getInputProps('name')} />
        <Text size="sm" c="dimmed">
          Short name: {organisation.slug} · created {formatDate(organisation.createdAt)}
        </Text>
        {!canEdit && <Text size="sm">Only owners and admins can rename the organisation.</Text>}
        {error !== null && <ErrorAlert error={error} title="The organisation was not renamed" />}
        {canEdit && (
          <Group>
            <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
              Save name
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
