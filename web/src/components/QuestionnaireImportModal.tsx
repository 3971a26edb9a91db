import {
  Alert,
  Button,
  FileInput,
  Group,
  Modal,
  NumberInput,
  Select,
  Stack,
  Stepper,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconFileSpreadsheet } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../api';
import {
  columnName,
  type FilePreview,
  type QuestionnaireSummary,
  questionnairesApi,
  type SheetPreview,
} from '../api/questionnaires';

interface Choice {
  sheet: string;
  headerRow: number;
  questionColumn: string;
  answerColumn: string;
  title: string;
  customer: string;
}

function choiceFor(preview: FilePreview, sheet: SheetPreview): Choice {
  return {
    sheet: sheet.name,
    headerRow: sheet.guess.headerRow,
    questionColumn: String(sheet.guess.questionColumn),
    answerColumn: sheet.guess.answerColumn ? String(sheet.guess.answerColumn) : 'new',
    title: preview.fileName.replace(/\.(csv|xlsx|txt|tsv)$/i, ''),
    customer: '',
  };
}

/**
 * The import wizard: upload the file (read on the server, nothing kept), choose the sheet, the
 * header row, the question column and the answer column (an existing one or a new one), then
 * import: each question gets its suggestions.
 */
export function QuestionnaireImportModal({
  opened,
  onClose,
  onImported,
}: {
  opened: boolean;
  onClose: () => void;
  onImported: (q: QuestionnaireSummary) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<FilePreview | null>(null);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reset = () => {
    setFile(null);
    setPreview(null);
    setChoice(null);
    setError(null);
  };
  const close = () => {
    reset();
    onClose();
  };

  const read = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const result = await questionnairesApi.preview(file);
      const first = result.sheets.find((s) => s.rowCount > 0) ?? result.sheets[0];
      setPreview(result);
      if (first) setChoice(choiceFor(result, first));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file || !choice || !preview) return;
    setBusy(true);
    setError(null);
    try {
      const created = await questionnairesApi.import(file, {
        title: choice.title,
        customer: choice.customer,
        sheet: preview.format === 'xlsx' ? choice.sheet : undefined,
        headerRow: choice.headerRow,
        questionColumn: Number(choice.questionColumn),
        answerColumn: choice.answerColumn === 'new' ? 'new' : Number(choice.answerColumn),
      });
      reset();
      onImported(created);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const sheet = preview?.sheets.find((s) => s.name === choice?.sheet);
  const header = sheet && choice ? (sheet.rows[choice.headerRow - 1] ?? []) : [];
  const columnOptions = (sheet?.columns ?? []).map((letter, i) => ({
    value: String(i + 1),
    label: header[i] ? `${letter}: ${header[i].slice(0, 40)}` : letter,
  }));

  return (
    <Modal opened={opened} onClose={close} title="Import a questionnaire" size="xl">
      <Stack>
        <Stepper active={preview ? 1 : 0} size="sm" allowNextStepsSelect={false}>
          <Stepper.Step label="Upload" description="CSV or XLSX" />
          <Stepper.Step label="Choose columns" description="Questions and answers" />
        </Stepper>
        {error && (
          <Alert color="red" role="alert" title="Not imported">
            {error}
          </Alert>
        )}
        {!preview || !choice || !sheet ? (
          <form onSubmit={(e) => void read(e)}>
            <Stack>
              <FileInput
                label="Questionnaire file"
                description="The file the customer sent, as .csv or .xlsx (up to 5 MiB). It is kept, encrypted, so the answers can be written back into it."
                placeholder="Choose a file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                leftSection={<IconFileSpreadsheet size={16} />}
                value={file}
                onChange={setFile}
                required
              />
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={busy} disabled={!file}>
                  Read the file
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <form onSubmit={(e) => void submit(e)}>
            <Stack>
              <Group grow align="flex-start">
                <TextInput
                  label="Title"
                  value={choice.title}
                  maxLength={200}
                  onChange={(e) => setChoice({ ...choice, title: e.currentTarget.value })}
                />
                <TextInput
                  label="Customer"
                  placeholder="Who sent it (optional)"
                  value={choice.customer}
                  maxLength={200}
                  onChange={(e) => setChoice({ ...choice, customer: e.currentTarget.value })}
                />
              </Group>
              <Group grow align="flex-start">
                {preview.format === 'xlsx' && (
                  <Select
                    label="Sheet"
                    data={preview.sheets.map((s) => ({ value: s.name, label: `${s.name} (${s.rowCount} rows)` }))}
                    value={choice.sheet}
                    allowDeselect={false}
                    onChange={(v) => {
                      const next = preview.sheets.find((s) => s.name === v);
                      if (next)
                        setChoice({ ...choiceFor(preview, next), title: choice.title, customer: choice.customer });
                    }}
                  />
                )}
                <NumberInput
                  label="Header row"
                  description="0 when the file has no header"
                  min={0}
                  max={Math.max(sheet.rowCount, 1)}
                  value={choice.headerRow}
                  onChange={(v) => setChoice({ ...choice, headerRow: typeof v === 'number' ? v : 0 })}
                />
                <Select
                  label="Question column"
                  data={columnOptions}
                  value={choice.questionColumn}
                  allowDeselect={false}
                  onChange={(v) => v && setChoice({ ...choice, questionColumn: v })}
                />
                <Select
                  label="Answer column"
                  data={[{ value: 'new', label: 'A new column at the end' }, ...columnOptions]}
                  value={choice.answerColumn}
                  allowDeselect={false}
                  onChange={(v) => v && setChoice({ ...choice, answerColumn: v })}
                />
              </Group>
              <Text size="sm" c="dimmed">
                The first rows of {preview.format === 'xlsx' ? `sheet “${sheet.name}”` : 'the file'} ({sheet.rowCount}{' '}
                rows). Questions are read from every row below the header that has text in the question column.
              </Text>
              <SheetPreviewTable sheet={sheet} choice={choice} />
              <Group justify="space-between">
                <Button variant="subtle" onClick={reset}>
                  Choose another file
                </Button>
                <Group>
                  <Button variant="default" onClick={close}>
                    Cancel
                  </Button>
                  <Button type="submit" loading={busy}>
                    Import and suggest answers
                  </Button>
                </Group>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Modal>
  );
}

function SheetPreviewTable({ sheet, choice }: { sheet: SheetPreview; choice: Choice }) {
  const q = Number(choice.questionColumn);
  const a = choice.answerColumn === 'new' ? sheet.columnCount + 1 : Number(choice.answerColumn);
  const columns = Array.from({ length: Math.max(sheet.columnCount, a) }, (_, i) => i + 1);
  const role = (c: number) => (c === q ? 'Question' : c === a ? 'Answer' : null);
  return (
    <Table.ScrollContainer minWidth={600} mah={320}>
      <Table withTableBorder withColumnBorders fz="xs" aria-label="First rows of the file">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Row</Table.Th>
            {columns.map((c) => (
              <Table.Th key={c} bg={role(c) ? 'var(--mantine-color-blue-light)' : undefined}>
                {columnName(c)}
                {role(c) ? ` · ${role(c)}` : ''}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sheet.rows.map((row, r) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows of a file have no other identity
            <Table.Tr key={r} fw={r + 1 === choice.headerRow ? 700 : undefined}>
              <Table.Td c="dimmed">{r + 1}</Table.Td>
              {columns.map((c) => (
                <Table.Td key={c} style={{ maxWidth: 280 }}>
                  <Text size="xs" lineClamp={2}>
                    {row[c - 1] ?? ''}
                  </Text>
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
