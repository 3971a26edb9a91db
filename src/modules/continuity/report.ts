/**
 * The report of a completed disaster recovery exercise, in Markdown and as a PDF drawn from the
 * same Markdown (the policies' writer), both stored as evidence of BCP-03. pdfkit loads only
 * when a PDF is drawn.
 */
import type { Exercise } from './model.js';
import { KIND_LABEL, OUTCOME_LABEL } from './model.js';

const HEADING_SIZE: Record<string, number> = { h1: 18, h2: 13, h3: 11.5, h4: 11, h5: 11, h6: 11 };
const MARGIN = 56;

/** Text from a person, kept from breaking the table or list it sits in. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const hoursText = (h: number | null) => (h === null ? '—' : `${h}`);
const metText = (m: boolean | null) => (m === null ? '—' : m ? 'yes' : 'no');

export function exerciseMarkdown(e: Exercise, organisation: string): string {
  const lines: string[] = [
    `# Disaster recovery exercise: ${cell(e.title)}`,
    '',
    `${cell(organisation)}`,
    '',
    `- **Kind:** ${KIND_LABEL[e.kind]}`,
    `- **Held on:** ${e.exercisedOn}`,
    `- **Outcome:** ${e.outcome ? OUTCOME_LABEL[e.outcome] : 'not recorded'}`,
    `- **Recorded complete:** ${e.completedAt?.slice(0, 10) ?? '—'}${e.completedBy ? ` by ${e.completedBy.name || e.completedBy.email}` : ''}`,
    '',
    '## Scenario',
    '',
    e.scenario || '_No scenario was written down._',
    '',
    '## Participants',
    '',
    ...(e.participants.length > 0 ? e.participants.map((p) => `- ${cell(p)}`) : ['_None listed._']),
    '',
    '## Systems and recovery objectives',
    '',
  ];
  if (e.systems.length === 0) {
    lines.push('_The exercise covered no system of the catalogue._');
  } else {
    lines.push(
      '| System | RTO (hours) | Recovered in (hours) | RTO met | RPO (hours) | Data lost (hours) | RPO met |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...e.systems.map(
        (s) =>
          `| ${cell(s.name)} | ${hoursText(s.rtoHours)} | ${hoursText(s.recoveryHours)} | ${metText(s.rtoMet)} | ${hoursText(s.rpoHours)} | ${hoursText(s.dataLossHours)} | ${metText(s.rpoMet)} |`,
      ),
    );
  }
  lines.push('', '## Lessons learned', '', e.lessons || '_None recorded._', '', '## Follow-up actions', '');
  if (e.actions.length === 0) lines.push('_None._');
  for (const a of e.actions) {
    const who = [a.owner ? `owner: ${cell(a.owner)}` : null, a.dueOn ? `due ${a.dueOn}` : null].filter(Boolean);
    lines.push(`- ${a.done ? '[done]' : '[open]'} ${cell(a.title)}${who.length > 0 ? ` (${who.join(', ')})` : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}

export async function exercisePdf(e: Exercise, markdown: string, organisation: string): Promise<Buffer> {
  const [{ default: PDFDocument }, { pdfBytes, writeMarkdown }] = await Promise.all([
    import('pdfkit'),
    import('../policies/markdown-pdf.js'),
  ]);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Disaster recovery exercise: ${e.title}`,
      Author: organisation,
      Subject: `${KIND_LABEL[e.kind]} held on ${e.exercisedOn}`,
      Creator: 'Attest',
      CreationDate: e.completedAt ? new Date(e.completedAt) : new Date(),
    },
  });
  const done = pdfBytes(doc);
  writeMarkdown(doc, markdown, MARGIN, HEADING_SIZE);
  doc.end();
  return done;
}

/** "dr-exercise-2026-01-10-tabletop-region-loss.pdf". */
export function reportName(e: Exercise, extension: 'md' | 'pdf'): string {
  const slug = e.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `dr-exercise-${e.exercisedOn}${slug ? `-${slug}` : ''}.${extension}`;
}
