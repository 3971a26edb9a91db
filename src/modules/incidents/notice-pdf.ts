/**
 * A breach notice as a PDF: the notice's Markdown (notice-doc.ts) drawn with the shared
 * Markdown writer, and a footer line saying whether it is a draft or when and how it was sent.
 * Loaded lazily (`await import('./notice-pdf.js')`), so pdfkit is read only when needed.
 */
import PDFDocument from 'pdfkit';
import { FONT, pdfBytes, writeMarkdown } from '../policies/markdown-pdf.js';
import { type NoticeDocument, noticeMarkdown } from './notice-doc.js';

const MARGIN = 56;
const HEADING_SIZE: Record<string, number> = { h1: 17, h2: 12.5, h3: 11 };

export function noticePdf(doc: NoticeDocument): Promise<Buffer> {
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `Notice of a security incident: ${doc.customer.name}`,
      Author: doc.organisation,
      Subject: `Incident #${doc.incidentNumber}, notice ${doc.noticeId}`,
      Creator: 'Attest',
      CreationDate: doc.date,
    },
  });
  const done = pdfBytes(pdf);
  pdf.fillColor('#111');
  writeMarkdown(pdf, noticeMarkdown(doc), MARGIN, HEADING_SIZE);
  pdf.moveDown(1);
  const status =
    doc.status === 'sent' && doc.sentAt
      ? `Sent ${doc.sentAt.toISOString().replace('T', ' ').slice(0, 16)} UTC by ${doc.sentVia ?? 'unknown means'}.`
      : 'Draft: not sent.';
  pdf.font(FONT.regular).fontSize(8).fillColor('#666').text(`${status} Notice ${doc.noticeId}.`, MARGIN);
  pdf.end();
  return done;
}
