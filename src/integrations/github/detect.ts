/**
 * Cheap shape tests for GitHub API output, shared with the other identity importers so that a
 * file pushed to the wrong one is named instead of failing on a missing field.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const GITHUB_BUNDLE = 'github-bundle/v1';

export function isGithubBundle(doc: unknown): boolean {
  return isObject(doc) && doc.attest === GITHUB_BUNDLE;
}

/** GET /orgs/{org}, or a GitHub account (GET /users/{name}) pushed by mistake: both have a login and a type. */
export function isGithubAccount(doc: unknown): boolean {
  if (!isObject(doc) || typeof doc.login !== 'string') return false;
  return typeof doc.type === 'string' || 'two_factor_requirement_enabled' in doc || typeof doc.members_url === 'string';
}

/** octokit/fixtures' recorded requests: an array of {scope, method, path, status, response}. */
export function isOctokitRecording(doc: unknown): boolean {
  if (!Array.isArray(doc) || !isObject(doc[0])) return false;
  const entry = doc[0];
  return typeof entry.scope === 'string' && typeof entry.method === 'string' && typeof entry.path === 'string';
}

/** Anything the GitHub importer reads. */
export function isGithubExport(doc: unknown): boolean {
  return isGithubBundle(doc) || isGithubAccount(doc) || isOctokitRecording(doc);
}
