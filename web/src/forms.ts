import { ApiError } from './api';

interface FormWithErrors {
  setFieldError: (path: never, error: string) => void;
  getValues: () => Record<string, unknown>;
}

/**
 * Puts the server's per-field `errors[]` next to the matching inputs.
 * Returns true when every error found a field, so the page need not repeat them.
 */
export function applyFieldErrors(form: FormWithErrors, error: unknown): boolean {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) return false;
  const fields = Object.keys(form.getValues());
  let allPlaced = true;
  for (const { path, message } of error.problem.errors) {
    // Accept "email", "/email", "body.email" and "scopes.0": the first segment naming a field wins.
    const field = path.split(/[./[\]]/).find((segment) => fields.includes(segment));
    if (field) form.setFieldError(field as never, message);
    else allPlaced = false;
  }
  return allPlaced;
}
