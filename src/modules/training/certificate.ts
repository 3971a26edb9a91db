/** The facts a completion certificate states; all of them are also in the attempt row. */
export interface CertificateInput {
  organisation: string;
  personName: string;
  email: string;
  moduleTitle: string;
  moduleVersion: number;
  score: number;
  passMark: number;
  completedAt: Date;
  attemptId: string;
}

/**
 * A one-page completion certificate (A4 landscape). pdfkit is loaded on first use, so servers
 * that never issue one do not pay for it at start-up.
 */
export async function certificatePdf(input: CertificateInput): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const day = input.completedAt.toISOString().slice(0, 10);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 64,
    info: {
      Title: `Training certificate: ${input.moduleTitle}`,
      Author: input.organisation,
      Subject: `${input.personName} completed "${input.moduleTitle}" (version ${input.moduleVersion}) on ${day}`,
      Creator: 'Attest',
      CreationDate: input.completedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 128;
  doc
    .lineWidth(2)
    .strokeColor('#1c7ed6')
    .rect(40, 40, doc.page.width - 80, doc.page.height - 80)
    .stroke();
  doc.font('Helvetica').fontSize(12).fillColor('#555').text(input.organisation, 64, 80, { width, align: 'center' });
  doc.moveDown(1.2);
  doc
    .font('Helvetica-Bold')
    .fontSize(30)
    .fillColor('#111')
    .text('Certificate of completion', { width, align: 'center' });
  doc.moveDown(0.4);
  doc.font('Helvetica').fontSize(13).fillColor('#555').text('Security awareness training', { width, align: 'center' });
  doc.moveDown(1.6);
  doc.fontSize(13).fillColor('#111').text('This certifies that', { width, align: 'center' });
  doc.moveDown(0.4);
  doc.font('Helvetica-Bold').fontSize(24).text(input.personName, { width, align: 'center' });
  doc.font('Helvetica').fontSize(11).fillColor('#555').text(input.email, { width, align: 'center' });
  doc.moveDown(0.8);
  doc.fontSize(13).fillColor('#111').text('completed the module and passed its quiz', { width, align: 'center' });
  doc.moveDown(0.4);
  doc.font('Helvetica-Bold').fontSize(18).text(input.moduleTitle, { width, align: 'center' });
  doc.moveDown(1.4);

  const facts: [string, string][] = [
    ['Module version', String(input.moduleVersion)],
    ['Score', `${input.score}% (pass mark ${input.passMark}%)`],
    ['Completed', `${day} ${input.completedAt.toISOString().slice(11, 16)} UTC`],
    ['Attempt', input.attemptId],
  ];
  for (const [label, value] of facts) {
    doc
      .font('Helvetica')
      .fontSize(11)
      .fillColor('#555')
      .text(`${label}: `, { width, align: 'center', continued: true });
    doc.font('Helvetica-Bold').fillColor('#111').text(value);
  }
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor('#777')
    .text(
      'Issued by Attest and kept as evidence in the organisation’s ledger; the attempt id identifies the record.',
      64,
      doc.page.height - 100,
      { width, align: 'center' },
    );
  doc.end();
  return done;
}
