/** The schema and message URNs Attest's SCIM service speaks (RFC 7643, RFC 7644). */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Ours: the dates that drive onboarding and offboarding in the people register. */
export const PEOPLE_SCHEMA = 'urn:attest:params:scim:schemas:extension:people:2.0:User';
export const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
export const SERVICE_PROVIDER_CONFIG_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';

/** Schemas whose attributes a path may be qualified with, longest first (so a prefix never wins). */
export const ATTRIBUTE_SCHEMAS = [PEOPLE_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA].sort(
  (a, b) => b.length - a.length,
);

/** A known schema URN in its canonical spelling (URNs compare case-insensitively), or null. */
export function knownSchema(urn: string): string | null {
  const lower = urn.toLowerCase();
  return ATTRIBUTE_SCHEMAS.find((s) => s.toLowerCase() === lower) ?? null;
}

/** The maximum a page may hold, as ServiceProviderConfig announces it. */
export const MAX_RESULTS = 1000;
export const DEFAULT_COUNT = 100;
