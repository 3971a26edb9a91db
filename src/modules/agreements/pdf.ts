/**
 * The signed agreement as a PDF: the whole text that was signed (or, for an uploaded agreement,
 * its file name and hash), then a signature block naming who signed, when, from where, and the
 * document hash the signature binds to. Loaded lazily (`await import('./pdf.js')`), so pdfkit
 * is read from disk only when someone first signs.
 */
import PDFDocument from 'pdfkit';
import { FONT, keepLines, pdfBytes, writeMarkdown } from '../policies/markdown-pdf.js';

const HEADING_SIZE: Record<string, number> = { h1: 16, h2: 13, h3: 11.5 };
const MARGIN = 56;

export interface SignedPdfInput {
  organisation: string;
  title: string;
  version: number;
  publishedAt: Date;
  /** The Markdown text; null for an uploaded agreement (then `file` says what was signed). */
  body: string | null;
  file: { name: string } | null;
  documentSha256: string;
  signatureId: string;
  typedName: string;
  email: string;
  signedAt: Date;
  ip: string | null;
  userAgent: string | null;
}

function field(doc: PDFKit.PDFDocument, label: string, value: string, mono = false): void {
  doc.font(FONT.bold).fontSize(10).text(`${label}: `, MARGIN, doc.y, { continued: true });
  doc.font(mono ? FONT.mono : FONT.regular).text(value);
}

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 19)} UTC`;

export function signedAgreementPdf(input: SignedPdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: `${input.title}, version ${input.version}, signed by ${input.typedName}`,
      Author: input.organisation,
      Subject: `Signature ${input.signatureId}`,
      Creator: 'Attest',
      CreationDate: input.signedAt,
    },
  });
  const done = pdfBytes(doc);

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(input.organisation);
  doc.moveDown(0.3);
  doc.font(FONT.bold).fontSize(20).fillColor('#111').text(input.title);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(`Version ${input.version} · published ${input.publishedAt.toISOString().slice(0, 10)}`);
  doc.moveDown(1).fillColor('#111');

  if (input.body !== null) writeMarkdown(doc, input.body, MARGIN, HEADING_SIZE);
  else {
    doc
      .font(FONT.regular)
      .fontSize(10.5)
      .text(
        'This agreement was published as a file. The person below signed the file named here; its SHA-256 identifies it exactly.',
      );
    doc.moveDown(0.5);
    field(doc, 'File', input.file?.name ?? '');
  }

  doc.moveDown(1.5);
  keepLines(doc, 12);
  doc.font(FONT.bold).fontSize(13).text('Signature', MARGIN);
  doc.moveDown(0.4);
  doc
    .font(FONT.regular)
    .fontSize(10.5)
    .text(
      `${input.typedName} read this agreement and signed it electronically by typing their name and confirming that they agree.`,
      MARGIN,
    );
  doc.moveDown(0.5);
  field(doc, 'Typed name', input.typedName);
  field(doc, 'Email', input.email);
  field(doc, 'Signed at', utc(input.signedAt));
  field(doc, 'IP address', input.ip ?? 'not known');
  if (input.userAgent) field(doc, 'Browser', input.userAgent);
  field(doc, 'Document SHA-256', input.documentSha256, true);
  field(doc, 'Signature id', input.signatureId, true);
  doc.end();
  return done;
}
