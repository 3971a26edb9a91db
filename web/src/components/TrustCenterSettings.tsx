import { Card, Checkbox, SimpleGrid, Stack, Switch, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { SHOWABLE, SHOWABLE_LABEL, type TrustSettings } from '../api/trust';

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A comma-separated list, kept as typed (a trailing comma stays) and handed up parsed. */
function ListInput({
  label,
  description,
  value,
  readOnly,
  onChange,
}: {
  label: string;
  description: string;
  value: string[];
  readOnly: boolean;
  onChange: (value: string[]) => void;
}) {
  const [text, setText] = useState(value.join(', '));
  // A value changed from outside (saved, reloaded) replaces what is typed.
  const shown = list(text).join('\u0000') === value.join('\u0000') ? text : value.join(', ');
  return (
    <TextInput
      label={label}
      description={description}
      value={shown}
      readOnly={readOnly}
      onChange={(e) => {
        setText(e.currentTarget.value);
        onChange(list(e.currentTarget.value));
      }}
    />
  );
}

/** The trust center's texts, contact, host name, languages, regions and which blocks show. */
export function TrustCenterSettingsForm({
  draft,
  hostName,
  readOnly,
  onChange,
  onHostName,
}: {
  draft: TrustSettings;
  hostName: string;
  readOnly: boolean;
  onChange: (draft: TrustSettings) => void;
  onHostName: (host: string) => void;
}) {
  const set = <K extends keyof TrustSettings>(key: K, value: TrustSettings[K]) => onChange({ ...draft, [key]: value });
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb="sm">
        Page
      </Title>
      <Stack gap="sm">
        <TextInput
          label="Title"
          required
          value={draft.title}
          readOnly={readOnly}
          onChange={(e) => set('title', e.currentTarget.value)}
        />
        <Textarea
          label="Overview"
          description="A paragraph or two at the top of the page. Leave a blank line between paragraphs."
          autosize
          minRows={3}
          value={draft.overview}
          readOnly={readOnly}
          onChange={(e) => set('overview', e.currentTarget.value)}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Security contact email"
            description="Shown on the page and used as the Contact of security.txt."
            type="email"
            value={draft.contactEmail ?? ''}
            readOnly={readOnly}
            onChange={(e) => set('contactEmail', e.currentTarget.value.trim() || null)}
          />
          <TextInput
            label="Security contact page (optional)"
            placeholder="https://example.com/security"
            value={draft.contactUrl ?? ''}
            readOnly={readOnly}
            onChange={(e) => set('contactUrl', e.currentTarget.value.trim() || null)}
          />
          <TextInput
            label="Own host name (optional)"
            description="Point this name at Attest; once published, its / and security.txt serve this trust center."
            placeholder="trust.example.com"
            value={hostName}
            readOnly={readOnly}
            onChange={(e) => onHostName(e.currentTarget.value)}
          />
          <ListInput
            label="Preferred languages"
            description="Language tags, separated by commas (en, de, pt-BR)."
            value={draft.languages}
            readOnly={readOnly}
            onChange={(v) => set('languages', v)}
          />
        </SimpleGrid>
        <ListInput
          label="More hosting regions"
          description="Added to the regions of your approved subprocessors, separated by commas."
          value={draft.regions}
          readOnly={readOnly}
          onChange={(v) => set('regions', v)}
        />
        <Switch
          label="Hide items that are not currently in place (instead of saying so)"
          checked={draft.hideNotInPlace}
          disabled={readOnly}
          onChange={(e) => set('hideNotInPlace', e.currentTarget.checked)}
        />
        <Checkbox.Group
          label="Show on the page"
          value={SHOWABLE.filter((k) => draft.show[k])}
          onChange={(values) =>
            set('show', Object.fromEntries(SHOWABLE.map((k) => [k, values.includes(k)])) as TrustSettings['show'])
          }
        >
          <Stack gap={6} mt={6}>
            {SHOWABLE.map((k) => (
              <Checkbox key={k} value={k} label={SHOWABLE_LABEL[k]} disabled={readOnly} />
            ))}
          </Stack>
        </Checkbox.Group>
      </Stack>
    </Card>
  );
}
