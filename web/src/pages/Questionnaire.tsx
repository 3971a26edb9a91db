import { Title } from '@mantine/core';

export function QuestionnairePage() {
  return <Title order={2}>Questionnaire</Title>;
}
