import { Title } from '@mantine/core';

export function QuestionnairesPage() {
  return <Title order={2}>Questionnaires</Title>;
}
