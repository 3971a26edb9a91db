/**
 * Stamps every page of a PDF with who received it and when: a line at the foot of each page and
 * a faint diagonal mark across it, so a copy that leaks names its recipient.
 */
/** pdf-lib (about 8 MB resident) is loaded the first time a PDF is checked or stamped, not with the server. */
const pdfLib = () => import('pdf-lib');

/** Standard fonts draw WinAnsi only: anything else becomes "?" rather than failing the download. */
const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');

export function watermarkLine(email: string, organisation: string, at: Date): string {
  return winAnsi(`Shared by ${organisation} with ${email} on ${at.toISOString().slice(0, 10)} - confidential`);
}

export async function isReadablePdf(bytes: Uint8Array): Promise<boolean> {
  const { PDFDocument } = await pdfLib();
  try {
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    return doc.getPageCount() > 0 && !doc.isEncrypted;
  } catch {
    return false;
  }
}

export async function watermarkPdf(bytes: Uint8Array, line: string, email: string): Promise<Uint8Array> {
  const { degrees, PDFDocument, rgb, StandardFonts } = await pdfLib();
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const mark = winAnsi(email);
  for (const page of doc.getPages()) {
    const { width, height } = page.getSize();
    const size = Math.max(6, Math.min(8, (width - 40) / Math.max(1, font.widthOfTextAtSize(line, 1))));
    page.drawText(line, { x: 20, y: 12, size, font, color: rgb(0.35, 0.35, 0.35) });
    const big = Math.min(36, (Math.hypot(width, height) * 0.7) / Math.max(1, font.widthOfTextAtSize(mark, 1)));
    const angle = Math.atan2(height, width);
    const run = font.widthOfTextAtSize(mark, big);
    page.drawText(mark, {
      x: width / 2 - (Math.cos(angle) * run) / 2,
      y: height / 2 - (Math.sin(angle) * run) / 2,
      size: big,
      font,
      color: rgb(0.6, 0.6, 0.6),
      opacity: 0.18,
      rotate: degrees((angle * 180) / Math.PI),
    });
  }
  return doc.save();
}
