import { Alert, Button, Card, Group, Radio, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { ErrorAlert } from './PageStatus';
import { type AttemptResult, type TrainingModuleView, trainingApi } from './TrainingApi';
import { TrainingCertificateLink } from './TrainingStateBadge';

/**
 * The quiz: one radio group per question. After submitting, the score and pass or fail; wrong
 * questions are marked (never with the right answer) and the quiz can be taken again.
 */
export function TrainingQuiz({
  module,
  onResult,
}: {
  module: TrainingModuleView;
  onResult: (result: AttemptResult) => void;
}) {
  const [choices, setChoices] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<AttemptResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const unanswered = module.questions.filter((q) => choices[q.id] === undefined).map((q) => q.id);
    setMissing(new Set(unanswered));
    if (unanswered.length > 0) {
      document.getElementById(`question-${unanswered[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answered = await trainingApi.attempt(module.id, {
        version: module.version,
        answers: module.questions.map((q) => ({ questionId: q.id, choice: Number(choices[q.id]) })),
      });
      setResult(answered);
      onResult(answered);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const retake = () => {
    setChoices({});
    setMissing(new Set());
    setResult(null);
    setError(null);
    window.scrollTo({ top: 0, behavior: 'smooth' });
  };

  const wrong = new Set(result?.wrong ?? []);
  return (
    <Card withBorder radius="md" padding="lg">
      <form onSubmit={(e) => void submit(e)} noValidate aria-label="Quiz">
        <Stack>
          <Title order={2} size="h4">
            Quiz
          </Title>
          <Text size="sm" c="dimmed">
            {module.questions.length} questions · {module.passMark}% to pass · choose one answer for each.
          </Text>
          {module.questions.map((q, i) => (
            <Radio.Group
              key={q.id}
              id={`question-${q.id}`}
              tabIndex={-1}
              label={`${i + 1}. ${q.text}`}
              value={choices[q.id] ?? null}
              onChange={(v) => {
                setChoices((c) => ({ ...c, [q.id]: v }));
                setMissing((m) => {
                  const next = new Set(m);
                  next.delete(q.id);
                  return next;
                });
              }}
              error={
                missing.has(q.id)
                  ? 'Choose an answer.'
                  : wrong.has(q.id)
                    ? 'Not the right answer. The lesson above explains it.'
                    : undefined
              }
              readOnly={result !== null}
            >
              <Stack gap={6} mt={6}>
                {q.choices.map((choice, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a choice is identified by its place
                  <Radio key={j} value={String(j)} label={choice} disabled={result !== null} />
                ))}
              </Stack>
            </Radio.Group>
          ))}
          {missing.size > 0 && (
            <Text c="red" size="sm" role="alert">
              Answer every question before submitting ({missing.size} left).
            </Text>
          )}
          {error !== null && <ErrorAlert error={error} title="Your answers were not recorded" />}
          {result && <ResultPanel result={result} onRetake={retake} />}
          {!result && (
            <Group justify="flex-end">
              <Button type="submit" loading={busy}>
                Submit answers
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function ResultPanel({ result, onRetake }: { result: AttemptResult; onRetake: () => void }) {
  const { attempt, passMark, wrong } = result;
  return (
    <Alert
      color={attempt.passed ? 'teal' : 'red'}
      icon={attempt.passed ? <IconCircleCheck size={20} /> : <IconCircleX size={20} />}
      title={attempt.passed ? `Passed with ${attempt.score}%` : `Not passed: ${attempt.score}%`}
      role="status"
    >
      <Stack gap="xs">
        <Text size="sm">
          {attempt.passed
            ? wrong.length === 0
              ? `Every answer was right (pass mark ${passMark}%). Your completion is recorded.`
              : `${wrong.length} answer${wrong.length === 1 ? ' was' : 's were'} wrong, but you reached the pass mark of ${passMark}%. Your completion is recorded.`
            : `You need ${passMark}% to pass; ${wrong.length} answer${wrong.length === 1 ? ' was' : 's were'} wrong. Read the lesson again and retake the quiz.`}
        </Text>
        <Group>
          {attempt.certificateId && (
            <TrainingCertificateLink attemptId={attempt.id} label="Download your certificate" />
          )}
          <Button size="xs" variant={attempt.passed ? 'default' : 'filled'} onClick={onRetake}>
            Retake the quiz
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
