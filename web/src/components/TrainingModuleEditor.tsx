import {
  ActionIcon,
  Alert,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  Radio,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconInfoCircle, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useApi } from '../useApi';
import { ErrorAlert, Loaded } from './PageStatus';
import { type ModuleBody, type TrainingModule, type TrainingModuleSource, trainingApi } from './TrainingApi';

interface EditorProps {
  /** The module to edit; null to add a new one. */
  module: TrainingModule | null;
  opened: boolean;
  onClose: () => void;
  onExited?: () => void;
  onSaved: (module: TrainingModuleSource) => void;
}

/**
 * Adds or edits one of the organisation's own modules: lesson (Markdown), quiz questions with
 * their right answers, pass mark and whether it is required. A built-in module's text follows
 * Attest's course, so for those only "required" can change.
 */
export function TrainingModuleEditor({ module, opened, onClose, onExited, onSaved }: EditorProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      onExitTransitionEnd={onExited}
      title={module ? `Edit “${module.title}”` : 'New training module'}
      centered
      size="xl"
    >
      {opened &&
        (module ? (
          <ExistingModule module={module} onClose={onClose} onSaved={onSaved} />
        ) : (
          <ModuleForm source={null} onClose={onClose} onSaved={onSaved} />
        ))}
    </Modal>
  );
}

function ExistingModule({
  module,
  onClose,
  onSaved,
}: Pick<EditorProps, 'onClose' | 'onSaved'> & { module: TrainingModule }) {
  const source = useApi(() => trainingApi.source(module.id), module.id);
  return (
    <Loaded state={source}>
      {(s) =>
        s.builtin ? (
          <BuiltinForm source={s} onClose={onClose} onSaved={onSaved} />
        ) : (
          <ModuleForm source={s} onClose={onClose} onSaved={onSaved} />
        )
      }
    </Loaded>
  );
}

interface FormProps {
  onClose: () => void;
  onSaved: (module: TrainingModuleSource) => void;
}

function BuiltinForm({ source, onClose, onSaved }: FormProps & { source: TrainingModuleSource }) {
  const [required, setRequired] = useState(source.required);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSaved(await trainingApi.update(source.id, { required }));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)}>
      <Stack>
        <Alert color="blue" icon={<IconInfoCircle size={18} />}>
          This module is part of Attest’s built-in course: its lesson and quiz are kept up to date with each release, so
          they cannot be edited here. Make it optional, retire it, or add your own module instead.
        </Alert>
        <Switch
          label="Required"
          description="Everyone must pass a required module, and again when their completion expires."
          checked={required}
          onChange={(e) => setRequired(e.currentTarget.checked)}
        />
        {error !== null && <ErrorAlert error={error} title="The module was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
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

interface DraftQuestion {
  key: number;
  id?: string;
  text: string;
  choices: string[];
  answer: number | null;
}

let nextKey = 1;
const blankQuestion = (): DraftQuestion => ({ key: nextKey++, text: '', choices: ['', ''], answer: null });

interface Errors {
  title?: string;
  body?: string;
  passMark?: string;
  questions?: string;
  question: Record<number, string>;
}

function check(title: string, body: string, passMark: number | string, questions: DraftQuestion[]): Errors {
  const errors: Errors = { question: {} };
  if (title.trim().length < 3) errors.title = 'Give the module a title (at least 3 characters).';
  if (body.trim() === '') errors.body = 'Write the lesson people read before the quiz.';
  if (typeof passMark !== 'number' || passMark < 1 || passMark > 100) errors.passMark = 'A percentage from 1 to 100.';
  if (questions.length === 0) errors.questions = 'Add at least one question.';
  questions.forEach((q) => {
    if (q.text.trim().length < 3) errors.question[q.key] = 'Write the question (at least 3 characters).';
    else if (q.choices.some((c) => c.trim() === '')) errors.question[q.key] = 'Fill in every choice, or remove it.';
    else if (new Set(q.choices.map((c) => c.trim())).size !== q.choices.length)
      errors.question[q.key] = 'Two choices are the same.';
    else if (q.answer === null) errors.question[q.key] = 'Mark the right answer.';
  });
  return errors;
}

const hasErrors = (e: Errors) =>
  Boolean(e.title || e.body || e.passMark || e.questions || Object.keys(e.question).length > 0);

function ModuleForm({ source, onClose, onSaved }: FormProps & { source: TrainingModuleSource | null }) {
  const [title, setTitle] = useState(source?.title ?? '');
  const [summary, setSummary] = useState(source?.summary ?? '');
  const [body, setBody] = useState(source?.body ?? '');
  const [passMark, setPassMark] = useState<number | string>(source?.passMark ?? 80);
  const [required, setRequired] = useState(source?.required ?? true);
  const [questions, setQuestions] = useState<DraftQuestion[]>(
    source ? source.questions.map((q) => ({ key: nextKey++, ...q })) : [blankQuestion()],
  );
  const [errors, setErrors] = useState<Errors>({ question: {} });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const change = (key: number, patch: Partial<DraftQuestion>) =>
    setQuestions((qs) => qs.map((q) => (q.key === key ? { ...q, ...patch } : q)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const found = check(title, body, passMark, questions);
    setErrors(found);
    if (hasErrors(found)) return;
    const payload: ModuleBody = {
      title: title.trim(),
      summary: summary.trim(),
      body: body.trim(),
      questions: questions.map((q) => ({
        ...(q.id ? { id: q.id } : {}),
        text: q.text.trim(),
        choices: q.choices.map((c) => c.trim()),
        answer: q.answer ?? 0,
      })),
      passMark: Number(passMark),
      required,
    };
    setBusy(true);
    setError(null);
    try {
      const saved = source
        ? await trainingApi.update(source.id, { ...payload, expectedVersion: source.version })
        : await trainingApi.create(payload);
      onSaved(saved);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void save(e)} noValidate>
      <Stack>
        {source && (
          <Text size="sm" c="dimmed">
            {`Version ${source.version}. Changing the lesson, questions or pass mark makes version ${source.version + 1}; earlier completions stay valid until they expire.`}
          </Text>
        )}
        <TextInput
          label="Title"
          required
          data-autofocus
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={errors.title}
          maxLength={200}
        />
        <TextInput
          label="Summary"
          description="One sentence shown in the list of modules"
          value={summary}
          onChange={(e) => setSummary(e.currentTarget.value)}
          maxLength={400}
        />
        <Textarea
          label="Lesson"
          description="Markdown: ## headings, lists, **bold**, links"
          required
          autosize
          minRows={8}
          maxRows={20}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={errors.body}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Pass mark (%)"
            min={1}
            max={100}
            clampBehavior="strict"
            allowDecimal={false}
            value={passMark}
            onChange={setPassMark}
            error={errors.passMark}
          />
          <Switch
            mt={30}
            label="Required for everyone"
            checked={required}
            onChange={(e) => setRequired(e.currentTarget.checked)}
          />
        </Group>
        <Text fw={600}>Quiz</Text>
        {errors.questions && (
          <Text c="red" size="sm" role="alert">
            {errors.questions}
          </Text>
        )}
        {questions.map((q, i) => (
          <QuestionEditor
            key={q.key}
            index={i}
            question={q}
            error={errors.question[q.key]}
            onChange={(patch) => change(q.key, patch)}
            onRemove={() => setQuestions((qs) => qs.filter((x) => x.key !== q.key))}
          />
        ))}
        <Group>
          <Button
            variant="light"
            leftSection={<IconPlus size={16} />}
            onClick={() => setQuestions((qs) => [...qs, blankQuestion()])}
            disabled={questions.length >= 50}
          >
            Add a question
          </Button>
        </Group>
        {error !== null && <ErrorAlert error={error} title="The module was not saved" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" loading={busy}>
            {source ? 'Save a new version' : 'Add module'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function QuestionEditor({
  index,
  question,
  error,
  onChange,
  onRemove,
}: {
  index: number;
  question: DraftQuestion;
  error?: string;
  onChange: (patch: Partial<DraftQuestion>) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const setChoice = (i: number, value: string) =>
    onChange({ choices: question.choices.map((c, j) => (j === i ? value : c)) });
  const removeChoice = (i: number) =>
    onChange({
      choices: question.choices.filter((_, j) => j !== i),
      answer:
        question.answer === null || question.answer === i
          ? null
          : question.answer > i
            ? question.answer - 1
            : question.answer,
    });
  return (
    <Card withBorder radius="md" padding="md">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Textarea
            label={`Question ${n}`}
            autosize
            minRows={1}
            style={{ flex: 1 }}
            value={question.text}
            onChange={(e) => onChange({ text: e.currentTarget.value })}
          />
          <ActionIcon variant="subtle" color="red" mt={28} onClick={onRemove} aria-label={`Remove question ${n}`}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
        <Radio.Group
          label="Choices"
          description="Select the right answer"
          value={question.answer === null ? null : String(question.answer)}
          onChange={(v) => onChange({ answer: Number(v) })}
        >
          <Stack gap={6} mt={6}>
            {question.choices.map((choice, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: choices have no identity but their place
              <Group key={i} gap="xs" wrap="nowrap">
                <Radio value={String(i)} aria-label={`Choice ${i + 1} of question ${n} is the right answer`} />
                <TextInput
                  style={{ flex: 1 }}
                  aria-label={`Choice ${i + 1} of question ${n}`}
                  value={choice}
                  onChange={(e) => setChoice(i, e.currentTarget.value)}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  onClick={() => removeChoice(i)}
                  disabled={question.choices.length <= 2}
                  aria-label={`Remove choice ${i + 1} of question ${n}`}
                >
                  <IconTrash size={14} />
                </ActionIcon>
              </Group>
            ))}
          </Stack>
        </Radio.Group>
        <Group justify="space-between">
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={() => onChange({ choices: [...question.choices, ''] })}
            disabled={question.choices.length >= 8}
          >
            Add a choice
          </Button>
          {error && (
            <Text c="red" size="sm" role="alert">
              {error}
            </Text>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
