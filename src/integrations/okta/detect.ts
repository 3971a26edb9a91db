/**
 * Cheap shape tests for Okta API output, shared with the other identity importers so that a file
 * pushed to the wrong one is named instead of failing on a missing field.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const OKTA_BUNDLE = 'okta-bundle/v1';

/** GET /api/v1/users: an array of users, each with an id, a status and a profile. */
export function isOktaUserList(doc: unknown): boolean {
  if (!Array.isArray(doc) || !isObject(doc[0])) return false;
  const user = doc[0];
  // Factors have an id, a status and a profile too; their factorType tells them apart.
  return (
    typeof user.id === 'string' &&
    typeof user.status === 'string' &&
    isObject(user.profile) &&
    user.factorType === undefined
  );
}

/** GET /api/v1/users/{id}/factors: an array of factors, each with a factorType. */
export function isOktaFactorList(doc: unknown): boolean {
  return Array.isArray(doc) && isObject(doc[0]) && typeof doc[0].factorType === 'string';
}

export function isOktaBundle(doc: unknown): boolean {
  return isObject(doc) && doc.attest === OKTA_BUNDLE;
}

/** Anything the Okta importer reads (or recognises to explain). */
export function isOktaExport(doc: unknown): boolean {
  return isOktaBundle(doc) || isOktaUserList(doc) || isOktaFactorList(doc);
}
