import { type CsvColumns, label, parseDay, parseEmail, readCsv } from '../csv/index.js';
import { ImportError, type InventoryRecord, type Parser, type PersonData } from '../types.js';

/**
 * A people list exported from an HRIS (BambooHR, Personio, HiBob, a spreadsheet): one row per
 * person who works for the company. It is the whole list, so it is one scope, 'people': a
 * person missing from the next export has left the list.
 */

const COLUMNS = {
  name: ['name', 'full name', 'display name', 'employee name', 'preferred name'],
  email: ['email', 'work email', 'email address', 'e-mail', 'company email'],
  employmentType: ['employment type', 'worker type', 'employee type', 'employment', 'type', 'contract type'],
  startDate: ['start date', 'hire date', 'started', 'start', 'joined'],
  endDate: ['end date', 'termination date', 'leave date', 'last day', 'end', 'left'],
  manager: ['manager', 'manager email', 'reports to', 'supervisor', 'supervisor email'],
} satisfies CsvColumns<string>;

type Column = keyof typeof COLUMNS;

/**
 * The words HR systems use, normalised (lower-case, no spaces or dashes), mapped to ours. A word
 * not listed is an error rather than a guess: "intern" or "seasonal" differ between companies.
 */
const EMPLOYMENT_TYPES: ReadonlyMap<string, PersonData['employmentType']> = new Map([
  ['employee', 'employee'],
  ['fulltime', 'employee'],
  ['parttime', 'employee'],
  ['permanent', 'employee'],
  ['staff', 'employee'],
  ['fte', 'employee'],
  ['salaried', 'employee'],
  ['hourly', 'employee'],
  ['contractor', 'contractor'],
  ['contract', 'contractor'],
  ['consultant', 'contractor'],
  ['freelance', 'contractor'],
  ['freelancer', 'contractor'],
  ['contingent', 'contractor'],
  ['contingentworker', 'contractor'],
  ['other', 'other'],
]);

export const parseHrisCsv: Parser = (input) => {
  const table = readCsv<Column>(input, {
    columns: COLUMNS,
    required: ['name', 'email', 'employmentType'],
    what: 'a people list (name, email, employment type, start date, end date, manager)',
  });
  const warnings: string[] = [];
  const lineByEmail = new Map<string, number>();
  const records: InventoryRecord<'person'>[] = [];

  for (const { line, values } of table.rows) {
    const email = parseEmail(values.email, line, label(COLUMNS, 'email'));
    if (!email) throw new ImportError(`line ${line}: '${label(COLUMNS, 'email')}' is empty: every person needs one.`);
    const earlier = lineByEmail.get(email);
    if (earlier !== undefined) {
      throw new ImportError(`lines ${earlier} and ${line} both list ${email}: keep one row per person.`);
    }
    lineByEmail.set(email, line);

    const name = values.name;
    if (name === '') throw new ImportError(`line ${line}: '${label(COLUMNS, 'name')}' is empty for ${email}.`);

    const data: PersonData = {
      email,
      name,
      employmentType: employmentType(values.employmentType, line),
      startDate: parseDay(values.startDate, line, label(COLUMNS, 'startDate')),
      endDate: parseDay(values.endDate, line, label(COLUMNS, 'endDate')),
      managerEmail: parseEmail(values.manager, line, label(COLUMNS, 'manager')),
    };
    if (data.startDate && data.endDate && data.endDate < data.startDate) {
      warnings.push(
        `line ${line}: ${email} has an end date (${data.endDate}) before the start date (${data.startDate}).`,
      );
    }
    records.push({ type: 'person', externalId: email, name, data });
  }

  for (const record of records) {
    const manager = record.data.managerEmail;
    if (manager && manager !== record.data.email && !lineByEmail.has(manager)) {
      warnings.push(`${record.data.email}: the manager ${manager} is not in the list.`);
    }
  }

  return { format: 'People list (CSV)', scopes: [{ scope: 'people', records }], warnings };
};

function employmentType(value: string, line: number): PersonData['employmentType'] {
  const type = EMPLOYMENT_TYPES.get(value.toLowerCase().replace(/[\s_-]+/g, ''));
  if (!type) {
    throw new ImportError(
      `line ${line}: '${label(COLUMNS, 'employmentType')}' is ${value === '' ? 'empty' : `'${value}'`} ` +
        '(use employee, contractor or other; full-time and part-time count as employee).',
    );
  }
  return type;
}
