import { Alert, Button, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError } from '../api';
import { type Answer, type PublicQuestionnaire, vendorsApi } from '../api/vendors';
import { AuthCard } from '../components/AuthCard';
import { ErrorAlert, LoadingState } from '../components/PageStatus';
import { formatDate } from '../format';
import { useApi } from '../useApi';

const WIDTH = 760;

/**
 * `/vendor-questionnaire/:token`: the page a vendor opens from the link it was sent. No account:
 * the link itself names the organisation and proves who may answer. It shows only the two
 * organisations' names and the questions, and takes the answers once.
 */
export function VendorQuestionnairePage() {
  const { token = '' } = useParams();
  const state = useApi(() => vendorsApi.publicQuestionnaire(token), token);
  const [done, setDone] = useState<string | null>(null);

  if (done) {
    return (
      <AuthCard title="Thank you" width={WIDTH}>
        <Alert color="teal" icon={<IconCircleCheck size={18} />} title="Your answers were sent">
          {done} has them now. You can close this page; the link no longer works.
        </Alert>
      </AuthCard>
    );
  }
  if (state.error) {
    const gone = state.error instanceof ApiError && (state.error.status === 410 || state.error.status === 404);
    return (
      <AuthCard title="Security questionnaire" width={WIDTH}>
        <ErrorAlert error={state.error} title={gone ? 'This link cannot be used' : 'The questionnaire did not load'} />
      </AuthCard>
    );
  }
  if (!state.data) {
    return (
      <AuthCard title="Security questionnaire" width={WIDTH}>
        <LoadingState />
      </AuthCard>
    );
  }
  const q = state.data;
  return (
    <AuthCard
      title={`Security questionnaire for ${q.vendor.name}`}
      subtitle={`${q.organisation.name} asks these questions to understand how ${q.vendor.name} protects its data. The link works until ${formatDate(q.expiresAt)} and takes one set of answers.`}
      width={WIDTH}
    >
      <AnswerForm token={token} questionnaire={q} onDone={() => setDone(q.organisation.name)} />
    </AuthCard>
  );
}

function AnswerForm({
  token,
  questionnaire,
  onDone,
}: {
  token: string;
  questionnaire: PublicQuestionnaire;
  onDone: () => void;
}) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (id: string, patch: Partial<Answer>) =>
    setAnswers((a) => ({ ...a, [id]: { answer: a[id]?.answer ?? '', ...a[id], ...patch } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const unanswered = new Set(questionnaire.questions.filter((x) => !answers[x.id]?.answer.trim()).map((x) => x.id));
    setMissing(unanswered);
    if (unanswered.size > 0 || !name.trim() || !email.trim()) {
      setError(new Error('Answer every question and give your name and email.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await vendorsApi.answerQuestionnaire(token, {
        respondentName: name.trim(),
        respondentEmail: email.trim(),
        answers,
      });
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack gap="lg">
        {questionnaire.questions.map((question, i) => {
          const answer = answers[question.id];
          const err = missing.has(question.id) ? 'Answer this question.' : undefined;
          return (
            <Stack key={question.id} gap={6}>
              <Title order={2} size="h6" id={`q-${question.id}`}>
                {i + 1}. {question.text}
              </Title>
              {question.help && (
                <Text size="xs" c="dimmed">
                  {question.help}
                </Text>
              )}
              {question.kind === 'yes_no' ? (
                <>
                  <Radio.Group
                    aria-labelledby={`q-${question.id}`}
                    value={answer?.answer ?? null}
                    onChange={(v) => set(question.id, { answer: v })}
                    error={err}
                  >
                    <Stack gap={4} mt={4}>
                      <Radio value="yes" label="Yes" />
                      <Radio value="no" label="No" />
                      <Radio value="not_applicable" label="Not applicable" />
                    </Stack>
                  </Radio.Group>
                  <TextInput
                    aria-label={`Comment on question ${i + 1}`}
                    placeholder="Comment (optional)"
                    maxLength={2000}
                    value={answer?.comment ?? ''}
                    onChange={(e) => set(question.id, { comment: e.currentTarget.value })}
                  />
                </>
              ) : (
                <Textarea
                  aria-labelledby={`q-${question.id}`}
                  autosize
                  minRows={2}
                  maxLength={2000}
                  value={answer?.answer ?? ''}
                  onChange={(e) => set(question.id, { answer: e.currentTarget.value })}
                  error={err}
                />
              )}
            </Stack>
          );
        })}
        <TextInput
          label="Your name"
          required
          autoComplete="name"
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
        />
        <TextInput
          label="Your work email"
          type="email"
          required
          autoComplete="email"
          maxLength={320}
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        {error !== null && <ErrorAlert error={error} title="Not sent" />}
        <Button type="submit" loading={busy}>
          Send answers
        </Button>
      </Stack>
    </form>
  );
}
