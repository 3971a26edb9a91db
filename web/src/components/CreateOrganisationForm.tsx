import { Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { hasLength, matches, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api } from '../api';
import { applyFieldErrors } from '../forms';
import { useSession } from '../session';
import { ErrorAlert } from './PageStatus';

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** Creates an organisation; the server makes the caller its owner and switches the session to it. */
export function CreateOrganisationForm({ title, intro }: { title: string; intro: string }) {
  const { refresh } = useSession();
  const navigate = useNavigate();
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '', slug: '' },
    validate: {
      name: hasLength({ min: 2, max: 100 }, 'Enter a name of 2 to 100 characters'),
      slug: matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Use lowercase letters, digits and single hyphens'),
    },
  });

  const submit = form.onSubmit(async ({ name, slug }) => {
    setError(null);
    try {
      const created = await api.createOrganisation(name.trim(), slug);
      await refresh();
      notifications.show({ color: 'teal', message: `${created.name} is ready. You are its owner.` });
      void navigate('/');
    } catch (err) {
      if (!applyFieldErrors(form, err)) setError(err);
    }
  });

  return (
    <Paper withBorder radius="md" p="lg" maw={560}>
      <form onSubmit={submit}>
        <Stack>
          <div>
            <Title order={2} size="h4">
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              {intro}
            </Text>
          </div>
          <TextInput
            label="Organisation name"
            required
            {...form.getInputProps('name')}
            onChange={(event) => {
              const name = event.currentTarget.value;
              form.setFieldValue('name', name);
              if (!slugEdited) form.setFieldValue('slug', slugify(name));
            }}
          />
          <TextInput
            label="Short name (slug)"
            description="Used in links and the CLI; lowercase letters, digits and hyphens"
            required
            {...form.getInputProps('slug')}
            onChange={(event) => {
              setSlugEdited(true);
              form.setFieldValue('slug', event.currentTarget.value.toLowerCase());
            }}
          />
          {error !== null && <ErrorAlert error={error} title="The organisation was not created" />}
          <Button type="submit" loading={form.submitting} style={{ alignSelf: 'flex-start' }}>
            Create organisation
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
