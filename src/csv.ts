/**
 * One CSV cell (RFC 4180) for the files Attest writes: quoted when it holds a comma, quote or
 * line break, and a cell starting with = + - @ (or a tab or carriage return) is prefixed with a
 * quote mark so that a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvText(text: string): string {
  const s = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
