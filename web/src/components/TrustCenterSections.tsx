import { Badge, Card, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import type { CatalogueSection, TrustSettings } from '../api/trust';

const toggle = (list: string[], key: string, hidden: boolean) =>
  hidden ? [...new Set([...list, key])] : list.filter((k) => k !== key);

/** Which sections and items show; each item with the controls behind it and whether it is in place now. */
export function TrustCenterSections({
  sections,
  draft,
  readOnly,
  onChange,
}: {
  sections: CatalogueSection[];
  draft: TrustSettings;
  readOnly: boolean;
  onChange: (draft: TrustSettings) => void;
}) {
  return (
    <Card withBorder radius="md" padding="lg">
      <Title order={2} size="h4" mb={4}>
        Sections and items
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        An item reads “In place” only while every control behind it passes; otherwise the page says it is not currently
        in place (or leaves it out, if you chose so).
      </Text>
      <Stack gap="lg">
        {sections.map((s) => {
          const sectionShown = !draft.hiddenSections.includes(s.key);
          return (
            <Stack key={s.key} gap={6}>
              <Checkbox
                label={<Text fw={600}>{s.title}</Text>}
                checked={sectionShown}
                disabled={readOnly}
                onChange={(e) =>
                  onChange({ ...draft, hiddenSections: toggle(draft.hiddenSections, s.key, !e.currentTarget.checked) })
                }
              />
              <Stack gap={4} pl="xl">
                {s.items.map((i) => {
                  const key = `${s.key}.${i.key}`;
                  return (
                    <Group key={key} gap="xs" wrap="nowrap" align="flex-start">
                      <Checkbox
                        aria-label={`Show “${i.title}”`}
                        checked={!draft.hiddenItems.includes(key)}
                        disabled={readOnly || !sectionShown}
                        onChange={(e) =>
                          onChange({ ...draft, hiddenItems: toggle(draft.hiddenItems, key, !e.currentTarget.checked) })
                        }
                      />
                      <Stack gap={0}>
                        <Group gap="xs">
                          <Text size="sm">{i.title}</Text>
                          <Badge size="sm" variant="light" color={i.inPlace ? 'teal' : 'orange'}>
                            {i.inPlace ? 'In place' : 'Not in place'}
                          </Badge>
                        </Group>
                        <Text size="xs" c="dimmed">
                          {i.controls.map((c) => `${c.key} (${(c.health ?? 'missing').replace('_', ' ')})`).join(', ')}
                        </Text>
                      </Stack>
                    </Group>
                  );
                })}
              </Stack>
            </Stack>
          );
        })}
      </Stack>
    </Card>
  );
}
