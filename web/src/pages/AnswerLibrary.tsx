import { Title } from '@mantine/core';

export function AnswerLibraryPage() {
  return <Title order={2}>Answer library</Title>;
}
