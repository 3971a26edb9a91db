import type { RequestMeta } from '../../context.js';
import type { Role } from '../../db/schema.js';
import type { Tx } from '../../db/tenancy.js';
import { completeTask, type FileKeys, uploadTaskFile } from './complete.js';
import { type TaskActor, updateTask } from './service.js';

const DAY = 86_400_000;

export interface DemoPersonRef {
  id: string;
  email: string;
  role: Role;
}

/**
 * `attest demo`: the tasks the organisation's creation opened, worked on the way a team would.
 * Most are assigned; the earliest monthly ones were completed (a link, a note, a file) shortly
 * before they fell due, so their next occurrences are open; a few are overdue, assigned and not.
 * Everything goes through the services, so the audit log and notices tell the same story.
 */
export async function seedDemoTasks(
  tx: Tx,
  orgId: string,
  keys: FileKeys,
  admin: DemoPersonRef,
  doers: DemoPersonRef[],
  meta: RequestMeta,
  now: Date,
): Promise<void> {
  const actor = (p: DemoPersonRef): TaskActor => ({
    userId: p.id,
    email: p.email,
    orgId,
    role: p.role,
    stage: 'full',
    via: 'session',
  });
  const open = await tx
    .selectFrom('evidence_tasks')
    .select(['id', 'due_at'])
    .where('status', '=', 'open')
    .orderBy('due_at')
    .orderBy('id')
    .execute();
  if (open.length === 0 || doers.length === 0) return;

  // Assigned a month ago, round-robin; the last few stay with nobody.
  const assigned = open.slice(0, Math.max(0, open.length - 6));
  const holder = new Map<string, DemoPersonRef>();
  for (const [i, task] of assigned.entries()) {
    const person = doers[i % doers.length] as DemoPersonRef;
    holder.set(task.id, person);
    await updateTask(
      tx,
      actor(admin),
      task.id,
      { assigneeUserId: person.id },
      meta,
      new Date(now.getTime() - 30 * DAY),
    );
  }

  // The earliest ones: most done two days before they were due, the rest left overdue.
  const earliest = assigned.filter((t) => t.due_at.getTime() < now.getTime()).slice(0, 9);
  for (const [i, task] of earliest.entries()) {
    if (i % 3 === 2) continue;
    const person = holder.get(task.id) as DemoPersonRef;
    const at = new Date(task.due_at.getTime() - 2 * DAY);
    if (i === 0) {
      const log = `Restore test ${at.toISOString().slice(0, 10)}\nSnapshot restored to staging in 14 minutes; row counts match.\n`;
      await uploadTaskFile(
        tx,
        keys,
        actor(person),
        task.id,
        { name: 'restore-test.txt', contentType: 'text/plain', bytes: Buffer.from(log) },
        meta,
        at,
      );
    } else if (i % 2 === 1) {
      await completeTask(
        tx,
        actor(person),
        task.id,
        { kind: 'link', url: `https://wiki.northwind.demo/security/evidence/${task.id.slice(0, 8)}` },
        meta,
        at,
      );
    } else {
      await completeTask(
        tx,
        actor(person),
        task.id,
        { kind: 'note', note: 'Reviewed this month’s results with the team; nothing outstanding. Ticket SEC-214.' },
        meta,
        at,
      );
    }
  }
}
