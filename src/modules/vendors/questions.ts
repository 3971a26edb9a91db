/**
 * The built-in security questionnaire sent to vendors, in our own words. A link copies the
 * questions in when it is made, so changing this list never changes what a vendor was asked.
 */
import type { VendorAnswer, VendorQuestion } from '../../db/schema/vendors.js';
import { AppError } from '../../errors.js';

export const QUESTIONS: readonly VendorQuestion[] = [
  {
    id: 'assurance_report',
    kind: 'yes_no',
    text: 'Can you share a current SOC 2 Type 2 report or ISO 27001 certificate with us (under NDA if needed)?',
    help: 'If yes, say where we can get it and the period it covers.',
  },
  {
    id: 'encryption_at_rest',
    kind: 'yes_no',
    text: 'Is our data encrypted where you store it: databases, file storage and backups?',
  },
  {
    id: 'encryption_in_transit',
    kind: 'yes_no',
    text: 'Is our data encrypted whenever it crosses a network (TLS 1.2 or newer)?',
  },
  {
    id: 'mfa',
    kind: 'yes_no',
    text: 'Must your staff use multi-factor authentication to reach systems that hold our data?',
  },
  {
    id: 'background_checks',
    kind: 'yes_no',
    text: 'Do you check the background of staff who can reach our data before they start, where the law allows it?',
  },
  {
    id: 'access_reviews',
    kind: 'yes_no',
    text: 'Do you review at least every quarter who has access to your production systems?',
  },
  {
    id: 'penetration_test',
    kind: 'yes_no',
    text: 'Has an independent firm run a penetration test of your service in the last 12 months?',
    help: 'If yes, say when, and whether the serious findings are fixed.',
  },
  {
    id: 'vulnerability_fixes',
    kind: 'yes_no',
    text: 'Do you fix critical security vulnerabilities within a set time (30 days or less)?',
  },
  {
    id: 'backups',
    kind: 'yes_no',
    text: 'Do you back up our data, and have you restored from those backups as a test in the last year?',
  },
  {
    id: 'incident_notice',
    kind: 'text',
    text: 'If a security incident affects our data, how soon will you tell us, and how?',
    help: 'For example: by email to our security contact within 48 hours of discovery.',
  },
  {
    id: 'subprocessors',
    kind: 'text',
    text: 'Which other companies (subprocessors) handle our data for you, and what does each do?',
  },
  {
    id: 'data_location',
    kind: 'text',
    text: 'In which countries or cloud regions do you store and process our data?',
  },
  {
    id: 'data_return',
    kind: 'yes_no',
    text: 'When our contract ends, will you return or delete our data and confirm it in writing?',
  },
  {
    id: 'security_contact',
    kind: 'text',
    text: 'Who should we contact about security questions or incidents (name and email)?',
  },
];

export const YES_NO = ['yes', 'no', 'not_applicable'] as const;
const MAX_TEXT = 2000;

function invalid(path: string, message: string, detail: string): AppError {
  return new AppError('validation_failed', detail, { errors: [{ path, message }] });
}

/**
 * Checks a vendor's answers against the questions it was asked: every question answered,
 * yes/no questions with yes, no or not applicable, nothing that was not asked. Returns the
 * answers trimmed, in the questions' order.
 */
export function checkAnswers(
  questions: readonly VendorQuestion[],
  answers: Record<string, { answer: string; comment?: string | undefined }>,
): Record<string, VendorAnswer> {
  const asked = new Set(questions.map((q) => q.id));
  const extra = Object.keys(answers).find((id) => !asked.has(id));
  if (extra) throw invalid(`body.answers.${extra}`, 'not asked', `“${extra}” is not one of the questions asked.`);
  const out: Record<string, VendorAnswer> = {};
  for (const [index, question] of questions.entries()) {
    const given = answers[question.id];
    const answer = given?.answer.trim() ?? '';
    const path = `body.answers.${question.id}`;
    if (!answer) {
      throw invalid(path, 'an answer is required', `Answer question ${index + 1}: “${question.text}”`);
    }
    if (question.kind === 'yes_no' && !(YES_NO as readonly string[]).includes(answer)) {
      throw invalid(path, 'yes, no or not_applicable', `Question ${index + 1} takes yes, no or not_applicable.`);
    }
    const comment = given?.comment?.trim() ?? '';
    if (answer.length > MAX_TEXT || comment.length > MAX_TEXT) {
      throw invalid(path, 'too long', `The answer to question ${index + 1} can be up to ${MAX_TEXT} characters.`);
    }
    out[question.id] = comment ? { answer, comment } : { answer };
  }
  return out;
}
