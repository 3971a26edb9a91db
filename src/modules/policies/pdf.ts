import PDFDocument from 'pdfkit';
import { FONT, pdfBytes, writeMarkdown } from './markdown-pdf.js';

const HEADING_SIZE: Record<string, number> = { h1: 18, h2: 14, h3: 12, h4: 11, h5: 11, h6: 11 };
const MARGIN = 56;

export interface PdfInput {
  title: string;
  version: number;
  publishedAt: Date;
  organisation: string;
  body: string;
}

/**
 * A published policy version as a PDF: organisation, title, version and date on top, then the
 * Markdown's structure (headings, paragraphs, bulleted and numbered lists, tables as rows).
 */
export function policyPdf(input: PdfInput): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: {
      Title: input.title,
      Author: input.organisation,
      Subject: `${input.title}, version ${input.version}`,
      Creator: 'Attest',
      CreationDate: input.publishedAt,
    },
  });
  const done = pdfBytes(doc);

  doc.font(FONT.regular).fontSize(10).fillColor('#555').text(input.organisation);
  doc.moveDown(0.3);
  doc.font(FONT.bold).fontSize(22).fillColor('#111').text(input.title);
  doc
    .font(FONT.regular)
    .fontSize(10)
    .fillColor('#555')
    .text(`Version ${input.version} · published ${input.publishedAt.toISOString().slice(0, 10)}`);
  doc.moveDown(1).fillColor('#111');

  writeMarkdown(doc, input.body, MARGIN, HEADING_SIZE);
  doc.end();
  return done;
}
