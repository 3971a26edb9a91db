/**
 * Reading a questionnaire file (CSV or XLSX) into sheets of text cells, and writing answers
 * back into the original file: the same CSV with the answer column filled (or appended), or
 * the original workbook with only the answer cells changed (exceljs keeps the other sheets,
 * cells and styles). Rows and columns are 1-based, as a spreadsheet shows them.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { AppError } from '../../errors.js';

/** exceljs (about 27 MB resident) is loaded the first time a workbook is read, not with the server. */
let excelJs: Promise<typeof ExcelJS> | null = null;
const loadExcelJs = () => (excelJs ??= import('exceljs').then((m) => m.default));

export type FileFormat = 'csv' | 'xlsx';

/** Files up to 5 MiB; a questionnaire is far smaller. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_ROWS = 5000;
export const MAX_COLUMNS = 200;
export const MAX_QUESTIONS = 2000;
const PREVIEW_ROWS = 10;
const PREVIEW_CELL = 300;

export interface Sheet {
  name: string;
  rows: string[][];
  /** Cells holding a formula, as "row,column". */
  formulas: Set<string>;
  columnCount: number;
}

interface CsvLayout {
  delimiter: string;
  eol: string;
  bom: boolean;
  trailingEol: boolean;
}

export interface ParsedFile {
  format: FileFormat;
  sheets: Sheet[];
  csv?: CsvLayout;
}

const bad = (message: string) => new AppError('bad_request', message);

/** Spreadsheet column letters: 1 → A, 27 → AA. */
export function columnName(n: number): string {
  let out = '';
  for (let v = n; v > 0; v = Math.floor((v - 1) / 26)) out = String.fromCharCode(65 + ((v - 1) % 26)) + out;
  return out;
}

export function formatOf(bytes: Buffer, fileName: string): FileFormat {
  if (bytes.length === 0) throw bad('The file is empty. Export the questionnaire again as CSV or XLSX and upload it.');
  if (bytes.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw bad('This is an old binary Excel file (.xls). Save it as .xlsx (Excel Workbook) or as CSV and upload that.');
  }
  const zip = bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (/\.xlsx$/i.test(fileName) && !zip)
    throw bad('This file is named .xlsx but is not an Excel workbook. Check the file.');
  if (zip) return 'xlsx';
  if (!/\.(csv|txt|tsv)$/i.test(fileName)) {
    throw bad('Upload the questionnaire as a .csv or .xlsx file.');
  }
  return 'csv';
}

function detectDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0] && counts[0][1] > 0 ? counts[0][0] : ',';
}

function readCsv(bytes: Buffer): ParsedFile {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw bad('This CSV is not UTF-8 text. Save it as "CSV UTF-8" and upload it again.');
  }
  const bom = text.startsWith('\uFEFF');
  if (bom) text = text.slice(1);
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, to: MAX_ROWS + 1 });
  } catch (error) {
    const why = error instanceof CsvError ? error.message : 'it is not valid CSV';
    throw bad(`This CSV could not be read: ${why}. Check the quotes in that line.`);
  }
  const layout = { delimiter, eol: text.includes('\r\n') ? '\r\n' : '\n', bom, trailingEol: /\r?\n$/.test(text) };
  return { format: 'csv', sheets: [sheetOf('CSV', records, new Set())], csv: layout };
}

function sheetOf(name: string, rows: string[][], formulas: Set<string>, maxRows = MAX_ROWS): Sheet {
  if (rows.length > maxRows) throw bad(`This file has more than ${maxRows} rows. Split the questionnaire.`);
  const columnCount = rows.reduce((max, r) => Math.max(max, r.length), 0);
  if (columnCount > MAX_COLUMNS) throw bad(`This file has more than ${MAX_COLUMNS} columns. Remove the extra columns.`);
  return { name, rows, formulas, columnCount };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value)
    return typeof value.text === 'string' ? value.text : cellText(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    return result === undefined || (typeof result === 'object' && result !== null && !(result instanceof Date))
      ? ''
      : cellText(result as ExcelJS.CellValue);
  }
  return '';
}

/** What the parts of a workbook may add up to once decompressed: a small file cannot become gigabytes. */
export const MAX_UNZIPPED_BYTES = 100 * 1024 * 1024;

/**
 * The sum of the uncompressed sizes the ZIP's central directory declares, checked before
 * anything is inflated (a "zip bomb" would otherwise fill the memory); ZIP64 is refused.
 */
export function checkZipSize(bytes: Buffer): void {
  const unreadable = () =>
    bad('This XLSX workbook could not be read: its ZIP structure is damaged. Save it again as .xlsx and upload it.');
  const from = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let i = bytes.length - 22; i >= from; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw unreadable();
  const entries = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw unreadable();
    const size = bytes.readUInt32LE(at + 24);
    if (size === 0xffffffff) throw bad('This workbook is too large once decompressed. Remove images or extra sheets.');
    total += size;
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  if (total > MAX_UNZIPPED_BYTES) {
    throw bad('This workbook is too large once decompressed (over 100 MiB). Remove images or extra sheets.');
  }
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  checkZipSize(bytes);
  const workbook = new (await loadExcelJs()).Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw bad(
      'This XLSX workbook could not be read: it may be damaged or password-protected. Open it in a spreadsheet, save it again as .xlsx, and upload it.',
    );
  }
  return workbook;
}

async function readXlsx(bytes: Buffer): Promise<ParsedFile> {
  const { ValueType } = await loadExcelJs();
  const workbook = await loadWorkbook(bytes);
  const sheets: Sheet[] = [];
  for (const ws of workbook.worksheets) {
    // Only rows that hold something (formatting alone can make a sheet look a million rows long).
    if (ws.actualRowCount > MAX_ROWS)
      throw bad(`Sheet "${ws.name}" has more than ${MAX_ROWS} rows. Split the questionnaire.`);
    const rows: string[][] = [];
    const formulas = new Set<string>();
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        if (c > MAX_COLUMNS + 1) return;
        if (cell.type === ValueType.Formula) formulas.add(`${r},${c}`);
        cells[c - 1] = cellText(cell.value);
      });
      const dense = Array.from(cells, (v) => v ?? '');
      while (dense.length > 0 && dense[dense.length - 1] === '') dense.pop();
      rows[r - 1] = dense;
    });
    // Rows up to the last one with text (the gaps empty), so row numbers stay the sheet's.
    while (rows.length > 0 && (rows[rows.length - 1] ?? []).length === 0) rows.pop();
    if (rows.length > MAX_ROWS * 4)
      throw bad(`Sheet "${ws.name}" reaches past row ${MAX_ROWS * 4}. Move the questions up.`);
    sheets.push(
      sheetOf(
        ws.name,
        Array.from(rows, (r) => r ?? []),
        formulas,
        MAX_ROWS * 4,
      ),
    );
  }
  if (sheets.length === 0) throw bad('This workbook has no sheets.');
  return { format: 'xlsx', sheets };
}

/** The file's sheets as text; a 400 saying what to fix for anything unreadable. */
export async function readQuestionnaireFile(bytes: Buffer, fileName: string): Promise<ParsedFile> {
  const format = formatOf(bytes, fileName);
  const parsed = format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  if (parsed.sheets.every((s) => s.rows.every((r) => r.every((c) => c.trim() === '')))) {
    throw bad('The file has no rows with text. Check that you exported the questionnaire with its questions.');
  }
  return parsed;
}

export interface SheetPreview {
  name: string;
  rowCount: number;
  columnCount: number;
  columns: string[];
  rows: string[][];
  /** A first guess the importer offers: the header row and the question and answer columns. */
  guess: { headerRow: number; questionColumn: number; answerColumn: number | null };
}

function guessLayout(sheet: Sheet): SheetPreview['guess'] {
  const top = sheet.rows.slice(0, PREVIEW_ROWS);
  const headerIndex = top.findIndex((r) => r.some((c) => /question|requirement/i.test(c)));
  const headerRow = headerIndex >= 0 ? headerIndex + 1 : 1;
  const header = sheet.rows[headerRow - 1] ?? [];
  let questionColumn = header.findIndex((c) => /question|requirement/i.test(c)) + 1;
  if (questionColumn === 0) {
    // The column with the longest text below the header.
    let best = 0;
    for (let c = 0; c < sheet.columnCount; c++) {
      const length = sheet.rows.slice(headerRow).reduce((sum, r) => sum + (r[c]?.length ?? 0), 0);
      if (length > best) [best, questionColumn] = [length, c + 1];
    }
  }
  const answerIndex = header.findIndex((c, i) => i + 1 !== questionColumn && /answer|response|reply/i.test(c));
  return {
    headerRow,
    questionColumn: Math.max(1, questionColumn),
    answerColumn: answerIndex >= 0 ? answerIndex + 1 : null,
  };
}

export function previewOf(parsed: ParsedFile): SheetPreview[] {
  return parsed.sheets.map((sheet) => ({
    name: sheet.name,
    rowCount: sheet.rows.length,
    columnCount: sheet.columnCount,
    columns: Array.from({ length: sheet.columnCount }, (_, i) => columnName(i + 1)),
    rows: sheet.rows
      .slice(0, PREVIEW_ROWS)
      .map((r) => Array.from({ length: sheet.columnCount }, (_, i) => (r[i] ?? '').slice(0, PREVIEW_CELL))),
    guess: guessLayout(sheet),
  }));
}

export interface Layout {
  headerRow: number;
  questionColumn: number;
  /** An existing column, or one past the last for a new column. */
  answerColumn: number;
  answerColumnNew: boolean;
}

export interface FoundQuestion {
  rowNumber: number;
  question: string;
  originalAnswer: string | null;
}

const invalid = (path: string, message: string) =>
  new AppError('validation_failed', message, { errors: [{ path, message }] });

/** The sheet the user chose (by name; the first when not said), or a 400 naming the sheets found. */
export function chooseSheet(parsed: ParsedFile, name: string | undefined): Sheet {
  if (parsed.format === 'csv') return parsed.sheets[0] as Sheet;
  const sheet = name === undefined ? parsed.sheets[0] : parsed.sheets.find((s) => s.name === name);
  if (!sheet) {
    throw invalid(
      'body.sheet',
      `There is no sheet "${name}". The workbook has: ${parsed.sheets.map((s) => s.name).join(', ')}.`,
    );
  }
  return sheet;
}

/** The layout checked against the sheet: columns inside it (or the next one for a new answer column). */
export function checkLayout(
  sheet: Sheet,
  input: { headerRow: number; questionColumn: number; answerColumn: number | 'new' },
): Layout {
  const width = sheet.columnCount;
  if (input.headerRow > sheet.rows.length) {
    throw invalid('body.headerRow', `The header row ${input.headerRow} is past the last row (${sheet.rows.length}).`);
  }
  if (input.questionColumn > width) {
    throw invalid(
      'body.questionColumn',
      `Column ${columnName(input.questionColumn)} is past the last column (${columnName(width)}).`,
    );
  }
  if (input.answerColumn === 'new') {
    return {
      headerRow: input.headerRow,
      questionColumn: input.questionColumn,
      answerColumn: width + 1,
      answerColumnNew: true,
    };
  }
  if (input.answerColumn > width) {
    throw invalid(
      'body.answerColumn',
      `Column ${columnName(input.answerColumn)} is past the last column; choose "new" to add an answer column.`,
    );
  }
  if (input.answerColumn === input.questionColumn) {
    throw invalid('body.answerColumn', 'The answer column must differ from the question column.');
  }
  return {
    headerRow: input.headerRow,
    questionColumn: input.questionColumn,
    answerColumn: input.answerColumn,
    answerColumnNew: false,
  };
}

/** The questions below the header: every row with text in the question column. */
export function findQuestions(sheet: Sheet, layout: Layout): FoundQuestion[] {
  const out: FoundQuestion[] = [];
  for (let r = layout.headerRow + 1; r <= sheet.rows.length; r++) {
    const row = sheet.rows[r - 1] ?? [];
    const question = (row[layout.questionColumn - 1] ?? '').trim();
    if (!question) continue;
    const cell = `${columnName(layout.questionColumn)}${r}`;
    if (sheet.formulas.has(`${r},${layout.questionColumn}`)) {
      throw bad(
        `Cell ${cell} holds a formula. Questions must be plain text: copy the column and paste it as values, then upload again.`,
      );
    }
    if (!layout.answerColumnNew && sheet.formulas.has(`${r},${layout.answerColumn}`)) {
      throw bad(
        `Answer cell ${columnName(layout.answerColumn)}${r} holds a formula that an answer would overwrite. Choose another answer column, or paste the column as values.`,
      );
    }
    if (question.length > 5000) throw bad(`The question in cell ${cell} is longer than 5,000 characters.`);
    const original = layout.answerColumnNew ? '' : (row[layout.answerColumn - 1] ?? '').trim();
    out.push({ rowNumber: r, question, originalAnswer: original || null });
    if (out.length > MAX_QUESTIONS)
      throw bad(`More than ${MAX_QUESTIONS} questions were found. Split the questionnaire.`);
  }
  if (out.length === 0) {
    throw bad(
      `No questions were found in column ${columnName(layout.questionColumn)} below row ${layout.headerRow}. Choose the column that holds the questions and the row of its header.`,
    );
  }
  return out;
}

/** The header written above a new answer column. */
export const NEW_ANSWER_HEADER = 'Answer';

function csvCell(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/** A CSV answer that a spreadsheet would run as a formula is prefixed with a quote mark. */
const csvSafe = (answer: string) => (/^[=+\-@\t\r]/.test(answer) ? `'${answer}` : answer);

export interface Placement {
  format: FileFormat;
  sheet: string | null;
  layout: Layout;
  /** Row number → the answer text to write. */
  answers: Map<number, string>;
}

function writeCsv(bytes: Buffer, place: Placement): Buffer {
  const parsed = readCsv(bytes);
  const layout = parsed.csv as CsvLayout;
  const rows = (parsed.sheets[0] as Sheet).rows.map((r) => [...r]);
  const { answerColumn, answerColumnNew, headerRow } = place.layout;
  rows.forEach((row, i) => {
    const r = i + 1;
    const answer = place.answers.get(r);
    const value =
      answer !== undefined ? csvSafe(answer) : answerColumnNew && r === headerRow ? NEW_ANSWER_HEADER : undefined;
    if (value === undefined && !(answerColumnNew && row.length > 0)) return;
    while (row.length < answerColumn) row.push('');
    if (value !== undefined) row[answerColumn - 1] = value;
  });
  const text =
    rows.map((r) => r.map((c) => csvCell(c, layout.delimiter)).join(layout.delimiter)).join(layout.eol) +
    (layout.trailingEol ? layout.eol : '');
  return Buffer.from((layout.bom ? '\uFEFF' : '') + text, 'utf8');
}

async function writeXlsx(bytes: Buffer, place: Placement): Promise<Buffer> {
  const workbook = await loadWorkbook(bytes);
  const ws = workbook.getWorksheet(place.sheet ?? undefined);
  if (!ws) throw new AppError('conflict', `The sheet "${place.sheet}" is no longer in the stored file.`);
  const { answerColumn, answerColumnNew, headerRow, questionColumn } = place.layout;
  if (answerColumnNew && headerRow >= 1) {
    const header = ws.getRow(headerRow).getCell(answerColumn);
    header.value = NEW_ANSWER_HEADER;
    header.style = { ...ws.getRow(headerRow).getCell(questionColumn).style };
  }
  for (const [row, answer] of place.answers) {
    const cell = ws.getRow(row).getCell(answerColumn);
    cell.value = answer;
    if (answerColumnNew) cell.style = { ...ws.getRow(row).getCell(questionColumn).style };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The original file with the answers written in. */
export function writeAnswers(bytes: Buffer, place: Placement): Promise<Buffer> {
  return place.format === 'csv' ? Promise.resolve(writeCsv(bytes, place)) : writeXlsx(bytes, place);
}
