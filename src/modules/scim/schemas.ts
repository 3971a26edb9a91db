/**
 * What the service announces (RFC 7643 §5–7): ServiceProviderConfig, ResourceTypes and Schemas.
 * The attribute definitions here are also where the code learns each attribute's canonical
 * spelling and whether it is multi-valued (attribute names are case-insensitive on the wire).
 */
import {
  ENTERPRISE_SCHEMA,
  GROUP_SCHEMA,
  MAX_RESULTS,
  PEOPLE_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from './urns.js';

type AttrType = 'string' | 'boolean' | 'complex' | 'reference' | 'binary' | 'dateTime';
type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';

export interface AttributeDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  referenceTypes?: string[];
  canonicalValues?: string[];
  subAttributes?: AttributeDef[];
}

function attr(
  name: string,
  description: string,
  extra: Partial<Omit<AttributeDef, 'name' | 'description'>> = {},
): AttributeDef {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

/** The sub-attributes every multi-valued attribute of the User schema shares. */
function multi(name: string, description: string, valueType: AttrType = 'string', types: string[] = []) {
  return attr(name, description, {
    type: 'complex',
    multiValued: true,
    subAttributes: [
      attr('value', `The ${name} value.`, { type: valueType }),
      attr('display', 'A label for display.'),
      attr('type', 'What kind of value this is.', types.length ? { canonicalValues: types } : {}),
      attr('primary', 'Whether this is the preferred value (one at most).', { type: 'boolean' }),
    ],
  });
}

const memberRef = (name: string, description: string, refs: string[], mutability: Mutability = 'readWrite') =>
  attr(name, description, {
    type: 'complex',
    multiValued: true,
    mutability,
    subAttributes: [
      attr('value', 'The id of the resource.', { mutability: mutability === 'readOnly' ? 'readOnly' : 'immutable' }),
      attr('$ref', 'Its URI.', { type: 'reference', referenceTypes: refs, mutability: 'readOnly' }),
      attr('display', 'Its name, for display.', { mutability: 'readOnly' }),
      attr('type', 'Direct membership.', { mutability: 'readOnly', canonicalValues: ['direct'] }),
    ],
  });

const USER_ATTRIBUTES: AttributeDef[] = [
  attr('userName', 'Unique identifier of the user at the identity provider (case-insensitive).', {
    required: true,
    uniqueness: 'server',
  }),
  attr('name', "The person's name; Attest shows formatted, else given and family name.", {
    type: 'complex',
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map(
      (n) => attr(n, `The ${n} part of the name.`),
    ),
  }),
  attr('displayName', 'The name to display.'),
  attr('nickName', 'A casual name.'),
  attr('profileUrl', 'A profile page.', { type: 'reference', referenceTypes: ['external'] }),
  attr('title', 'Job title (kept in the people register).'),
  attr('userType', 'Employee or Contractor (the people register’s employment type; other values count as other).'),
  attr('preferredLanguage', 'Preferred language.'),
  attr('locale', 'Locale.'),
  attr('timezone', 'Time zone.'),
  attr('active', 'False ends the person’s employment today (offboarding starts).', { type: 'boolean' }),
  attr('password', 'Never stored nor returned by Attest.', { mutability: 'writeOnly', returned: 'never' }),
  multi('emails', 'Email addresses; the primary one (else work, else the first) matches the person.', 'string', [
    'work',
    'home',
    'other',
  ]),
  multi('phoneNumbers', 'Phone numbers.', 'string', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multi('ims', 'Instant messaging addresses.'),
  multi('photos', 'Photos.', 'reference'),
  attr('addresses', 'Postal addresses.', {
    type: 'complex',
    multiValued: true,
    subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type', 'primary'].map(
      (n) => attr(n, `The ${n} of the address.`, n === 'primary' ? { type: 'boolean' } : {}),
    ),
  }),
  memberRef('groups', 'Groups the user belongs to (change them through /Groups).', ['Group'], 'readOnly'),
  multi('entitlements', 'Entitlements.'),
  multi('roles', 'Roles.'),
  multi('x509Certificates', 'Certificates.', 'binary'),
];

const GROUP_ATTRIBUTES: AttributeDef[] = [
  attr('displayName', 'The group’s name, unique in the organisation (case-insensitive).', {
    required: true,
    uniqueness: 'server',
  }),
  memberRef('members', 'Users in the group (value: the user’s id).', ['User']),
];

const ENTERPRISE_ATTRIBUTES: AttributeDef[] = [
  attr('employeeNumber', 'Employee number.'),
  attr('costCenter', 'Cost centre.'),
  attr('organization', 'Organisation.'),
  attr('division', 'Division.'),
  attr('department', 'Department (kept in the people register).'),
  attr('manager', "The person's manager: value is the manager's user id.", {
    type: 'complex',
    subAttributes: [
      attr('value', "The manager's user id."),
      attr('$ref', "The manager's URI.", { type: 'reference', referenceTypes: ['User'] }),
      attr('displayName', "The manager's name (an email address is used when there is no id).", {
        mutability: 'readOnly',
      }),
    ],
  }),
];

const PEOPLE_ATTRIBUTES: AttributeDef[] = [
  attr('startDate', 'First day of work, YYYY-MM-DD: onboarding counts from it.'),
  attr('endDate', 'Last day of work, YYYY-MM-DD: offboarding starts after it.'),
];

const COMMON = [attr('id', 'Assigned by Attest.', { caseExact: true, mutability: 'readOnly', returned: 'always' })];

export const SCHEMAS = [
  {
    id: USER_SCHEMA,
    name: 'User',
    description: 'A person who works for the organisation.',
    attributes: USER_ATTRIBUTES,
  },
  { id: GROUP_SCHEMA, name: 'Group', description: 'A group of users.', attributes: GROUP_ATTRIBUTES },
  {
    id: ENTERPRISE_SCHEMA,
    name: 'EnterpriseUser',
    description: 'Enterprise attributes of a user.',
    attributes: ENTERPRISE_ATTRIBUTES,
  },
  {
    id: PEOPLE_SCHEMA,
    name: 'AttestPerson',
    description: 'Attest people register: employment dates.',
    attributes: PEOPLE_ATTRIBUTES,
  },
];

/** Lower-case attribute name → canonical spelling, every level and schema (names do not clash). */
const CANONICAL = new Map<string, string>();
const MULTI_VALUED = new Set<string>();
function learn(defs: AttributeDef[]) {
  for (const d of defs) {
    CANONICAL.set(d.name.toLowerCase(), d.name);
    if (d.multiValued) MULTI_VALUED.add(d.name.toLowerCase());
    if (d.subAttributes) learn(d.subAttributes);
  }
}
learn([...COMMON, ...USER_ATTRIBUTES, ...GROUP_ATTRIBUTES, ...ENTERPRISE_ATTRIBUTES, ...PEOPLE_ATTRIBUTES]);
CANONICAL.set('externalid', 'externalId');

export const canonicalName = (name: string) => CANONICAL.get(name.toLowerCase()) ?? name;
export const isMultiValued = (name: string) => MULTI_VALUED.has(name.toLowerCase());

const location = (base: string, kind: string, id: string) => `${base}/${kind}/${encodeURIComponent(id)}`;

export function schemaDocuments(base: string) {
  return SCHEMAS.map((s) => ({
    schemas: [SCHEMA_SCHEMA],
    ...s,
    meta: { resourceType: 'Schema', location: location(base, 'Schemas', s.id) },
  }));
}

export function resourceTypes(base: string) {
  return [
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'People in the people register, provisioned by an identity provider.',
      schema: USER_SCHEMA,
      schemaExtensions: [
        { schema: ENTERPRISE_SCHEMA, required: false },
        { schema: PEOPLE_SCHEMA, required: false },
      ],
      meta: { resourceType: 'ResourceType', location: location(base, 'ResourceTypes', 'User') },
    },
    {
      schemas: [RESOURCE_TYPE_SCHEMA],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'Groups of people.',
      schema: GROUP_SCHEMA,
      schemaExtensions: [],
      meta: { resourceType: 'ResourceType', location: location(base, 'ResourceTypes', 'Group') },
    },
  ];
}

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'API token',
        description:
          'An Attest API token with the scope "scim", created by an owner or admin (Settings → API tokens, the People page, or `attest scim token --create`).',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${base}/ServiceProviderConfig`,
    },
  };
}
