/**
 * One CSV cell (RFC 4180) for the files Attest writes: quoted when it holds a comma, quote or
 * line break, and a cell starting with = + - @ (or a tab or carriage return) is prefixed with a
 * quote mark so that a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvText(text: string): string {
  const s = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The file name of a generated export: `<kind>-<slug of name>-<YYYY-MM-DD>.<extension>`, the slug
 * lower-case ASCII letters, digits and hyphens, at most 60 characters (`fallback` when none is left).
 */
export function exportFileName(kind: string, name: string, day: Date, extension: string, fallback: string): string {
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || fallback;
  return `${kind}-${slug}-${day.toISOString().slice(0, 10)}.${extension}`;
}
