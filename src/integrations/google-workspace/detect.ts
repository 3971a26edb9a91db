/**
 * Cheap shape tests for the Directory API's users.list output, shared with the other identity
 * importers so that a file pushed to the wrong one is named ("this is a Google Workspace users
 * list, push it as google-workspace") instead of failing on a missing field.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One users.list page: its `kind`, or a `users` array whose first entry has a primaryEmail. */
export function isGoogleUsersPage(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value.kind === 'admin#directory#users') return true;
  const users = value.users;
  return Array.isArray(users) && isObject(users[0]) && typeof users[0].primaryEmail === 'string';
}

/** A users.list page, or an array of them (what the Google Workspace pull writes). */
export function isGoogleUsersList(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && isGoogleUsersPage(doc[0]);
  return isGoogleUsersPage(doc);
}
