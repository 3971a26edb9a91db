/**
 * The demo's questionnaires: the starter answer library, and a customer's questionnaire
 * (CSV, made up for the demo) imported with suggestions, half of it reviewed: some suggestions
 * accepted, one answer written by hand, the rest left for the visitor to review.
 */
import type { AppContext, RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import { withScope } from '../../db/tenancy.js';
import type { QuestionnaireActor } from './access.js';
import { ensureStarterLibrary } from './library.js';
import { importQuestionnaire, listItems } from './questionnaires.js';
import { reviewItem } from './review.js';
import { readQuestionnaireFile } from './spreadsheet.js';

const QUESTIONS = [
  'Is customer data encrypted at rest, and with which algorithm?',
  'Is all traffic to your service encrypted with TLS?',
  'Is multi-factor authentication enforced for every employee?',
  'How often do you review who has access to production?',
  'Do you run background checks before people start?',
  'When did an independent firm last test your application for security flaws?',
  'Do you keep encrypted backups, and do you test restoring them?',
  'Do you have a written incident response plan?',
  'How do you vet the security of your own suppliers?',
  'Do you carry cyber insurance, and with what cover?',
];

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function demoQuestionnaireCsv(): Buffer {
  const rows = [
    ['Ref', 'Question', 'Vendor response', 'Contoso notes'],
    ...QUESTIONS.map((q, i) => [`SEC-${String(i + 1).padStart(2, '0')}`, q, '', '']),
  ];
  return Buffer.from(`${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

export async function seedDemoQuestionnaires(ctx: AppContext, orgId: string, meta: RequestMeta): Promise<void> {
  const now = ctx.clock.now();
  const bytes = demoQuestionnaireCsv();
  const parsed = await readQuestionnaireFile(bytes, 'contoso-security-review.csv');
  await withScope(ctx.database, { orgId }, async (tx) => {
    const admin = await tx
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.role'])
      .where('m.org_id', '=', orgId)
      .where('m.role', 'in', ['admin', 'owner'])
      .orderBy('m.role')
      .executeTakeFirstOrThrow();
    const actor: QuestionnaireActor = {
      userId: admin.id,
      email: admin.email,
      orgId,
      role: admin.role as Role,
      stage: 'full',
      via: 'session',
    };
    await ensureStarterLibrary(tx, actor, meta, now);
    const questionnaire = await importQuestionnaire(
      tx,
      ctx,
      actor,
      { name: 'contoso-security-review.csv', bytes, parsed },
      { title: 'Contoso security review', customer: 'Contoso', headerRow: 1, questionColumn: 2, answerColumn: 3 },
      meta,
      now,
    );
    const items = await listItems(tx, questionnaire.id);
    // Half reviewed: the first four suggestions accepted, the insurance question answered by hand.
    for (const item of items.slice(0, 4)) {
      if (item.suggestions.length)
        await reviewItem(tx, actor, questionnaire.id, item.id, { decision: 'accept', suggestion: 0 }, meta, now);
    }
    const insurance = items[items.length - 1];
    if (insurance) {
      await reviewItem(
        tx,
        actor,
        questionnaire.id,
        insurance.id,
        {
          decision: 'answer',
          short: 'yes',
          answer: 'We hold cyber liability insurance; the certificate is available on request under NDA.',
        },
        meta,
        now,
      );
    }
  });
}
