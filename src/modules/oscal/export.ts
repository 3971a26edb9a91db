import { sql } from 'kysely';
import type { Tx } from '../../db/tenancy.js';
import { notFound } from '../../errors.js';
import { SOC2_FRAMEWORK } from './refs.js';
import { OSCAL_VERSION } from './schema.js';
import { uuidV5 } from './uuid.js';

/**
 * The organisation's program as OSCAL documents: the SOC 2 catalog Attest ships (our own short
 * titles), a component definition of the organisation's controls and a system security plan.
 * Uuids are name-based (organisation + purpose), so every export of the same thing keeps them.
 */
export const EXPORT_KINDS = ['catalog', 'component-definition', 'ssp'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** Props of our own carry this namespace (OSCAL reserves un-namespaced names for NIST's). */
export const ATTEST_NS = 'urn:attest:oscal';

type Status = 'not_started' | 'in_progress' | 'implemented' | 'not_applicable';
type OscalStatus = 'implemented' | 'partial' | 'planned' | 'not-applicable';

const STATUS: Record<Status, OscalStatus> = {
  implemented: 'implemented',
  in_progress: 'partial',
  not_started: 'planned',
  not_applicable: 'not-applicable',
};

/** A criterion met by several controls: implemented when all are, planned when none has started. */
function overall(statuses: OscalStatus[]): OscalStatus {
  const relevant = statuses.filter((s) => s !== 'not-applicable');
  if (statuses.length > 0 && relevant.length === 0) return 'not-applicable';
  if (relevant.length > 0 && relevant.every((s) => s === 'implemented')) return 'implemented';
  if (relevant.some((s) => s === 'implemented' || s === 'partial')) return 'partial';
  return 'planned';
}

const controlIdOf = (ref: string) => ref.toLowerCase();

/** OSCAL strings may not start or end with white space nor span lines. */
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim() || '-';

function metadata(title: string, lastModified: Date, version: string, extra: Record<string, unknown> = {}) {
  return {
    title,
    'last-modified': lastModified.toISOString(),
    version,
    'oscal-version': OSCAL_VERSION,
    ...extra,
  };
}

async function soc2(tx: Tx) {
  const framework = await tx
    .selectFrom('frameworks')
    .select(['id', 'name', 'version', 'description', 'categories', 'updated_at'])
    .where('id', '=', SOC2_FRAMEWORK)
    .where('owner_org_id', 'is', null)
    .executeTakeFirst();
  if (!framework) throw notFound('The SOC 2 framework');
  const requirements = await tx
    .selectFrom('framework_requirements')
    .select(['ref', 'category', 'grouping', 'title'])
    .where('framework_id', '=', SOC2_FRAMEWORK)
    .where('owner_org_id', 'is', null)
    .orderBy('sort')
    .execute();
  return { framework, requirements };
}

/** The SOC 2 criteria as an OSCAL catalog: a group per category, within it a group per heading. */
export async function exportCatalog(tx: Tx): Promise<Record<string, unknown>> {
  const { framework, requirements } = await soc2(tx);
  const groups = framework.categories
    .map((category) => {
      const inCategory = requirements.filter((r) => r.category === category.id);
      const headings = [...new Set(inCategory.map((r) => r.grouping))];
      return {
        id: category.id,
        class: 'category',
        title: category.name,
        ...(category.required ? { props: [{ name: 'required', ns: ATTEST_NS, value: 'true' }] } : {}),
        groups: headings.map((heading, i) => ({
          id: `${category.id}.${i + 1}`,
          class: 'heading',
          title: heading,
          controls: inCategory
            .filter((r) => r.grouping === heading)
            .map((r) => ({
              id: controlIdOf(r.ref),
              class: 'criterion',
              title: r.title,
              props: [{ name: 'label', value: r.ref }],
            })),
        })),
      };
    })
    .filter((g) => g.groups.length > 0);
  return {
    catalog: {
      uuid: uuidV5(`catalog:${framework.id}:${framework.version}`),
      metadata: metadata(
        `${framework.name} (${framework.version}), summarised by Attest`,
        framework.updated_at,
        framework.version,
        {
          remarks:
            'Each criterion carries a short title written by Attest, not the criterion text itself. ' +
            'Read the full criteria in the AICPA publication.',
        },
      ),
      groups,
    },
  };
}

interface Org {
  id: string;
  slug: string;
  name: string;
}

interface ControlRow {
  id: string;
  key: string;
  title: string;
  description: string;
  status: Status;
  criteria: string[];
  updated_at: Date;
}

async function programOf(tx: Tx, orgId: string) {
  const org = await tx
    .selectFrom('organizations')
    .select(['id', 'slug', 'name'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  if (!org) throw notFound('This organisation');
  const controls = (await tx
    .selectFrom('controls')
    .select(['id', 'key', 'title', 'description', 'status', 'criteria', 'updated_at'])
    .where('retired_at', 'is', null)
    .orderBy('key')
    .execute()) as ControlRow[];
  const { framework, requirements } = await soc2(tx);
  const scope = await tx
    .selectFrom('org_frameworks')
    .select('categories')
    .where('framework_id', '=', SOC2_FRAMEWORK)
    .executeTakeFirst();
  const byCriterion = new Map<string, ControlRow[]>();
  for (const r of requirements) byCriterion.set(r.ref, []);
  for (const c of controls) for (const ref of c.criteria) byCriterion.get(ref)?.push(c);
  const lastChange = controls.reduce((max, c) => (c.updated_at > max ? c.updated_at : max), framework.updated_at);
  return {
    org: org as Org,
    controls,
    framework,
    requirements,
    inScope: new Set(scope?.categories ?? []),
    byCriterion,
    lastChange,
  };
}

function controlList(controls: ControlRow[]): string {
  return controls
    .map((c) => `- **${c.key} ${c.title}** (${c.status.replace('_', ' ')}): ${oneLine(c.description)}`)
    .join('\n');
}

/**
 * The organisation's unretired controls as one component, with an implemented requirement for
 * every SOC 2 criterion some control meets: the controls, their descriptions and status.
 */
export async function exportComponentDefinition(
  tx: Tx,
  orgId: string,
  catalogHref: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const p = await programOf(tx, orgId);
  const implemented = p.requirements
    .map((r) => ({ r, controls: p.byCriterion.get(r.ref) ?? [] }))
    .filter((x) => x.controls.length > 0)
    .map(({ r, controls }) => ({
      uuid: uuidV5(`component-definition:${orgId}:requirement:${r.ref}`),
      'control-id': controlIdOf(r.ref),
      description: `${r.ref} is met by:\n\n${controlList(controls)}`,
      props: [
        { name: 'implementation-status', value: overall(controls.map((c) => STATUS[c.status])) },
        ...controls.map((c) => ({
          name: 'control',
          ns: ATTEST_NS,
          value: c.key,
          class: STATUS[c.status],
          remarks: `${c.title}: ${c.description}`,
        })),
      ],
    }));
  return {
    'component-definition': {
      uuid: uuidV5(`component-definition:${orgId}`),
      metadata: metadata(`${p.org.name}: security program controls`, now, p.lastChange.toISOString(), {
        parties: [{ uuid: uuidV5(`party:${orgId}`), type: 'organization', name: p.org.name }],
      }),
      components: [
        {
          uuid: uuidV5(`component:${orgId}:program`),
          type: 'service',
          title: `${p.org.name} security program`,
          description: `The ${p.controls.length} controls ${p.org.name} runs in Attest, and the SOC 2 criteria each one meets.`,
          props: [{ name: 'controls', ns: ATTEST_NS, value: String(p.controls.length) }],
          ...(implemented.length > 0
            ? {
                'control-implementations': [
                  {
                    uuid: uuidV5(`component-definition:${orgId}:soc2`),
                    source: catalogHref,
                    description: `How the controls of ${p.org.name} meet the ${p.framework.name} criteria.`,
                    'implemented-requirements': implemented,
                  },
                ],
              }
            : {}),
        },
      ],
    },
  };
}

const ROLE_TITLES: Record<string, string> = {
  owner: 'Owner',
  admin: 'Administrator',
  member: 'Member',
  reviewer: 'Reviewer',
  auditor: 'Auditor',
};

/**
 * A system security plan: the organisation as the system, its members as users, its controls
 * as components, and every SOC 2 criterion in scope with the controls that implement it.
 */
export async function exportSsp(
  tx: Tx,
  orgId: string,
  catalogHref: string,
  now: Date,
): Promise<Record<string, unknown>> {
  const p = await programOf(tx, orgId);
  const members = await tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'm.role'])
    .where('m.org_id', '=', orgId)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .where('u.disabled_at', 'is', null)
    .orderBy(sql`lower(u.name)`)
    .execute();
  const roles = [...new Set(members.map((m) => m.role))];
  const systemUuid = uuidV5(`ssp:${orgId}:this-system`);
  const componentUuid = (c: ControlRow) => uuidV5(`ssp:${orgId}:control:${c.id}`);
  const categories = p.framework.categories.filter((c) => p.inScope.has(c.id));
  const requirements = p.requirements.filter((r) => p.inScope.has(r.category));
  return {
    'system-security-plan': {
      uuid: uuidV5(`ssp:${orgId}`),
      metadata: metadata(`${p.org.name}: system security plan`, now, p.lastChange.toISOString(), {
        ...(roles.length > 0 ? { roles: roles.map((id) => ({ id, title: ROLE_TITLES[id] ?? id })) } : {}),
        parties: [{ uuid: uuidV5(`party:${orgId}`), type: 'organization', name: p.org.name }],
      }),
      'import-profile': {
        href: catalogHref,
        remarks: `The ${p.framework.name} criteria as Attest ships them (GET /api/v1/oscal/catalog).`,
      },
      'system-characteristics': {
        'system-ids': [{ id: p.org.slug }],
        'system-name': p.org.name,
        description: `The systems and services ${p.org.name} runs its security program for, as recorded in Attest.`,
        'system-information': {
          'information-types': [
            {
              uuid: uuidV5(`ssp:${orgId}:information:customer-data`),
              title: 'Customer data',
              description: `Data ${p.org.name} stores and processes for its customers.`,
              'confidentiality-impact': { base: 'moderate' },
              'integrity-impact': { base: 'moderate' },
              'availability-impact': { base: 'moderate' },
            },
          ],
        },
        status: { state: 'operational' },
        'authorization-boundary': {
          description: `The ${p.framework.name} categories in scope: ${categories.map((c) => c.name).join(', ') || 'none'}.`,
        },
      },
      'system-implementation': {
        ...(members.length > 0
          ? {
              users: members.map((m) => ({
                uuid: uuidV5(`ssp:${orgId}:user:${m.id}`),
                title: m.name,
                'role-ids': [m.role],
              })),
            }
          : { users: [{ uuid: uuidV5(`ssp:${orgId}:user:none`), title: 'No members yet' }] }),
        components: [
          {
            uuid: systemUuid,
            type: 'this-system',
            title: p.org.name,
            description: `Everything ${p.org.name} runs its security program for.`,
            status: { state: 'operational' },
          },
          ...p.controls.map((c) => ({
            uuid: componentUuid(c),
            type: 'process-procedure',
            title: `${c.key} ${c.title}`,
            description: c.description,
            props: [{ name: 'control', ns: ATTEST_NS, value: c.key }],
            status: { state: c.status === 'implemented' ? 'operational' : 'under-development' },
          })),
        ],
      },
      'control-implementation': {
        description: `How ${p.org.name} meets each ${p.framework.name} criterion in scope, control by control.`,
        'implemented-requirements': requirements.map((r) => {
          const controls = p.byCriterion.get(r.ref) ?? [];
          return {
            uuid: uuidV5(`ssp:${orgId}:requirement:${r.ref}`),
            'control-id': controlIdOf(r.ref),
            props: [
              {
                name: 'implementation-status',
                value: controls.length > 0 ? overall(controls.map((c) => STATUS[c.status])) : 'planned',
              },
            ],
            ...(controls.length > 0
              ? {
                  'by-components': controls.map((c) => ({
                    'component-uuid': componentUuid(c),
                    uuid: uuidV5(`ssp:${orgId}:requirement:${r.ref}:${c.id}`),
                    description: c.description,
                    'implementation-status': { state: STATUS[c.status] },
                  })),
                }
              : { remarks: 'No control meets this criterion yet.' }),
          };
        }),
      },
    },
  };
}

/**
 * Where our SOC 2 catalog can be fetched, for the documents that point at it: the API address
 * when we know it, else the catalog's file name (exported beside them).
 */
export function catalogHrefFor(base: string | null): string {
  return base ? `${base.replace(/\/$/, '')}/api/v1/oscal/catalog` : exportFileName('catalog', '');
}

/** A file name for the download: `attest-soc2-catalog.json`, `<org>-ssp.json`… */
export function exportFileName(kind: ExportKind, orgSlug: string): string {
  return kind === 'catalog' ? 'attest-soc2-2017-catalog.json' : `${orgSlug}-${kind}.json`;
}

export async function exportOscal(
  tx: Tx,
  kind: ExportKind,
  orgId: string,
  catalogHref: string,
  now: Date,
): Promise<Record<string, unknown>> {
  switch (kind) {
    case 'catalog':
      return exportCatalog(tx);
    case 'component-definition':
      return exportComponentDefinition(tx, orgId, catalogHref, now);
    case 'ssp':
      return exportSsp(tx, orgId, catalogHref, now);
  }
}
