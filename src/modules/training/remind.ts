import type { AppContext } from '../../context.js';
import type { Database } from '../../db/connect.js';
import { currentOrg, type Tx, withScope } from '../../db/tenancy.js';
import type { Obligation, ObligationUser } from '../me/obligation.js';
import { mailNotice, type Notice, notify } from '../notifications/service.js';
import { loadPeopleSettings } from '../people/settings.js';
import { ensureBuiltinModules } from './builtin.js';
import { requiredModules } from './modules.js';
import { loadTrainees, type ModuleState, statesFor } from './status.js';

/** Training owed within this many days (or overdue) is reminded. */
export const REMIND_WITHIN_DAYS = 14;
/** A member hears about one module at most once a week. */
export const REMIND_EVERY_DAYS = 7;
export const REMIND_KIND = 'training.due';
const DAY_MS = 86_400_000;

const moduleLink = (moduleId: string) => `/training/${moduleId}`;

export interface TrainingReminderRun {
  /** Organisations visited. */
  organisations: number;
  /** In-app notices written (one per member and module). */
  notices: number;
  /** Emails the mail server accepted. */
  emails: number;
}

interface Mail {
  to: string[];
  notice: Notice;
}

/**
 * Reminds every member whose required training is overdue or due within 14 days: an in-app
 * notice per module (kind `training.due`, linking to the module) and its email copy after the
 * commit. A notice of that kind and link in the last 7 days is the marker that the member was
 * already reminded, so the daily job repeats a reminder once a week at most. Organisations
 * that do not require training (people settings), and people who have left, are not reminded.
 */
export async function remindTraining(database: Database, ctx: AppContext, now: Date): Promise<TrainingReminderRun> {
  // Which organisations to visit is read as the connecting role; each visit runs under its RLS.
  const { rows } = await database.query('SELECT id FROM organizations ORDER BY id');
  const run: TrainingReminderRun = { organisations: 0, notices: 0, emails: 0 };
  for (const { id: orgId } of rows as { id: string }[]) {
    const mails = await withScope(database, { orgId }, (tx) => remindIn(tx, orgId, now, run));
    run.organisations++;
    for (const mail of mails) run.emails += await mailNotice(ctx, mail.to, mail.notice);
  }
  return run;
}

function noticeFor(title: string, state: ModuleState): Notice {
  const due = state.dueAt?.slice(0, 10) ?? '';
  const overdue = state.state === 'overdue';
  const renewal = state.lastPassedAt !== null;
  return {
    kind: REMIND_KIND,
    title: overdue ? `Training overdue: ${title}` : `Training due by ${due}: ${title}`,
    body: overdue
      ? `"${title}" was due on ${due}. Read the lesson and pass the quiz to complete it.`
      : renewal
        ? `Your completion of "${title}" expires on ${due}. Take it again before then to stay current.`
        : `Complete "${title}" by ${due}: read the lesson and pass the quiz.`,
    link: null,
  };
}

async function remindIn(tx: Tx, orgId: string, now: Date, run: TrainingReminderRun): Promise<Mail[]> {
  const settings = await loadPeopleSettings(tx);
  if (!settings.training) return [];
  await ensureBuiltinModules(tx, orgId, now);
  const modules = await requiredModules(tx);
  const trainees = (await loadTrainees(tx, orgId, now)).filter((t) => t.person?.status !== 'departed');
  if (modules.length === 0 || trainees.length === 0) return [];
  const states = await statesFor(tx, trainees, modules, settings, now);
  const since = new Date(now.getTime() - REMIND_EVERY_DAYS * DAY_MS);
  const recent = await tx
    .selectFrom('notifications')
    .select(['user_id', 'link'])
    .where('kind', '=', REMIND_KIND)
    .where('created_at', '>', since)
    .execute();
  const reminded = new Set(recent.map((r) => `${r.user_id} ${r.link}`));
  const horizon = now.getTime() + REMIND_WITHIN_DAYS * DAY_MS;
  const mails: Mail[] = [];
  for (const trainee of trainees) {
    const owed = (states.get(trainee.userId) ?? []).flatMap((state, i) => {
      const module = modules[i];
      if (!module || state.state === 'done' || state.dueAt === null) return [];
      if (state.state !== 'overdue' && new Date(state.dueAt).getTime() > horizon) return [];
      const link = moduleLink(module.id);
      return reminded.has(`${trainee.userId} ${link}`) ? [] : [{ ...noticeFor(module.title, state), link }];
    });
    for (const notice of owed) {
      await notify(tx, orgId, [trainee.userId], notice, now);
      run.notices++;
      mails.push({ to: [trainee.email], notice });
    }
  }
  return mails;
}

/**
 * What the signed-in member owes: one obligation per required module that is not done (never
 * passed, expiring within 30 days, or overdue). Auditors, members of an organisation that does
 * not require training and people who have left owe none.
 */
export async function trainingObligations(tx: Tx, user: ObligationUser, now: Date): Promise<Obligation[]> {
  const orgId = await currentOrg(tx);
  if (!orgId) return [];
  const settings = await loadPeopleSettings(tx);
  if (!settings.training) return [];
  const [me] = await loadTrainees(tx, orgId, now, [user.id]);
  if (!me || me.person?.status === 'departed') return [];
  await ensureBuiltinModules(tx, orgId, now);
  const modules = await requiredModules(tx);
  const states = (await statesFor(tx, [me], modules, settings, now)).get(me.userId) ?? [];
  const owed: Obligation[] = [];
  states.forEach((state, i) => {
    const module = modules[i];
    if (!module || state.state === 'done') return;
    owed.push({
      kind: 'training',
      id: module.id,
      title: module.title,
      detail:
        state.state === 'overdue'
          ? `Overdue: read the lesson and pass the quiz (${module.pass_mark}% to pass).`
          : state.state === 'due_soon'
            ? 'Your completion expires soon: take the module again to renew it.'
            : `Read the lesson and pass the quiz (${module.pass_mark}% to pass).`,
      href: moduleLink(module.id),
      dueAt: state.dueAt,
      overdue: state.state === 'overdue',
    });
  });
  return owed;
}
