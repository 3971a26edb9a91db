import { AppError } from '../../errors.js';
import { placeholdersIn, policyVariables, substitute } from './library.js';

/**
 * The value of each variable for an organisation: its own value, else the library default
 * (company_name defaults to the organisation's name). Empty means not set.
 */
export function effectiveValues(own: Record<string, string>, organisationName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(policyVariables())) {
    const fallback = v.default ?? (name === 'company_name' ? organisationName : '');
    out[name] = (own[name] ?? '').trim() || fallback;
  }
  return out;
}

/** Problems that would stop a text being published: unknown variables and variables with no value. */
export function renderProblems(source: string, values: Record<string, string>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const name of placeholdersIn(source)) {
    if (!(name in values)) {
      problems.push({ path: 'body', message: `unknown variable {{${name}}}` });
    } else if (!values[name]) {
      problems.push({ path: `variables.${name}`, message: `{{${name}}} has no value` });
    }
  }
  return problems;
}

/** The text with every variable substituted; refuses unknown or empty variables, naming them. */
export function renderPolicy(source: string, values: Record<string, string>): string {
  const problems = renderProblems(source, values);
  if (problems.length > 0) {
    const unknown = problems.filter((p) => p.path === 'body').map((p) => p.message.replace('unknown variable ', ''));
    const empty = problems.filter((p) => p.path !== 'body').map((p) => p.path.replace('variables.', ''));
    const parts = [
      unknown.length > 0 &&
        `The text uses ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a policy variable' : 'are not policy variables'}: correct or remove ${unknown.length === 1 ? 'it' : 'them'}.`,
      empty.length > 0 && `Give ${empty.join(', ')} a value under Policy variables.`,
    ].filter(Boolean);
    throw new AppError('validation_failed', `This policy cannot be published yet. ${parts.join(' ')}`, {
      errors: problems,
    });
  }
  return substitute(source, (name) => values[name] ?? '');
}
